"""Issue 15, item 6, for the wizard: where things are on the page.

* the author field is the one text input inside a widget with CSS class ``lia-author`` (the
  page script remembers what is typed there for the session; it must never pick up the
  passphrase or another field);
* what a click on Save did is said next to the Save button;
* "Next" brings the next section's top into view (tests/wizard/test_dpo_workflow.py and the
  browser journey check the scrolling).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from lia.pages.wizard.page import descendants


def _with_class(app: Any, cls: str) -> list[Any]:
    return [w for w in descendants(app.root) if cls in getattr(w, "_dom_classes", ())]


def test_the_author_field_is_the_only_input_the_session_remembers(app: Any) -> None:
    marked = _with_class(app, "lia-author")
    assert marked == [app.author]
    assert type(app.author) is W.Text  # a plain text input, not the passphrase (W.Password)
    inputs = [w for w in descendants(marked[0]) if isinstance(w, (W.Text, W.Textarea))]
    assert inputs == [app.author]
    assert "lia-author" not in app.passphrase._dom_classes
    # in the header, next to its label
    header = app.root.children[1]
    assert app.author in descendants(header)


def test_save_feedback_is_next_to_the_save_button(app: Any) -> None:
    bar = list(app.savebar.children)
    assert bar.index(app.save_status) == bar.index(app.save_button) + 1
    app.author.value = ""
    app.save_button.click()
    assert "Enter your name as author before saving." in app.save_status.value
    app.author.value = "Dana DPO"
    app.save_button.click()
    assert "Saved version 1." in app.save_status.value
    assert app.savebar.layout.display != "none"
