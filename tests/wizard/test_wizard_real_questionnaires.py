"""The wizard on the real questionnaires and the shipped example assessment."""

from __future__ import annotations

from pathlib import Path

from lia.example import ensure_example
from lia.store import Store
from lia.workspace import Workspace
from lia.pages.wizard.app import build_app
from lia.pages.wizard.schema import is_answered
from lia.pages.wizard.widgets import FACTORIES

from .conftest import create, fake_reasoner


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


def test_real_reasoning_finding_appears_links_and_charts_render(ws: Path) -> None:
    app = build_app(home=ws, author="A")  # the real lia.rules engine
    app.new_id.value, app.new_title.value = "live-1", "Live reasoning"
    app.new_jur["SE"].value = True
    app.create_button.click()
    assert "lia-badge" in app.verdicts.value  # verdicts shown, not the "not installed" note
    assert not app.findings_box.children or "lia-fq-periods-continuous" not in str(
        [c._dom_classes for c in app.findings_box.children])
    app.goto_question("periods.continuous")
    app.blocks["periods.continuous"].control.widget.value = True
    boxes = [c for c in app.findings_box.children if "lia-fq-periods-continuous" in c._dom_classes]
    assert boxes, "a finding about continuous recording appears"
    text = boxes[0].children[0].value
    assert "all the time" in text and "GDPR" in text
    app.goto_section(0)
    boxes[0].children[1].click()  # the link jumps back to the question
    assert app.state.form.sections[app.state.section_index].id == "periods"
    assert "lia-focus" in app.blocks["periods.continuous"].box._dom_classes
    charts = [c.value for c in app.charts_box.children]
    assert charts and all("<svg" in c for c in charts)
    # Swedish: the same finding, in Swedish
    app.lang_toggle.value = "sv"
    boxes = [c for c in app.findings_box.children if "lia-fq-periods-continuous" in c._dom_classes]
    assert "hela tiden" in boxes[0].children[0].value


def test_real_reasoning_on_the_example_shows_verdicts_and_dpia(ws: Path) -> None:
    _, aid = ensure_example(Workspace(ws))
    app = build_app(home=ws, author="A")
    app.open(aid)
    v = app.verdicts.value
    assert "verdict-" in v and "DPIA required" in v
    assert "Systematic monitoring" in v  # criteria by name, not by id
    toggle = [c for c in app.findings_box.children if "lia-notes-toggle" in c._dom_classes]
    assert toggle and toggle[0].description.startswith("Show ")
    notes = app.findings_box.children[-1]
    assert notes.layout.display == "none"
    toggle[0].click()
    assert notes.layout.display != "none" and toggle[0].description.startswith("Hide ")
    assert any("lia-chart-risk_map" in c.value for c in app.charts_box.children)


def test_charts_are_sent_again_only_when_they_change(ws: Path) -> None:
    """Typing a description changes no chart: the page keeps its chart widgets (40 kB not re-sent before a save)."""
    _, aid = ensure_example(Workspace(ws))
    app = build_app(home=ws, author="A")
    app.open(aid)
    shown = list(app.charts_box.children)
    assert shown
    app.blocks["context.description"].control.widget.value = "Only the wording changed."
    assert list(app.charts_box.children) == shown
    # a language switch relabels the charts: new widgets
    app.lang_toggle.value = "sv"
    assert list(app.charts_box.children) != shown and all("<svg" in c.value for c in app.charts_box.children)


def test_side_panel_shows_each_group_on_its_basis_with_the_weighing(ws: Path) -> None:
    """Callers on consent and agents on legitimate interest each get their own result; the agents'
    weighing is there in words, in the DPO's language; a blank assessment is never a green 'not required'."""
    _, aid = ensure_example(Workspace(ws))
    app = build_app(home=ws, author="A")
    app.open(aid)
    v = app.verdicts.value
    assert 'class="lia-group lia-group-callers"' in v and 'class="lia-group lia-group-agents"' in v
    assert "Consent (Art. 6(1)(a))" in v and "Legitimate interest (Art. 6(1)(f))" in v
    assert "The weighing" in v and "Agents (employees), Training of staff: the interest weighs medium" in v
    assert "consent valid" in v
    app.lang_toggle.value = "nb"
    v = app.verdicts.value
    assert "Hver gruppe på sitt eget behandlingsgrunnlag" in v and "interessen veier middels" in v
    blank = build_app(home=ws, author="A")
    create(blank, "blank-2026", "Blank")
    v = blank.verdicts.value
    assert "DPIA not screened" in v and "DPIA not required" not in v
    assert "verdict-not_assessed" in v and "verdict-pass" not in v and "verdict-conditional" not in v
