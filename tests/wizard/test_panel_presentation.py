"""The side panel draws from the presentation model (lia.rules.presentation): one reading of the evaluation."""

from __future__ import annotations

from typing import Any

from .conftest import block, create, fake_reasoner


def _with(change: dict[str, Any]) -> Any:
    """The fake reasoning with part of its evaluation replaced."""

    def reasoner(assessment: dict, answers: dict, lang: str) -> Any:
        r = fake_reasoner(assessment, answers, lang)
        r.data.update(change)
        return r

    return reasoner


def test_a_malformed_evaluation_is_said_with_its_place_not_shown_in_part(make_app) -> None:
    """Before, the panel read each key defensively and showed a finding of unknown severity as a note;
    now the evaluation is read once, and the page says what is wrong and where."""
    bad = [{"rule": "se.training_periods", "severity": "fatal", "message": "m", "citation": "c"}]
    a = make_app(reasoner=_with({"findings": bad}))
    create(a, "x-1", "T")
    assert "could not be computed" in a.verdicts.value
    assert "findings[0].severity" in a.verdicts.value and "blocker, warning, info" in a.verdicts.value
    assert a.findings_box.children == () and a.findings_title.layout.display == "none"
    a.lang_toggle.value = "sv"
    assert "Bedömningen kunde inte beräknas" in a.verdicts.value and "väntade en av" in a.verdicts.value


def test_dpia_flag_of_the_wrong_type_is_refused(make_app) -> None:
    a = make_app(reasoner=_with({"dpia": {"criteria_met": [], "required": "yes"}}))
    create(a, "x-2", "T")
    assert "dpia.required" in a.verdicts.value and "expected true/false" in a.verdicts.value


def test_a_well_formed_evaluation_still_shows_verdicts_and_findings(make_app) -> None:
    a = make_app()
    create(a, "x-3", "T")
    block(a, "periods.continuous").control.widget.value = True
    assert "lia-step-overall" in a.verdicts.value and "lia-dpia-yes" in a.verdicts.value
    assert any("lia-rule-se-training_periods" in b._dom_classes for b in a.findings_box.children)
