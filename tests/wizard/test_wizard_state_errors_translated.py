"""The wizard's own errors as a DPO reading the page in Swedish or Norwegian sees them.

A bad assessment id, a review date that is not a date, a title over 300 characters, a save with
no author: the wizard shows these through lia.messages.translate_error (pages/wizard/meta.py,
saving.py). Written as plain English strings they reached a Swedish page in English; now each is
a code with en/sv/nb texts (templates/i18n/errors.yaml), and the English stays as it was.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest

from lia.errors import LiaError
from lia.messages import translate_error
from lia.pages.wizard.schema import Form
from lia.pages.wizard.state import META_FIELDS, WizardState
from lia.store import Store

#: English words of the wizard's error templates; none may remain in a translation.
ENGLISH = re.compile(r"\b(assessment|expected|lowercase|starting|letter|digit|already|exists|review|date|"
                     r"most|characters|got|title|required|author|open|unknown|metadata|field|least|jurisdiction)\b")


def _state(ws: Path) -> WizardState:
    return WizardState(Store(ws), Form(sections=[]), lang="sv")


def _opened(ws: Path) -> WizardState:
    state = _state(ws)
    state.new("cc-2026", "Samtalsinspelning", ["SE"])
    return state


#: each bad input the wizard refuses, and the English the command line and the tests read
CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "bad id": (lambda ws: _state(ws).new("Bad Id!", "Titel", ["SE"]),
               "assessment id 'Bad Id!': expected lowercase a-z, 0-9, - or _, starting with a letter or digit"),
    "no title": (lambda ws: _state(ws).new("cc-2026", " ", ["SE"]), "a title is required"),
    "bad review date": (lambda ws: _opened(ws).set_meta("review_date", "31/12/2026"),
                        "review date '31/12/2026': expected a date as YYYY-MM-DD"),
    "title too long": (lambda ws: _opened(ws).set_meta("title", "x" * 301), "title: at most 300 characters, got 301"),
    "unknown field": (lambda ws: _opened(ws).set_meta("colour", "red"),
                      "unknown metadata field 'colour'; expected one of title, owner, controller, "
                      "processing_activity, jurisdictions, review_date"),
    "nothing open": (lambda ws: _state(ws).set_meta("title", "T"), "no assessment is open"),
    "no author": (lambda ws: _opened(ws).save(" ", ""), "an author is required"),
}


@pytest.mark.parametrize("what", list(CASES))
def test_the_english_is_unchanged(ws: Path, what: str) -> None:
    act, english = CASES[what]
    with pytest.raises(LiaError) as ei:
        act(ws)
    assert ei.value.code and ei.value.code.startswith("errors.")
    assert str(ei.value) == english


@pytest.mark.parametrize("lang", ["sv", "nb"])
@pytest.mark.parametrize("what", list(CASES))
def test_each_wizard_error_reads_in_the_page_language(ws: Path, what: str, lang: str) -> None:
    act, english = CASES[what]
    with pytest.raises(LiaError) as ei:
        act(ws)
    shown = translate_error(ei.value, lang)
    assert shown != english
    # the value the user typed and the field keys (parameters) are kept; the words around them are not English
    words = shown.replace("'Bad Id!'", "").replace("title:", "").replace(", ".join(META_FIELDS), "")
    assert not ENGLISH.search(words), (what, lang, shown)
