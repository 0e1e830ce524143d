"""The wizard on the real questionnaires and the shipped example assessment."""

from __future__ import annotations

from pathlib import Path

from lia.example import ensure_example
from lia.store import Store
from lia.workspace import Workspace
from lia.wizard.app import build_app
from lia.wizard.schema import is_answered
from lia.wizard.widgets import FACTORIES

from .conftest import fake_reasoner


def test_every_real_question_is_shown_with_its_widget(ws: Path) -> None:
    app = build_app(home=ws, reasoner=fake_reasoner, author="A")
    app.new_id.value, app.new_title.value = "real-1", "Real questionnaires"
    app.create_button.click()
    form = app.state.form
    assert {"lia", "dpia_screening", "dpia_risks"} <= {q["id"] for q in form.questionnaires}
    for i, section in enumerate(form.sections):
        app.goto_section(i)
        for q in section.questions:
            block = app.blocks[q.id]
            assert isinstance(block.control, FACTORIES[q.type]), q.id
            assert block.help.value, f"{q.id} shows no help text"


def test_example_assessment_shows_every_answer_exactly(ws: Path) -> None:
    """Opening a version and reading the widgets back gives the stored answers: nothing is lost or altered."""
    _, aid = ensure_example(Workspace(ws))
    head = Store(ws).load(aid)
    app = build_app(home=ws, reasoner=fake_reasoner, author="A")
    app.open(aid)
    shown = {}
    for i in range(len(app.state.form.sections)):
        app.goto_section(i)
    for qid, block in app.blocks.items():
        if is_answered(block.control.value):
            shown[qid] = block.control.value
    stored = {k: v for k, v in head.answers.items() if k in app.state.form.questions and app.state.visible(app.state.form.questions[k])}
    assert shown == stored
    assert not app.state.dirty
    # and saving it again unchanged is refused as "nothing to save"
    app.save_button.click()
    assert "Nothing changed" in app.notice.value
    assert Store(ws).head_number(aid) == head.number


def test_example_edit_and_save_through_real_validation(ws: Path) -> None:
    _, aid = ensure_example(Workspace(ws))
    app = build_app(home=ws, reasoner=fake_reasoner, author="Dana DPO")
    app.open(aid)
    before = Store(ws).head_number(aid)
    app.goto_question("periods.max_days_per_month")
    app.blocks["periods.max_days_per_month"].control.input.value = "4"
    app.message.value = "Fewer recorded days"
    app.save_button.click()
    head = Store(ws).load(aid)
    assert head.number == before + 1 and head.answers["periods.max_days_per_month"] == 4
    assert head.author == "Dana DPO"
