"""Issue 12 in the wizard: a conflict is a merge, and save feedback appears next to the Save button."""

from __future__ import annotations

from pathlib import Path

from lia.store import Store

from .conftest import block, create


def retention(app, amount: str, unit: str) -> None:
    dur = block(app, "retention.period").control
    dur.amount.value = amount
    dur.unit.value = unit


def role(app, name: str, people: str) -> None:
    table = block(app, "access.roles").control
    if not table.rows:
        table.add_row()
    table.rows[0]["role"].widget.value = name
    table.rows[0]["people"].input.value = people
    table.rows[0]["can_listen"].widget.value = True


def two_tabs(make_app, ws: Path):
    """Version 1 saved with retention and access answers, then opened in tab A and tab B."""
    a = make_app(author="Ada DPO")
    create(a, "cc", "Call recording")
    block(a, "context.description").control.widget.value = "Inbound calls"
    retention(a, "90", "D")
    role(a, "QA", "2")
    assert a.save() is not None
    b = make_app(author="Bo Manager")
    b.open("cc")
    return a, b


def test_save_after_a_colleague_keeps_their_retention_and_my_access(make_app, ws: Path) -> None:
    """The issue's steps: B changes retention and saves, A changes access and saves, A merges."""
    a, b = two_tabs(make_app, ws)
    retention(b, "30", "D")
    assert b.save().number == 2
    role(a, "QA", "3")
    a.save_button.click()
    assert Store(ws).head_number("cc") == 2  # nothing saved over version 2
    assert a.conflict_box.layout.display != "none"
    assert "Not saved: Bo Manager saved version 2 meanwhile" in a.save_status.value  # next to the button
    assert "No question was changed by both of you" in a.merge_summary.value
    assert "Kept from version 2 (Bo Manager): How long are recordings kept?" in a.merge_summary.value
    assert "Taken from yours: Who can listen?" in a.merge_summary.value
    assert a.clash_box.children == ()
    a.conflict_merge_button.click()
    head = Store(ws).load("cc")
    assert head.number == 3 and head.parent == Store(ws).load("cc", 2).digest
    assert head.answers["retention.period"] == "P30D"  # the colleague's answer survives
    assert head.answers["access.roles"][0]["people"] == 3  # and mine is taken
    assert "merged with version 2 by Bo Manager; edited from version 1" in head.message
    assert a.conflict_box.layout.display == "none"
    assert "Saved version 3, merged with version 2" in a.save_status.value
    assert block(a, "retention.period").control.amount.value == "30"  # the screen shows the merge
    assert not a.state.dirty and a.state.base_number == 3


def test_both_changed_question_shown_side_by_side_in_the_pages_language(make_app, ws: Path) -> None:
    a, b = two_tabs(make_app, ws)
    retention(b, "30", "D")
    b.save()
    a.set_language("sv")
    retention(a, "1", "Y")
    role(a, "QA", "3")
    a.save_button.click()
    assert "Du och Bo Manager ändrade båda frågorna nedan (1)" in a.merge_summary.value
    (row,) = a.clash_box.children
    assert "lia-clash-retention-period" in row._dom_classes
    text = " ".join(w.value for w in (row.children[0], *row.children[1].children))
    assert "Hur länge sparas inspelningarna?" in text and "1 år" in text and "30 dagar" in text and "Bo Manager, version 2" in text
    choice = row.children[2]
    assert choice.value is None and [o[0] for o in choice.options] == ["Behåll mitt", "Behåll deras (Bo Manager)"]
    a.conflict_merge_button.click()
    assert "Välj mitt eller deras för: Hur länge sparas inspelningarna?" in a.conflict_feedback.value
    choice.value = "theirs"
    a.set_language("en")  # the choice survives relabelling
    a.conflict_merge_button.click()
    head = Store(ws).load("cc")
    assert head.number == 3 and head.answers["retention.period"] == "P30D" and head.answers["access.roles"][0]["people"] == 3


def test_a_save_during_the_merge_updates_the_panel_instead_of_losing_it(make_app, ws: Path) -> None:
    a, b = two_tabs(make_app, ws)
    retention(b, "30", "D")
    b.save()
    role(a, "QA", "3")
    a.save_button.click()
    block(b, "context.description").control.widget.value = "Inbound and outbound calls"
    b.save()  # version 3, while A looks at the merge
    a.conflict_merge_button.click()
    assert Store(ws).head_number("cc") == 3
    assert "Bo Manager saved version 3 meanwhile" in a.conflict_feedback.value
    assert "Kept from version 3" in a.merge_summary.value and "Describe the processing" in a.merge_summary.value
    a.conflict_merge_button.click()
    head = Store(ws).load("cc")
    assert head.number == 4 and head.answers["context.description"] == "Inbound and outbound calls"
    assert head.answers["retention.period"] == "P30D" and head.answers["access.roles"][0]["people"] == 3


def test_an_assessment_created_meanwhile_is_merged_not_replaced(make_app, ws: Path) -> None:
    a = make_app()
    create(a, "cc", "Mine")
    Store(ws).create({"id": "cc", "title": "Theirs", "jurisdictions": ["SE"]}, author="Other", message="created",
                     answers={"retention.period": "P30D"})
    block(a, "context.description").control.widget.value = "mine"
    a.save_button.click()
    assert "created by someone else" in a.conflict_text.value
    rows = {next(c for c in r._dom_classes if c.startswith("lia-clash-")): r for r in a.clash_box.children}
    assert "Title" in rows["lia-clash-assessment-title"].children[0].value
    for row in rows.values():
        row.children[2].value = "mine"
    a.conflict_merge_button.click()
    head = Store(ws).load("cc")
    assert head.number == 2 and head.assessment["title"] == "Mine"
    assert head.answers == {"context.description": "mine", "retention.period": "P30D"}
    assert "who created the assessment meanwhile" in head.message


def test_save_feedback_is_next_to_the_button_and_stale_panels_go(app, ws: Path) -> None:
    """Item 3: no author, a refused save: said next to Save; an old 'Saved, but...' panel is cleared."""
    block(app, "context.description").control.widget.value = "x"
    app.save_button.click()
    assert "Saved version 1." in app.save_status.value
    assert "Saved, but these still need an answer" in app.problems_html.value
    app.author.value = ""
    block(app, "context.description").control.widget.value = "y"
    app.save_button.click()
    assert "Enter your name as author before saving." in app.save_status.value
    assert "lia-missing" in app.author._dom_classes
    assert app.problems_html.value == ""  # the old "Saved, but..." panel is gone
    app.author.value = "Dana DPO"
    assert "lia-missing" not in app.author._dom_classes
    share = block(app, "periods.share_recorded_percent")
    share.control.input.value = "150"
    app.save_button.click()
    assert "Not saved: see the problems just below." in app.save_status.value and "not valid" in app.problems_html.value
    share.control.input.value = "50"
    app.save_button.click()
    assert "Saved version 2." in app.save_status.value and "not valid" not in app.problems_html.value
    # the conflict panel sits right under the save bar, not at the top of the page
    kids = list(app.root.children)
    assert kids.index(app.conflict_box) == kids.index(app.savebar) + 1


def test_the_merge_shown_follows_edits_made_after_the_conflict(make_app, ws: Path) -> None:
    a, b = two_tabs(make_app, ws)
    retention(b, "30", "D")
    b.save()
    role(a, "QA", "3")
    a.save_button.click()
    assert a.clash_box.children == ()
    retention(a, "60", "D")  # now I touch the question Bo changed: it becomes a choice, shown at once
    assert [r for r in a.clash_box.children if "lia-clash-retention-period" in r._dom_classes]
    a.clash_box.children[0].children[2].value = "mine"
    a.conflict_merge_button.click()
    head = Store(ws).load("cc")
    assert head.number == 3 and head.answers["retention.period"] == "P60D" and head.answers["access.roles"][0]["people"] == 3


def test_a_choice_clicked_while_the_panel_refreshes_is_kept(make_app, ws: Path) -> None:
    """Each answer typed during a conflict refreshes the merge panel; it used to remake every
    choice button, so a choice the browser sent meanwhile went to a closed widget and was lost."""
    a, b = two_tabs(make_app, ws)
    retention(b, "30", "D")
    b.save()
    retention(a, "1", "Y")
    a.save_button.click()
    (row,) = a.clash_box.children
    choice = row.children[2]  # what the browser shows
    block(a, "context.description").control.widget.value = "Inbound calls, and callbacks"  # refreshes the panel
    assert choice.comm is not None, "the choice buttons were closed: the kernel drops a click on them"
    choice.value = "theirs"
    a.conflict_merge_button.click()
    head = Store(ws).load("cc")
    assert head.number == 3 and head.answers["retention.period"] == "P30D"
    assert head.answers["context.description"] == "Inbound calls, and callbacks"
