"""The wizard's side panel weighs the call-log evidence attached to the assessment (real lia.rules)."""

from __future__ import annotations

import re
from pathlib import Path

from lia.example import ensure_example
from lia.periods.analysis import analyse
from lia.periods.calllog import read_call_log
from lia.periods.evidence import attach, evidence_path
from lia.periods.limits import Limits
from lia.periods.synth import generate
from lia.store import Store
from lia.workspace import Workspace
from lia.pages.wizard.app import build_app


def _rules(app) -> set[str]:
    return {c for box in app.findings_box.children for c in box._dom_classes if c.startswith("lia-rule-")}


def test_attached_evidence_findings_appear_in_the_side_panel(ws: Path, tmp_path: Path) -> None:
    w = Workspace(ws)
    _, aid = ensure_example(w)
    app = build_app(home=ws, author="A")  # the real reasoning, with the workspace's evidence
    app.open(aid)
    assert "No call log attached" in app.verdicts.value
    assert "lia-rule-se-periods-evidence_whole_weeks" not in _rules(app)

    g = generate(seed=2, inject=("whole_week", "declined_recorded"), weeks=12, teams=2, agents_per_team=4,
                 calls_per_agent_day=8)
    log = g.write_parquet(tmp_path / "calls.parquet")
    head = Store(w).load(aid)
    rep = analyse(read_call_log(log), Limits.from_answers(g.answers))
    attach(w, aid, rep, version=head, source=log, tz="Europe/Stockholm")

    app.open(aid)  # reopening re-evaluates; the reasoner reads the new file
    rules = _rules(app)
    assert {"lia-rule-se-periods-evidence_whole_weeks", "lia-rule-eu-periods-evidence_declined_recorded"} <= rules
    box = next(b for b in app.findings_box.children if "lia-rule-se-periods-evidence_whole_weeks" in b._dom_classes)
    assert "call logs show agents recorded for whole working weeks" in box.children[0].value
    assert "Weighs the call-log evidence calls.parquet (" in app.verdicts.value
    app.lang_toggle.value = "nb"
    assert "Vekter beviset fra samtaleloggen calls.parquet" in app.verdicts.value
    # when it was analysed: local time with its zone in the page's language, not an ISO stamp
    from lia.i18n import format_time
    from lia.periods.evidence import load_evidence

    evidence = load_evidence(w, aid)
    assert evidence is not None
    analysed = evidence.analysed_at
    assert f"analysert {format_time(analysed, 'nb')})" in app.verdicts.value
    assert analysed not in app.verdicts.value

    # a damaged file: the panel says so and keeps reasoning without it
    path = evidence_path(w, aid)
    path.write_text('{"kind": "periods-evidence", "format": 1, "assessment": ', encoding="utf-8")
    app.lang_toggle.value = "en"
    app.open(aid)
    assert "cannot be used" in app.verdicts.value and str(path) in app.verdicts.value
    assert "lia-rule-se-periods-evidence_whole_weeks" not in _rules(app)
    assert "lia-badge" in app.verdicts.value  # verdicts still shown
    # ... in the page's language, the place in the file included (it said "line 1, column 57")
    app.lang_toggle.value = "sv"
    assert "kan inte användas" in app.verdicts.value and str(path) in app.verdicts.value
    assert re.search(r"rad 1, kolumn \d+", app.verdicts.value), app.verdicts.value
