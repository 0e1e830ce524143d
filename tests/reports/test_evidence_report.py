"""Reports with attached call-log evidence: weighed, shown with its charts, listed in the statement, stale when it changes."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from lia.example import EXAMPLE_ID
from lia.workspace import Workspace

from .conftest import make_workspace, render_one

KIND_NAMES = ("Whole weeks recorded", "Callers who declined were recorded", "Recorded outside a training period")
CHART_TITLES = ("Agents recorded per day, by team", "Share of calls recorded per ISO week",
                "Age of recordings (deleted or still kept)")


def _attach(ws: Workspace, tmp: Path, seed: int, inject: tuple[str, ...]) -> Any:
    from lia.periods.analysis import analyse
    from lia.periods.calllog import read_call_log
    from lia.periods.evidence import attach
    from lia.periods.limits import Limits
    from lia.periods.synth import generate
    from lia.store import Store

    g = generate(seed=seed, inject=inject, weeks=12, teams=3, agents_per_team=4, calls_per_agent_day=8)
    log = g.write_parquet(tmp / f"calls-{seed}.parquet")
    rep = analyse(read_call_log(log), Limits.from_answers(g.answers))
    return attach(ws, EXAMPLE_ID, rep, version=Store(ws).load(EXAMPLE_ID), source=log, tz="Europe/Stockholm")


def _states(ws: Workspace, tdir: Path) -> dict[str, tuple[str, list[str]]]:
    from lia.reports.status import report_status

    return {r.dir.name: (r.state, r.reasons) for r in report_status(ws, tdir)}


@pytest.fixture
def setup(tmp_path: Path, templates_copy: Path, pool: Any) -> dict[str, Any]:
    ws = make_workspace(tmp_path / "ws", templates_copy)
    first = render_one(ws, EXAMPLE_ID, templates_copy, pool)
    return {"ws": ws, "templates": templates_copy, "pool": pool, "first": first, "tmp": tmp_path}


def test_report_without_evidence_says_no_call_log_was_analysed(setup: dict[str, Any]) -> None:
    html = (setup["first"] / "report.html").read_text(encoding="utf-8")
    assert "No call log was analysed for this assessment" in html
    st = json.loads((setup["first"] / "statement.json").read_text(encoding="utf-8"))
    assert st["predicate"]["evidence"] is None
    ev = json.loads((setup["first"] / "evaluation.json").read_text(encoding="utf-8"))
    assert not [f for f in ev["findings"] if ".evidence_" in f["rule"]]


def test_attached_evidence_is_weighed_shown_and_listed(setup: dict[str, Any]) -> None:
    from conftest import run_lia

    ws, tdir = setup["ws"], setup["templates"]
    ev = _attach(ws, setup["tmp"], 3, ("whole_week", "declined_recorded"))
    path = ws.assessments_dir / EXAMPLE_ID / "evidence" / "periods.json"
    assert _states(ws, tdir)[setup["first"].name] == (
        "stale", [f"call-log evidence attached ({EXAMPLE_ID}/evidence/periods.json)"])

    r = run_lia("--home", str(ws.home), "render", "--stale", "--no-pdf", env={"LIA_TEMPLATES": str(tdir)}, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    new = ws.reports_dir / EXAMPLE_ID / f"{setup['first'].name}-r2"
    assert new.is_dir() and f"{EXAMPLE_ID}/{new.name}" in r.stdout
    assert _states(ws, tdir)[new.name] == ("current", [])

    # the statement names the evidence file by its SHA-256
    st = json.loads((new / "statement.json").read_text(encoding="utf-8"))
    evp = st["predicate"]["evidence"]
    assert evp["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert evp["file"] == "evidence/periods.json" and evp["breaches"] == len(ev.breaches)
    assert evp["source"]["name"] == "calls-3.parquet"
    # the evaluation weighs it
    evaluation = json.loads((new / "evaluation.json").read_text(encoding="utf-8"))
    rules = {f["rule"] for f in evaluation["findings"]}
    assert {"se.periods.evidence_whole_weeks", "eu.periods.evidence_declined_recorded"} <= rules
    # the changes since the previous report list the new findings, with the reason
    changes = json.loads((new / "changes.json").read_text(encoding="utf-8"))
    assert "se.periods.evidence_whole_weeks" in {f["rule"] for f in changes["added"]}
    assert changes["reasons"] == [f"call-log evidence attached ({EXAMPLE_ID}/evidence/periods.json)"]

    # the HTML shows source, breaches (translated kind names, pseudonymous agents) and three charts
    html = (new / "report.html").read_text(encoding="utf-8")
    section = html[html.index('id="periods"'):html.index('id="access"')]
    assert "calls-3.parquet" in section and ev.source["sha256"] in section
    assert f"{ev.first_day} to {ev.last_day}" in section
    for b in ev.breaches:
        assert b.get("agent", b.get("team")) in section
    for name in KIND_NAMES[:2]:
        assert name in section
    # a summary by kind (count, people affected) comes before the charts and the detail
    start = section.index("Breaches by kind")
    summary = section[start:section.index("<svg", start)]
    from collections import Counter

    for kind, n in Counter(b["kind"] for b in ev.breaches).items():
        row = re.search(r"<tr>(?:(?!</tr>).)*" + re.escape(f"<td>{n}</td>"), summary, flags=re.S)
        assert row, (kind, n)
    charts = re.findall(r"<svg.*?</svg>", section, flags=re.S)
    titles = [t for t in CHART_TITLES if any(t in c for c in charts)]
    assert titles == list(CHART_TITLES)
    # the synthetic log was measured against its own limits, not the example's: the report says so
    assert "declares different limits" in section
    assert "Call-log evidence" in html[html.index('id="provenance"'):]


def test_changed_and_removed_evidence_make_the_report_stale(setup: dict[str, Any]) -> None:
    from lia.periods.evidence import detach

    ws, tdir, pool = setup["ws"], setup["templates"], setup["pool"]
    _attach(ws, setup["tmp"], 3, ("whole_week",))
    d = render_one(ws, EXAMPLE_ID, tdir, pool)
    assert _states(ws, tdir)[d.name] == ("current", [])
    _attach(ws, setup["tmp"], 5, ("days_per_month",))
    assert _states(ws, tdir)[d.name] == ("stale", [f"call-log evidence changed ({EXAMPLE_ID}/evidence/periods.json)"])
    detach(ws, EXAMPLE_ID)
    assert _states(ws, tdir)[d.name] == ("stale", [f"call-log evidence removed ({EXAMPLE_ID}/evidence/periods.json)"])


def test_report_in_swedish_translates_the_evidence(setup: dict[str, Any]) -> None:
    ws, tdir, pool = setup["ws"], setup["templates"], setup["pool"]
    _attach(ws, setup["tmp"], 3, ("whole_week",))
    d = render_one(ws, EXAMPLE_ID, tdir, pool, lang="sv")
    html = (d / "report.html").read_text(encoding="utf-8")
    assert "Bevis från samtalsloggar" in html and "Hela veckor inspelade" in html
    assert "Andel inspelade samtal per ISO-vecka" in html


def test_damaged_evidence_stops_the_render_with_file_and_place(setup: dict[str, Any]) -> None:
    from lia.errors import LiaError

    ws, tdir, pool = setup["ws"], setup["templates"], setup["pool"]
    _attach(ws, setup["tmp"], 3, ("whole_week",))
    path = ws.assessments_dir / EXAMPLE_ID / "evidence" / "periods.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["breaches"][0]["kind"] = "unheard_of"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(LiaError) as err:
        render_one(ws, EXAMPLE_ID, tdir, pool)
    assert str(path) in str(err.value) and "breaches[1].kind" in str(err.value)
    names = sorted(p.name for p in (ws.reports_dir / EXAMPLE_ID).iterdir())
    assert names == [setup["first"].name]  # no half report, no failed notebook: it never ran
