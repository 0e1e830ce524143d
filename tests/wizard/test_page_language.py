"""Issue 15, item 2, for the wizard: every text a user reads is in the page's language.

The missing-answers list, the store's refusals, the diff table (values written for people:
choice labels, "3 månader", dates - never ids or ISO codes), the history's times (local time
with the zone, lia.i18n.format_time), the conflict panel's details and the evidence line; in
Swedish and Norwegian Bokmål.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from lia.i18n import format_date, format_time
from lia.store import Store

from .conftest import block, create

#: What the page must show, per language, for the answers the tests give.
WORDS = {
    "sv": {"yes": "Ja", "no": "Nej", "months": "3 månader", "days": "90 dagar", "choice": "Samtycke",
           "question": "Är en anställd alltid part i samtalet?", "still_missing": "Sparad, men dessa behöver fortfarande svar:",
           "required": "obligatorisk, inte besvarad", "working": "dina osparade svar"},
    "nb": {"yes": "Ja", "no": "Nei", "months": "3 måneder", "days": "90 dager", "choice": "Samtykke",
           "question": "Er en ansatt alltid part i samtalen?", "still_missing": "Lagret, men disse trenger fortsatt svar:",
           "required": "obligatorisk, ikke besvart", "working": "dine ulagrede svar"},
}


@pytest.fixture
def oslo_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local zone is Europe/Oslo (the page shows local time with its zone)."""
    monkeypatch.setenv("TZ", "Europe/Oslo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _app(make_app: Callable[..., Any], lang: str) -> Any:
    app = make_app(lang=lang)
    create(app, "cc-2026", "Contact centre recording")
    return app


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_diff_table_writes_values_for_people(make_app: Callable[..., Any], lang: str) -> None:
    w = WORDS[lang]
    app = _app(make_app, lang)
    block(app, "context.party_to_call").control.widget.value = True
    retention = block(app, "retention.period").control
    retention.amount.value, retention.unit.value = "90", "D"
    block(app, "conclusion.review_date").control.widget.value = dt.date(2027, 5, 31)
    app.save()
    block(app, "context.party_to_call").control.widget.value = False
    retention.amount.value, retention.unit.value = "3", "M"
    block(app, "conclusion.review_date").control.widget.value = dt.date(2027, 11, 30)
    block(app, "context.legal_basis_callers").control.set("consent")
    app._on_answer("context.legal_basis_callers", "consent")
    app.show_diff(1, "working")
    diff = app.diff_html.value
    assert w["question"] in diff and w["working"] in diff
    assert f">{w['yes']}<" in diff and f">{w['no']}<" in diff
    assert w["days"] in diff and w["months"] in diff
    assert format_date("2027-05-31", lang) in diff and format_date("2027-11-30", lang) in diff
    assert w["choice"] in diff
    # no ids, ISO codes or Python values
    assert not re.search(r"P\d+[DM]|2027-\d\d-\d\d|consent|>(True|False|None)<", diff), diff


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_history_times_are_local_with_their_zone(make_app: Callable[..., Any], ws: Path, lang: str,
                                                 oslo_time: None) -> None:
    app = _app(make_app, lang)
    app.message.value = "första"
    version = app.save()
    shown = app.history_table.value
    assert format_time(version.time, lang, tz="Europe/Oslo") in shown  # e.g. "30 nov. 2026 07:05 CET"
    assert version.time not in shown and not re.search(r"\d\d:\d\d:\d\dZ?", shown)
    assert re.search(r"\d\d:\d\d (CET|CEST)<", shown), shown


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_missing_answers_are_listed_in_the_page_language(make_app: Callable[..., Any], lang: str) -> None:
    w = WORDS[lang]
    app = _app(make_app, lang)
    app.save()
    listed = app.problems_html.value
    assert w["still_missing"] in listed
    assert f"{w['question']}: {w['required']}" in listed
    assert "required" not in listed and "context.party_to_call" not in listed


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_a_refusal_by_the_store_is_listed_in_the_page_language(make_app: Callable[..., Any], ws: Path,
                                                               lang: str) -> None:
    """The store checks the answers again; what it refuses (written in English) reads in the page's language."""
    from lia.errors import Problem, ValidationError

    w = WORDS[lang]
    app = _app(make_app, lang)

    def refuse(author: str, message: str) -> Any:
        raise ValidationError([Problem("context.party_to_call", "required answer missing (Is an employee always a party "
                                       "to the call?)", "missing")])

    app.state.save = refuse
    assert app.save() is None
    listed = app.problems_html.value
    assert f"{w['question']}: {w['required']}" in listed
    assert "required answer missing" not in listed and "Is an employee" not in listed
    assert not Store(ws).exists("cc-2026")


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_conflicting_details_are_shown_as_the_page_names_them(make_app: Callable[..., Any], lang: str) -> None:
    app = _app(make_app, lang)
    assert app._where_value("assessment.review_date", "2027-05-31") == format_date("2027-05-31", lang)
    assert app._where_value("assessment.status", "in_review") == {"sv": "Under granskning", "nb": "Under gjennomgang"}[lang]
    assert app._where_value("assessment.jurisdictions", ["EU", "SE", "NO"]) == "EU, Sverige, Norge"
