"""Fixtures for the wizard's widget tests: a workspace, the wizard's test questionnaire, an app."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

WIZARD_TEMPLATES = Path(__file__).resolve().parent / "fixtures" / "templates"


@pytest.fixture
def wiz_templates(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Use the wizard's test questionnaire (every question type, real question ids)."""
    monkeypatch.setenv("LIA_TEMPLATES", str(WIZARD_TEMPLATES))
    return WIZARD_TEMPLATES


def fake_reasoner(assessment: dict, answers: dict, lang: str) -> Any:
    """A stand-in for lia.rules: one finding when agents are recorded all the time."""
    from lia.pages.wizard.reasoning import Reasoning

    findings = []
    if answers.get("periods.continuous") is True:
        findings.append(
            {
                "rule": "se.training_periods",
                "severity": "warning",
                "citation": "Datainspektionen, inspelning av samtal" if lang == "en" else "Datainspektionen (sv)",
                "message": "Recording runs all the time" if lang == "en" else "Inspelning pågår hela tiden",
                "remediation": "Limit recording to training periods",
                "question": "periods.continuous",
            }
        )
    verdict = "pass" if answers.get("context.party_to_call") is True else "fail"
    data = {
        "lia": {
            "purpose": {"verdict": verdict, "reasons": ["a reason"]},
            "necessity": {"verdict": "needs_scope_reduction", "reasons": []},
            "balancing": {"verdict": "pass_with_measures", "reasons": []},
            "overall": {"verdict": "conditional" if verdict == "pass" else "no", "reasons": []},
        },
        "dpia": {"criteria_met": ["systematic_monitoring", "vulnerable_subjects"], "required": True, "reasons": []},
        "findings": findings,
    }
    return Reasoning(data=data, evaluation=None)


@pytest.fixture
def make_app(ws: Path, wiz_templates: Path) -> Callable[..., Any]:
    """Build a wizard app on the test workspace (fake reasoning unless told otherwise)."""
    from lia.pages.wizard.app import build_app

    def _make(**kwargs: Any) -> Any:
        kwargs.setdefault("reasoner", fake_reasoner)
        kwargs.setdefault("author", "Dana DPO")
        return build_app(home=ws, **kwargs)

    return _make


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Any:
    """A wizard app with a new assessment 'cc-2026' created (not saved yet)."""
    a = make_app()
    create(a, "cc-2026", "Contact centre recording")
    return a


def create(app: Any, aid: str, title: str, jur: tuple[str, ...] = ("SE",)) -> None:
    """Fill in and submit the new-assessment form as a user would."""
    app.new_button.click()
    app.new_id.value = aid
    app.new_title.value = title
    for j in jur:
        app.new_jur[j].value = True
    app.create_button.click()


def block(app: Any, qid: str) -> Any:
    """The question block of *qid*, going to its section first (as clicking a step would)."""
    app.goto_section(app.state.form.section_of(qid))
    return app.blocks[qid]
