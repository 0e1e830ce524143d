"""collect(): what the portfolio says about each assessment, and its cache."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from lia.dashboards import portfolio as pf
from lia.dashboards.sources import EvalSummary

from .conftest import TODAY, new_assessment
from .fakes import make_report


def by_id(rows):
    return {r.id: r for r in rows}


def test_collect_shows_each_state(portfolio_ws: Path, fake) -> None:
    rows = by_id(pf.collect(portfolio_ws, TODAY, sources=fake))
    assert rows["current-one"].report_state == "current"
    assert rows["current-one"].signers == [("Åsa Lindqvist", "dpo")]
    assert rows["stale-one"].report_state == "stale"
    assert any("newer answers version 3" in r for r in rows["stale-one"].report_reasons)
    assert rows["stale-one"].head_version == 3 and rows["stale-one"].report_version == 2
    assert rows["unsigned-one"].report_state == "unsigned"
    assert rows["tampered-one"].report_state == "failing"
    assert rows["tampered-one"].report_reasons[0].startswith("report.html:")
    assert rows["overdue-one"].review == "overdue" and rows["overdue-one"].days_to_review == -92
    assert rows["soon-one"].review == "due_soon"
    assert rows["current-one"].review == "ok"
    assert rows["overdue-one"].report_state == "none"
    assert rows["current-one"].jurisdictions == ("EU", "NO")


def test_tampered_report_is_never_valid_even_with_signatures(portfolio_ws: Path, fake) -> None:
    row = by_id(pf.collect(portfolio_ws, TODAY, sources=fake))["tampered-one"]
    assert row.report.signers and all(s.valid for s in row.report.signers)  # the signature itself is fine
    assert not row.report.valid and row.report_state == "failing"
    assert row.signers == [("Åsa Lindqvist", "dpo")]


def test_superseded_assessment_is_not_due_for_review(ws: Path, mini: Path, fake) -> None:
    new_assessment(ws, "old-one", review="2020-01-01", status="superseded")
    assert pf.collect(ws, TODAY, sources=fake)[0].review == "none"


def test_altered_head_version_is_shown_not_raised(portfolio_ws: Path, fake) -> None:
    path = portfolio_ws / "assessments" / "current-one" / "versions" / "0002.json"
    path.write_text(path.read_text("utf-8").replace("Training new agents", "Anything"), "utf-8")
    rows = by_id(pf.collect(portfolio_ws, TODAY, sources=fake))
    assert "altered" in rows["current-one"].error
    assert rows["stale-one"].report_state == "stale"


# --------------------------------------------------------------------------- cache


def test_second_load_uses_the_cache(portfolio_ws: Path, fake) -> None:
    first = pf.collect(portfolio_ws, TODAY, sources=fake)
    assert len(fake.evaluated) == 6 and len(fake.verified) == 4
    fake.evaluated.clear(), fake.verified.clear()
    second = pf.collect(portfolio_ws, TODAY, sources=fake)
    assert fake.evaluated == [] and fake.verified == []
    assert [r.record() for r in first] == [r.record() for r in second]
    assert (portfolio_ws / ".lia-cache" / "portfolio.json").is_file()


def test_new_version_invalidates_evaluation_and_staleness(portfolio_ws: Path, fake) -> None:
    from lia.store import Store

    pf.collect(portfolio_ws, TODAY, sources=fake)
    fake.evaluated.clear(), fake.verified.clear()
    Store(portfolio_ws).save("current-one", {"basics.purpose": "Changed"}, author="t", message="m")
    rows = by_id(pf.collect(portfolio_ws, TODAY, sources=fake))
    assert fake.evaluated == ["current-one"]
    assert [Path(p).parent.name for p in fake.verified] == ["current-one"]
    assert rows["current-one"].report_state == "stale"
    assert rows["current-one"].head_version == 3


def test_metadata_change_is_seen(portfolio_ws: Path, fake) -> None:
    from lia.store import Store

    pf.collect(portfolio_ws, TODAY, sources=fake)
    Store(portfolio_ws).save("soon-one", {"basics.purpose": "Training new agents"}, assessment={"owner": "Kari Nordmann", "review_date": "2026-01-01"}, author="t", message="m")
    row = by_id(pf.collect(portfolio_ws, TODAY, sources=fake))["soon-one"]
    assert row.owner == "Kari Nordmann" and row.review == "overdue"


def test_rule_pack_change_re_evaluates_everything(portfolio_ws: Path, fake) -> None:
    pf.collect(portfolio_ws, TODAY, sources=fake)
    fake.evaluated.clear()
    fake.rules_fp = "rules-2"
    fake.verdicts["current-one"] = EvalSummary("no", True, ())
    rows = by_id(pf.collect(portfolio_ws, TODAY, sources=fake))
    assert sorted(fake.evaluated) == sorted(rows)
    assert rows["current-one"].verdict == "no" and rows["current-one"].dpia_required is True


def test_tampering_after_caching_is_detected_even_with_mtime_restored(portfolio_ws: Path, fake) -> None:
    rows = by_id(pf.collect(portfolio_ws, TODAY, sources=fake))
    assert rows["current-one"].report_state == "current"
    html = portfolio_ws / "reports" / "current-one" / "v2" / "report.html"
    st = html.stat()
    data = html.read_bytes().replace(b"Verdict: yes", b"Verdict: no!")
    assert len(data) == st.st_size  # same size
    html.write_bytes(data)
    os.utime(html, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the old modification time
    rows = by_id(pf.collect(portfolio_ws, TODAY, sources=fake))
    assert rows["current-one"].report_state == "failing"


def test_new_signature_and_trusted_keys_change_re_verify(portfolio_ws: Path, fake) -> None:
    pf.collect(portfolio_ws, TODAY, sources=fake)
    env = portfolio_ws / "reports" / "unsigned-one" / "v2" / "statement.dsse.json"
    env.write_text(json.dumps({"signers": [["Kari Nordmann", "assessor"]]}), "utf-8")
    row = by_id(pf.collect(portfolio_ws, TODAY, sources=fake))["unsigned-one"]
    assert row.report_state == "current" and row.signers == [("Kari Nordmann", "assessor")]
    fake.verified.clear()
    fake.inputs_fp = "inputs-2"  # e.g. a key was removed from the trusted keys
    pf.collect(portfolio_ws, TODAY, sources=fake)
    assert len(fake.verified) == 4


def test_newer_report_is_picked_up(portfolio_ws: Path, fake) -> None:
    from lia.store import Store

    pf.collect(portfolio_ws, TODAY, sources=fake)
    head = Store(portfolio_ws).load("stale-one")
    make_report(portfolio_ws, "stale-one", head.number, head.digest)
    row = by_id(pf.collect(portfolio_ws, TODAY, sources=fake))["stale-one"]
    assert row.report_version == 3 and row.report_state == "current"


def test_corrupt_cache_is_rebuilt_and_removed_assessments_pruned(portfolio_ws: Path, fake) -> None:
    import shutil

    pf.collect(portfolio_ws, TODAY, sources=fake)
    cache = portfolio_ws / ".lia-cache" / "portfolio.json"
    cache.write_text("{not json", "utf-8")
    rows = pf.collect(portfolio_ws, TODAY, sources=fake)
    assert by_id(rows)["tampered-one"].report_state == "failing"
    shutil.rmtree(portfolio_ws / "assessments" / "soon-one")
    pf.collect(portfolio_ws, TODAY, sources=fake)
    assert "soon-one" not in json.loads(cache.read_text("utf-8"))["entries"]


def test_cache_cannot_turn_failing_into_valid(portfolio_ws: Path, fake) -> None:
    """A forged cache entry for a report whose files changed since is not used."""
    pf.collect(portfolio_ws, TODAY, sources=fake)
    cache = portfolio_ws / ".lia-cache" / "portfolio.json"
    data = json.loads(cache.read_text("utf-8"))
    good = data["entries"]["current-one"]["report"]["value"]
    entry = data["entries"]["tampered-one"]["report"]
    entry["value"] = dict(good, report_dir=entry["value"]["report_dir"])
    cache.write_text(json.dumps(data), "utf-8")
    (portfolio_ws / "reports" / "tampered-one" / "v2" / "report.html").write_text("again edited", "utf-8")
    assert by_id(pf.collect(portfolio_ws, TODAY, sources=fake))["tampered-one"].report_state == "failing"


def test_hand_edited_cache_cannot_make_a_failing_report_current(portfolio_ws: Path, fake) -> None:
    """Issue 12 item 14: `valid: true` (a copied passing result) in the cache, files untouched, is not believed."""
    pf.collect(portfolio_ws, TODAY, sources=fake)
    cache = portfolio_ws / ".lia-cache" / "portfolio.json"
    data = json.loads(cache.read_text("utf-8"))
    good = data["entries"]["current-one"]["report"]["value"]
    entry = data["entries"]["tampered-one"]["report"]
    entry["value"] = dict(good, report_dir=entry["value"]["report_dir"], valid=True)
    cache.write_text(json.dumps(data), "utf-8")  # the key still matches: only the MAC can tell
    fake.verified.clear()
    rows = by_id(pf.collect(portfolio_ws, TODAY, sources=fake))
    assert rows["tampered-one"].report_state == "failing"
    assert any("tampered-one" in v for v in fake.verified)  # verified again, not read from the cache
    # an untouched cache is still used (and signed with the user's secret, outside the workspace)
    fake.verified.clear()
    pf.collect(portfolio_ws, TODAY, sources=fake)
    assert fake.verified == []
    from lia.reports.keys import user_config_dir

    assert (user_config_dir() / "cache-secret").stat().st_mode & 0o077 == 0


# --------------------------------------------------------------------------- filter, sort, export


def test_filters(portfolio_ws: Path, fake) -> None:
    rows = pf.collect(portfolio_ws, TODAY, sources=fake)
    ids = lambda f: sorted(r.id for r in pf.apply_filters(rows, f))  # noqa: E731
    assert ids(pf.Filters(owner="Bjørn Hagen")) == ["current-one", "tampered-one"]
    assert ids(pf.Filters(jurisdiction="NO")) == ["current-one"]
    assert ids(pf.Filters(state="failing")) == ["tampered-one"]
    assert ids(pf.Filters(state="attention")) == ["overdue-one", "soon-one", "stale-one", "tampered-one", "unsigned-one"]
    assert ids(pf.Filters(review="overdue")) == ["overdue-one"]
    assert ids(pf.Filters(review="overdue_or_soon")) == ["overdue-one", "soon-one"]
    assert ids(pf.Filters(text="BJØRN tamp")) == ["tampered-one"]
    assert ids(pf.Filters(status="draft", owner="Bjørn Hagen", state="current")) == ["current-one"]


def test_sort(portfolio_ws: Path, fake) -> None:
    rows = pf.collect(portfolio_ws, TODAY, sources=fake)
    assert [r.id for r in pf.sort_rows(rows, "report_state")][:3] == ["tampered-one", "stale-one", "unsigned-one"]
    assert pf.sort_rows(rows, "review")[0].id == "overdue-one"
    assert [r.review_date for r in pf.sort_rows(rows, "review_date", descending=True)][-2:] == ["2026-06-20", "2026-03-01"]
    with pytest.raises(Exception, match="expected one of"):
        pf.sort_rows(rows, "colour")


def test_csv_export_is_excel_friendly(portfolio_ws: Path, fake) -> None:
    rows = pf.collect(portfolio_ws, TODAY, sources=fake)
    data = pf.to_csv_bytes(rows)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    recs = list(csv.DictReader(io.StringIO(text)))
    assert list(recs[0].keys()) == list(pf.COLUMNS)
    rec = {r["id"]: r for r in recs}
    assert rec["current-one"]["owner"] == "Bjørn Hagen"
    assert rec["current-one"]["signers"] == "Åsa Lindqvist (dpo)"
    assert rec["tampered-one"]["report_state"] == "failing"
    assert rec["overdue-one"]["review"] == "overdue"
    import pandas as pd

    df = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(df.columns) == list(pf.COLUMNS) and len(df) == 6


def test_frame_and_summary(portfolio_ws: Path, fake) -> None:
    rows = pf.collect(portfolio_ws, TODAY, sources=fake)
    df = pf.to_frame(rows)
    assert list(df.columns) == list(pf.COLUMNS)
    s = pf.summary_counts(rows)
    assert (s["total"], s["overdue"], s["due_soon"], s["failing"], s["stale"], s["unsigned"]) == (6, 1, 1, 1, 1, 1)


def test_highest_risk_and_risk_counts(ws: Path, mini: Path, fake) -> None:
    new_assessment(ws, "risky")
    fake.verdicts["risky"] = EvalSummary("conditional", True, (
        {"ref": "R1", "severity": "limited", "likelihood": "maximum", "high": True},
        {"ref": "R2", "severity": "significant", "likelihood": "limited", "high": False},
        {"ref": "R3", "severity": None, "likelihood": "limited", "high": False},
    ))
    row = pf.collect(ws, TODAY, sources=fake)[0]
    assert row.highest_risk["ref"] == "R1"
    assert row.record()["highest_risk"] == "R1: limited x maximum" and row.record()["highest_risk_high"] is True
    counts = pf.risk_counts([row])
    assert counts[("limited", "maximum")] == 1 and counts[("significant", "limited")] == 1 and sum(counts.values()) == 2


def test_the_cache_keeps_findings_as_codes_so_the_page_speaks_the_readers_language() -> None:
    """A finding read back from .lia-cache/portfolio.json is still a Message: the Swedish portfolio renders it from
    its code, not from English it would have to match."""
    import json as _json

    from lia.dashboards.sources import EvalSummary, ReportCheck, SignerInfo
    from lia.errors import Message

    check = ReportCheck("r/cc/v2", 2, (SignerInfo("karin", "dpo", None, False, "k" * 64, Message("status.untrusted_key")),),
                        (("report.html", Message("status.changed_file")),
                         ("statement.dsse.json", Message("status.approved_no_dpo"))),
                        (Message("status.newer_answers", head=3, n=2),), True, True)
    back = ReportCheck.from_json(_json.loads(_json.dumps(check.to_json())))
    assert back == check and back.state == "failing"
    assert back.problems[0][1].text("sv") == "SHA-256 skiljer sig från statement.json: filen har ändrats"
    assert back.stale[0].text("nb") == "nyere svarversjon 3 (rapporten bygger på versjon 2)"
    assert back.signers[0].problem.text("sv") == "nyckeln finns inte bland de betrodda nycklarna"
    ev = EvalSummary(error=Message("errors.store_no_version_yet", id="cc", dir="assessments/cc/versions"))
    again = EvalSummary.from_json(_json.loads(_json.dumps(ev.to_json())))
    assert again.error.text("nb") == "vurderingen 'cc' har ingen lagret versjon ennå (assessments/cc/versions er tom)"
    # a missing DPO signature is a gap (unsigned), decided by the code, not by English words
    assert ReportCheck("r", 1, problems=(("statement.dsse.json", Message("status.not_signed")),)).state == "unsigned"
