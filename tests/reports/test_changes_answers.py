"""The legal team reads which answers changed since the last signed report, in its own language.

A report is rendered and signed; two answers change (the retention period and how recordings are
deleted); ``lia render --stale`` and re-renders in Swedish and Norwegian list both answers in
``changes.md`` with the question's text and the values as people write them ("90 days -> 60 days",
the choice's label, never its id), and ``changes.json`` keeps its keys and adds ``answers``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from .conftest import make_workspace, render_one

AID = "contact-centre-recording"

# (period question, old period, new period, deletion question) as each language's reader must see them.
EXPECTED = {
    "en": ("How long are recordings kept?", "90 days", "60 days", "How are recordings deleted when the period ends?"),
    "sv": ("Hur länge sparas inspelningarna?", "90 dagar", "60 dagar", "Hur gallras inspelningarna när tiden gått ut?"),
    "nb": ("Hvor lenge lagres opptakene?", "90 dager", "60 dager",
           "Hvordan slettes opptakene når lagringstiden er ute?"),
}


def _label(templates: Path, qid: str, cid: str, lang: str) -> str:
    from lia.questionnaire import load_questionnaires

    q = load_questionnaires(templates).get(qid)
    assert q is not None
    return q.choice_label(cid, lang)


@pytest.fixture
def changed(tmp_path: Path, templates_copy: Path, pool: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The example rendered and signed, then a new answers version with two answers changed."""
    from lia.reports.keylog import new_key
    from lia.reports.signing import sign_report
    from lia.store import Store

    tdir = tmp_path / "templates"
    shutil.copytree(templates_copy, tdir)
    ws = make_workspace(tmp_path / "ws", tdir)
    monkeypatch.setenv("LIA_TEMPLATES", str(tdir))
    base = render_one(ws, AID, tdir, pool)
    key = new_key(ws, "signer", "assessor", tmp_path / "keys")
    sign_report(ws, base, Path(key["private_key"]))
    store = Store(ws)
    head = store.load(AID)
    assert head.answers["retention.period"] == "P90D" and head.answers["retention.deletion"] == "automatic"
    answers = {**head.answers, "retention.period": "P60D", "retention.deletion": "manual_when_needed"}
    store.save(AID, answers, author="Legal", message="shorter retention, manual deletion")
    return {"ws": ws, "templates": tdir, "base": base, "old": head.number, "new": head.number + 1}


def _check(report_dir: Path, lang: str, setup: dict[str, Any]) -> None:
    tdir = setup["templates"]
    md = (report_dir / "changes.md").read_text("utf-8")
    auto = _label(tdir, "retention.deletion", "automatic", lang)
    manual = _label(tdir, "retention.deletion", "manual_when_needed", lang)
    assert auto != "automatic" and manual != "manual_when_needed"
    period_q, old_p, new_p, deletion_q = EXPECTED[lang]
    assert f"- {period_q} (`retention.period`): {old_p} -> {new_p}" in md, md
    assert f"- {deletion_q} (`retention.deletion`): {auto} -> {manual}" in md, md
    assert "P90D" not in md and "manual_when_needed ->" not in md and "-> manual_when_needed" not in md

    ch = json.loads((report_dir / "changes.json").read_text("utf-8"))
    assert set(ch) >= {"baseline", "reasons", "verdicts", "added", "removed", "changed", "answers"}
    assert ch["baseline"] == {"dir": f"{AID}/{setup['base'].name}", "signed": True}
    by_q = {a["question"]: a for a in ch["answers"]}
    assert set(by_q) == {"retention.period", "retention.deletion"}
    assert by_q["retention.period"] == {"question": "retention.period", "kind": "changed", "old": "P90D",
                                        "new": "P60D", "text": period_q, "old_text": old_p, "new_text": new_p}
    assert by_q["retention.deletion"]["old"] == "automatic"
    assert by_q["retention.deletion"]["new_text"] == manual and by_q["retention.deletion"]["text"] == deletion_q


def test_render_stale_lists_the_changed_answers_in_each_language(changed: dict[str, Any], pool: Any) -> None:
    from conftest import run_lia

    from lia.reports.render import RenderJob, render_many

    ws, tdir = changed["ws"], changed["templates"]
    # `lia render --stale` (the legal team's command after a change) in Swedish.
    r = run_lia("--home", str(ws.home), "render", "--stale", "--no-pdf", "--lang", "sv",
                env={"LIA_TEMPLATES": str(tdir)}, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    sv_dir = ws.reports_dir / AID / f"v{changed['new']}"
    assert sv_dir.is_dir(), r.stdout
    _check(sv_dir, "sv", changed)
    md = (sv_dir / "changes.md").read_text("utf-8")
    assert "## Ändrade svar" in md
    # the reason it was rendered again, in Swedish too
    assert f"nyare svarsversion {changed['new']} (rapporten bygger på version {changed['old']})" in md, md

    # English and Norwegian renderings compare with the same signed report.
    for lang in ("en", "nb"):
        res = render_many(ws, [RenderJob(AID, None, lang)], templates=tdir, pool=pool, pdf=False, progress=False)[0]
        assert res.error is None and res.dir is not None, res.error
        _check(res.dir, lang, changed)
    assert "## Changed answers" in (ws.reports_dir / AID / f"v{changed['new']}-r2" / "changes.md").read_text()
    assert "## Endrede svar" in (ws.reports_dir / AID / f"v{changed['new']}-r3" / "changes.md").read_text()


def test_a_rerender_of_the_same_answers_says_no_answer_changed(tmp_path: Path, templates_copy: Path,
                                                               pool: Any) -> None:
    ws = make_workspace(tmp_path / "ws", templates_copy)
    render_one(ws, AID, templates_copy, pool)
    again = render_one(ws, AID, templates_copy, pool, lang="nb")
    ch = json.loads((again / "changes.json").read_text("utf-8"))
    assert ch["answers"] == []
    assert "Ingen svar er endret." in (again / "changes.md").read_text("utf-8")
    # the report says when its answers were saved in local time with the zone, in its language
    from lia.i18n import format_time
    from lia.store import Store

    v = Store(ws).load(AID)
    shown = format_time(v.time, "nb", "Europe/Stockholm")  # a Swedish (and Norwegian) assessment: Swedish time
    assert " kl. " in shown and shown.endswith(("CET", "CEST"))
    assert shown in (again / "report.html").read_text("utf-8")


@pytest.mark.parametrize(("lang", "period", "date", "yes"), [
    ("en", "1 year 6 months", "30 Nov 2026", "yes"),
    ("sv", "1 år 6 månader", "30 nov. 2026", "ja"),
    ("nb", "1 år 6 måneder", "30. nov. 2026", "ja"),
])
def test_answer_values_are_written_for_people(lang: str, period: str, date: str, yes: str) -> None:
    from lia.reports.changes import describe_answer_changes
    from lia.store import Change

    out = describe_answer_changes([
        Change("retention.period", "changed", "P1W", "P1Y6M"),
        Change("assessment.review_date", "changed", "2026-05-01", "2026-11-30"),
        Change("retention.withdrawal_deletes", "added", None, True),
    ], lang)
    got = {a["question"]: (a["old_text"], a["new_text"]) for a in out}
    assert got["retention.period"][1] == period
    assert got["retention.period"][0] in ("1 week", "1 vecka", "1 uke")
    assert got["retention.withdrawal_deletes"] == ("—", yes)
    assert got["assessment.review_date"][1] == date
    assert [a["question"] for a in out][0] == "assessment.review_date"  # metadata first, then questionnaire order


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "30 Nov 2026 14:05 CET"),
    ("sv", "30 nov. 2026 14:05 CET"),
    ("nb", "30. nov. 2026 kl. 14:05 CET"),
])
def test_times_are_local_with_their_zone(lang: str, expected: str) -> None:
    from lia.i18n import format_time

    assert format_time("2026-11-30T13:05:00Z", lang, "Europe/Stockholm") == expected
    assert format_time("2026-07-01T12:00:00+00:00", lang, "Europe/Oslo").endswith("14:00 CEST")
    assert format_time("not a time", lang) == "not a time"


def test_viewer_lists_the_changed_answers_in_the_page_language(changed: dict[str, Any], pool: Any) -> None:
    from lia.pages.viewer import ViewerPage
    from lia.reports.render import RenderJob, render_many

    ws, tdir = changed["ws"], changed["templates"]
    res = render_many(ws, [RenderJob(AID, None, "en")], templates=tdir, pool=pool, pdf=False, progress=False)[0]
    assert res.dir is not None, res.error
    page = ViewerPage(ws.home, "sv")
    page.apply_request({"QUERY_STRING": f"assessment={AID}&report={res.dir.name}"})
    html = page.changes.value
    assert "Ändrade svar" in html
    assert "Hur länge sparas inspelningarna?" in html and "90 dagar</span> → <span class=\"lia-new\">60 dagar" in html
    auto = _label(tdir, "retention.deletion", "automatic", "sv")
    assert "Hur gallras inspelningarna när tiden gått ut?" in html and auto in html
    assert "<code>retention.period</code>" not in html and "P90D" not in html
    page.set_language("nb")
    html = page.changes.value
    assert "Hvor lenge lagres opptakene?" in html and "90 dager</span> → <span class=\"lia-new\">60 dager" in html
    assert "Hur länge" not in html


def test_lia_diff_speaks_the_readers_language(tmp_path: Path, templates_copy: Path) -> None:
    from conftest import run_lia

    ws = make_workspace(tmp_path / "ws", templates_copy)
    env = {"LIA_TEMPLATES": str(templates_copy)}
    r = run_lia("--home", str(ws.home), "diff", AID, "1", "3", "--lang", "sv", env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"{AID}: ") and " ändring(ar) från version 1 till 3" in r.stdout.splitlines()[0]
    assert " + retention.period: 90 dagar\n" in r.stdout and "P90D" not in r.stdout
    r = run_lia("--home", str(ws.home), "diff", AID, "3", "3", "--lang", "nb", env=env)
    assert r.stdout.strip() == f"Versjon 3 og 3 av {AID} har de samme svarene og metadataene."
    r = run_lia("--home", str(ws.home), "diff", AID, "1", "3", "--lang", "nb", "--json", env=env)
    period = next(c for c in json.loads(r.stdout) if c["where"] == "retention.period")
    assert period == {"where": "retention.period", "kind": "added", "old": None, "new": "P90D",
                      "text": "Hvor lenge lagres opptakene?", "old_text": "—", "new_text": "90 dager"}
