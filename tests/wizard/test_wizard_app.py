"""The wizard page driven through its widgets, without a browser: set values, click, look."""

from __future__ import annotations

import html
import datetime as dt
import re
from pathlib import Path

import pytest

from lia.store import Store
from lia.pages.wizard.widgets import FACTORIES

from .conftest import block, create


def fill_all(app) -> dict:
    """Answer one question of every type through the widgets; return what should be saved."""
    block(app, "context.description").control.widget.value = "Inbound calls are recorded."
    b = block(app, "context.activities")
    b.control.boxes["record_audio"].value = True
    b.control.boxes["transcribe"].value = True
    block(app, "context.agents").control.input.value = "40"
    block(app, "context.party_to_call").control.widget.value = True
    block(app, "context.legal_basis_callers").control.widget.value = "legitimate_interest"
    block(app, "periods.continuous").control.widget.value = False
    table = block(app, "periods.training_periods").control
    table.add_row()
    row = table.rows[0]
    row["group"].widget.value = "New starters"
    row["start"].widget.value = dt.date(2026, 1, 5)
    row["end"].widget.value = dt.date(2026, 1, 16)
    block(app, "periods.max_consecutive_days").control.input.value = "5"
    dur = block(app, "retention.period").control
    dur.amount.value = "90"
    dur.unit.value = "D"
    block(app, "conclusion.review_date").control.widget.value = dt.date(2027, 5, 1)
    return {
        "context.description": "Inbound calls are recorded.",
        "context.activities": ["record_audio", "transcribe"],
        "context.agents": 40,
        "context.party_to_call": True,
        "context.legal_basis_callers": "legitimate_interest",
        "periods.continuous": False,
        "periods.training_periods": [{"group": "New starters", "start": "2026-01-05", "end": "2026-01-16"}],
        "periods.max_consecutive_days": 5,
        "retention.period": "P90D",
        "conclusion.review_date": "2027-05-01",
    }


def test_every_question_type_gets_its_widget(app) -> None:
    types_seen = set()
    for i, section in enumerate(app.state.form.sections):
        app.goto_section(i)
        for q in section.questions:
            assert isinstance(app.blocks[q.id].control, FACTORIES[q.type])
            types_seen.add(q.type)
    assert types_seen == set(FACTORIES)  # the fixture really uses every type


def test_required_marked_and_help_shown(app) -> None:
    b = block(app, "context.description")
    assert 'class="lia-req"' in b.title.value
    assert "A systematic description." in b.help.value
    optional = block(app, "context.agents")
    assert "lia-req" not in optional.title.value


def test_answers_saved_as_a_version_with_author_and_message(app, ws: Path) -> None:
    expected = fill_all(app)
    app.message.value = "First draft"
    app.save_button.click()
    v = Store(ws).load("cc-2026")
    assert v.number == 1
    assert v.answers == expected
    assert v.author == "Dana DPO"
    assert v.message == "First draft"
    assert v.assessment["jurisdictions"] == ["EU", "SE"]
    assert "Saved version 1" in app.notice.value
    assert app.message.value == ""


def test_table_rows_added_and_removed(app, ws: Path) -> None:
    table = block(app, "access.roles").control
    table.add_row()
    table.add_row()
    table.rows[0]["role"].widget.value = "QA lead"
    table.rows[0]["people"].input.value = "2"
    table.rows[0]["can_listen"].widget.value = True
    table.rows[1]["role"].widget.value = "Team lead"
    table.remove_row(0)
    assert app.state.answers["access.roles"] == [{"role": "Team lead"}]
    table.remove_row(0)
    assert "access.roles" not in app.state.answers
    assert "No rows yet." in table.empty.value and table.empty.layout.display != "none"


def test_language_switch_relabels_and_keeps_answers(app) -> None:
    expected = fill_all(app)
    app.goto_section(0)
    app.lang_toggle.value = "sv"
    assert app.state.answers_to_save() == expected
    assert app.save_button.description == "Spara version"
    b = app.blocks["context.description"]
    assert "Beskriv behandlingen" in b.title.value
    assert b.control.widget.value == "Inbound calls are recorded."
    assert app.blocks["context.party_to_call"].control.widget.value is True
    assert [label for label, _ in app.blocks["context.party_to_call"].control.widget.options] == ["Ja", "Nej"]
    assert "Behandlingen" in app.section_title.value
    # Norwegian too, and back
    app.lang_toggle.value = "nb"
    assert app.save_button.description == "Lagre versjon"
    assert app.state.answers_to_save() == expected
    table = block(app, "periods.training_periods").control
    assert table.rows[0]["group"].widget.value == "New starters"
    assert app.state.dirty
    # the page itself stays alive: only the old question widgets were closed
    assert app.save_button.comm is not None and app.root.comm is not None
    assert all(b.control.widget.comm is not None for b in app.blocks.values())


def test_dirty_indicator_follows_changes(app) -> None:
    assert "New, not saved yet" in app.status.value
    block(app, "context.description").control.widget.value = "x"
    app.message.value = "m"
    app.save_button.click()
    assert "Saved as version 1" in app.status.value and "dirty" not in app.status.value
    block(app, "context.description").control.widget.value = "y"
    assert "Unsaved changes" in app.status.value
    block(app, "context.description").control.widget.value = "x"
    assert "Saved as version 1" in app.status.value


def test_conflict_keeps_answers_on_screen_and_offers_the_difference(app, ws: Path) -> None:
    block(app, "context.description").control.widget.value = "base"
    app.save_button.click()
    # someone else saves version 2 meanwhile
    Store(ws).save("cc-2026", {"context.description": "theirs"}, author="Other Person", message="their edit", parent=1)
    block(app, "context.description").control.widget.value = "mine"
    block(app, "context.agents").control.input.value = "12"
    app.save_button.click()
    assert Store(ws).head_number("cc-2026") == 2  # nothing overwritten
    assert app.conflict_box.layout.display != "none"
    assert "Other Person" in app.conflict_text.value and "version 2" in app.conflict_text.value
    assert app.blocks["context.description"].control.widget.value == "mine"
    assert app.state.answers["context.agents"] == 12
    assert "Unsaved changes" in app.status.value
    app.conflict_diff_button.click()
    assert "theirs" in app.conflict_diff.value and "mine" in app.conflict_diff.value
    # both changed the description: put to the user; the number only I changed merges by itself
    assert [c.where for c in app.state.conflict.merge.clashes] == ["context.description"]
    app.conflict_merge_button.click()
    assert "Choose mine or theirs for: " in app.conflict_feedback.value
    assert Store(ws).head_number("cc-2026") == 2
    app.clash_box.children[0].children[2].value = "mine"
    app.conflict_merge_button.click()
    head = Store(ws).load("cc-2026")
    assert head.number == 3 and head.answers["context.description"] == "mine" and head.answers["context.agents"] == 12
    assert app.conflict_box.layout.display == "none"


def test_conflict_take_theirs_opens_the_newer_version(app, ws: Path) -> None:
    block(app, "context.description").control.widget.value = "base"
    app.save_button.click()
    Store(ws).save("cc-2026", {"context.description": "theirs"}, author="Other", message="m", parent=1)
    block(app, "context.description").control.widget.value = "mine"
    app.save_button.click()
    app.conflict_take_button.click()
    assert app.blocks["context.description"].control.widget.value == "theirs"
    assert app.state.base_number == 2 and not app.state.dirty


def test_creating_an_id_someone_created_meanwhile_is_a_conflict(app, ws: Path) -> None:
    Store(ws).create({"id": "cc-2026", "title": "Theirs"}, author="Other", message="created")
    block(app, "context.description").control.widget.value = "mine"
    app.save_button.click()
    assert app.conflict_box.layout.display != "none"
    assert "created by someone else" in app.conflict_text.value
    assert app.state.answers["context.description"] == "mine"


def test_validation_problems_are_shown(app, ws: Path) -> None:
    share = block(app, "periods.share_recorded_percent")
    share.control.input.value = "150"
    assert "between 0 and 100" in share.problem.value
    app.save_button.click()
    assert "not valid" in app.problems_html.value and "Share of calls recorded" in app.problems_html.value
    assert not Store(ws).exists("cc-2026")
    share.control.input.value = "abc"
    assert "expected a number" in share.problem.value
    assert "periods.share_recorded_percent" not in app.state.answers
    days = block(app, "periods.max_consecutive_days")
    days.control.input.value = "2.5"
    assert "whole number" in days.problem.value
    share.control.input.value = "50"
    assert share.problem.value == ""
    days.control.input.value = ""
    app.save_button.click()
    assert Store(ws).exists("cc-2026")
    assert "still need an answer" in app.problems_html.value
    assert "Describe the processing" in app.problems_html.value


def test_save_needs_an_author(app, ws: Path) -> None:
    app.author.value = ""
    block(app, "context.description").control.widget.value = "x"
    app.save_button.click()
    assert "Enter your name" in app.notice.value
    assert not Store(ws).exists("cc-2026")


def test_show_if_hides_and_does_not_save_hidden_answers(app, ws: Path) -> None:
    cont = block(app, "periods.continuous")
    periods = app.blocks["periods.training_periods"]
    assert periods.box.layout.display == "none"  # unanswered: not shown
    cont.control.widget.value = False
    assert periods.box.layout.display != "none"
    periods.control.add_row()
    periods.control.rows[0]["group"].widget.value = "A"
    cont.control.widget.value = True
    assert periods.box.layout.display == "none"
    app.save_button.click()
    assert "periods.training_periods" not in Store(ws).load("cc-2026").answers


def test_progress_counts_required_answers(app) -> None:
    assert "0 of 7 required" in app.progress_text.value
    block(app, "context.description").control.widget.value = "x"
    block(app, "context.party_to_call").control.widget.value = False
    assert "2 of 7 required" in app.progress_text.value
    step = app.steps.children[0]
    assert "2/4" in step.description


def test_back_next_move_between_sections(app) -> None:
    app.goto_section(0)
    assert app.back_button.disabled
    app.next_button.click()
    assert app.state.section_index == 1 and "Recording periods" in app.section_title.value
    app.next_button.click()
    assert app.next_button.disabled
    app.back_button.click()
    assert app.state.section_index == 1


def test_findings_appear_with_citation_and_jump_to_their_question(app) -> None:
    assert "No findings" in app.findings_box.children[0].value
    block(app, "periods.continuous").control.widget.value = True
    app.goto_section(0)
    [finding] = app.findings_box.children
    text = finding.children[0].value
    assert "Recording runs all the time" in text and "Datainspektionen" in text
    link = finding.children[1]
    link.click()
    assert app.state.section_index == 1
    assert "lia-focus" in app.blocks["periods.continuous"].box._dom_classes


def test_verdicts_coloured_and_translated(app) -> None:
    block(app, "context.party_to_call").control.widget.value = True
    assert 'class="lia-badge good verdict-pass"' in app.verdicts.value
    assert "pass with measures" in app.verdicts.value and "DPIA required" in app.verdicts.value
    app.lang_toggle.value = "sv"
    assert "godkänt med åtgärder" in app.verdicts.value and "Konsekvensbedömning krävs" in app.verdicts.value


def test_history_and_diff_between_versions(app, ws: Path) -> None:
    block(app, "context.party_to_call").control.widget.value = True
    app.message.value = "one"
    app.save_button.click()
    block(app, "context.party_to_call").control.widget.value = False
    retention = block(app, "retention.period").control
    retention.amount.value = "3"
    retention.unit.value = "M"
    app.message.value = "two"
    app.save_button.click()
    assert app.history_table.value.count('class="lia-hrow"') == 2
    assert "one" in app.history_table.value and "two" in app.history_table.value
    app.diff_a.value = 1
    app.diff_b.value = 2
    app.diff_button.click()
    diff = app.diff_html.value
    assert "Is an employee always a party to the call?" in diff
    assert ">Yes<" in diff and ">No<" in diff and "3 months" in diff
    assert not re.search(r">(True|False|None|\[)", diff)  # no Python reprs


def test_open_an_earlier_version(app, ws: Path) -> None:
    block(app, "context.description").control.widget.value = "v1"
    app.save_button.click()
    block(app, "context.description").control.widget.value = "v2"
    app.save_button.click()
    app.chooser.value = "cc-2026"
    app.version_chooser.value = 1
    app.open_button.click()
    assert app.blocks["context.description"].control.widget.value == "v1"
    assert "Viewing version 1 of 2" in app.status.value


def test_open_with_unsaved_changes_needs_a_second_click(app, ws: Path) -> None:
    block(app, "context.description").control.widget.value = "v1"
    app.save_button.click()
    block(app, "context.description").control.widget.value = "typed"
    app.chooser.value = "cc-2026"
    app.open_button.click()
    assert "unsaved changes" in app.notice.value
    assert app.blocks["context.description"].control.widget.value == "typed"
    app.open_button.click()
    assert app.blocks["context.description"].control.widget.value == "v1"


@pytest.mark.parametrize(
    "aid,title,expected",
    [("Bad Id", "T", "The id must start"), ("ok-id", "", "Enter a title")],
)
def test_new_assessment_form_says_what_is_expected(make_app, aid: str, title: str, expected: str) -> None:
    a = make_app()
    create(a, aid, title)
    assert expected in a.notice.value
    assert a.state.assessment_id is None


def test_new_assessment_with_existing_id_is_refused(make_app, ws: Path) -> None:
    Store(ws).create({"id": "taken", "title": "T"}, author="x", message="m")
    a = make_app()
    create(a, "taken", "Mine")
    assert "already exists" in a.notice.value


def test_request_prefills_author_and_opens_assessment(make_app, ws: Path) -> None:
    Store(ws).create({"id": "cc-1", "title": "T"}, author="x", message="m", answers={"context.description": "hello"})
    a = make_app(author="")
    a.apply_request({"LIA_AUTHOR_HEADER": "X-Forwarded-User", "HTTP_X_FORWARDED_USER": "proxy.user",
                     "QUERY_STRING": "assessment=cc-1&lang=nb"})
    assert a.author.value == "proxy.user"
    assert a.state.assessment_id == "cc-1" and a.state.lang == "nb"
    assert a.blocks["context.description"].control.widget.value == "hello"


def test_reasoning_engine_failure_does_not_break_the_page(make_app) -> None:
    from lia.pages.wizard.reasoning import Reasoning

    a = make_app(reasoner=lambda *_: Reasoning(error="rule pack se.yaml: bad"))
    create(a, "x-1", "T")
    assert "could not be computed" in a.verdicts.value and "se.yaml" in a.verdicts.value
    b = make_app(reasoner=lambda *_: Reasoning(available=False))
    create(b, "x-2", "T")
    assert "not installed" in b.verdicts.value


def test_request_refreshes_a_page_built_before_it(make_app, ws: Path) -> None:
    a = make_app()  # as in a preheated kernel: built before anyone asked for it
    Store(ws).create({"id": "later", "title": "T"}, author="x", message="m")
    a.apply_request({"QUERY_STRING": ""})
    assert "later" in [v for _, v in a.chooser.options]


def test_the_only_assessment_opens_without_asking(make_app, ws: Path) -> None:
    # as after `make run`: the example is the workspace's one assessment, and the address names none
    a = make_app()
    Store(ws).create({"id": "only", "title": "T"}, author="x", message="m", answers={"context.description": "hi"})
    a.apply_request({"QUERY_STRING": "lang=sv"})
    assert a.state.assessment_id == "only"
    assert a.blocks["context.description"].control.widget.value == "hi"
    # with two, the DPO chooses
    Store(ws).create({"id": "second", "title": "T"}, author="x", message="m")
    b = make_app()
    b.apply_request({"QUERY_STRING": ""})
    assert b.state.assessment_id is None


def test_proxy_header_names_the_visitor_even_when_lia_author_is_set(make_app) -> None:
    # the preheated page was built with the server's LIA_AUTHOR; the request's header is the real user
    a = make_app(author="Server Default")
    a.apply_request({"LIA_AUTHOR": "Server Default", "LIA_AUTHOR_HEADER": "X-Forwarded-User",
                     "HTTP_X_FORWARDED_USER": "Karin Lindqvist"})
    assert a.author.value == "Karin Lindqvist"
    b = make_app(author="Server Default")
    b.apply_request({"LIA_AUTHOR": "Server Default", "LIA_AUTHOR_HEADER": "X-Forwarded-User"})
    assert b.author.value == "Server Default"  # no header: the default stays


def test_serve_request_outside_a_kernel_applies_the_query_at_once(make_app, ws: Path, monkeypatch) -> None:
    import lia.pages.wizard

    Store(ws).create({"id": "cc-9", "title": "T"}, author="x", message="m", answers={"context.description": "hi"})
    a = make_app(author="")
    monkeypatch.setenv("QUERY_STRING", "assessment=cc-9&lang=sv")
    lia.pages.wizard.serve_request(a)  # no kernel here: nothing deferred
    assert a.state.assessment_id == "cc-9" and a.state.lang == "sv"



def test_a_version_that_does_not_exist_is_said_in_the_pages_language(make_app, ws: Path) -> None:
    Store(ws).create({"id": "cc-5", "title": "T"}, author="x", message="m")
    a = make_app()
    a.apply_request({"QUERY_STRING": "assessment=cc-5&version=9&lang=sv"})
    assert "Kunde inte öppna: bedömningen 'cc-5' har ingen version 9; dess versioner är 1 till 1" in html.unescape(a.notice.value)
    b = make_app()
    b.apply_request({"QUERY_STRING": "lang=nb"})
    b.open("cc-5", 4)
    assert "Kunne ikke åpne: vurderingen 'cc-5' har ingen versjon 4; versjonene er 1 til 1" in html.unescape(b.notice.value)


def test_a_tampered_version_is_said_in_the_pages_language(make_app, ws: Path) -> None:
    v = Store(ws).create({"id": "cc-6", "title": "T"}, author="x", message="m")
    v.path.write_text(v.path.read_text().replace('"m"', '"changed"'))
    a = make_app()
    a.apply_request({"QUERY_STRING": "lang=sv"})
    a.open("cc-6")
    assert f"{v.path}: version 1 har ändrats efter att den sparades" in html.unescape(a.notice.value)
    assert "lia check" in a.notice.value
