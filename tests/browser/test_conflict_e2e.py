"""Issue 12 in a real browser: two tabs save one assessment; the second merges instead of dropping answers.

Two browser contexts are two people (tab A: Ada, tab B: Bo) on the same `lia serve`. The
workspace holds one assessment per test, version 1 saved with retention and access answers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import expect

from .conftest import WIZARD_TEMPLATES, LiaServer, guarded_page, screenshot

pytestmark = pytest.mark.browser

V1 = {
    "context.description": "Inbound calls are recorded for coaching.",
    "retention.period": "P90D",
    "access.roles": [{"role": "QA", "people": 2, "can_listen": True}],
}
IDS = ("merge-clean", "merge-clash", "feedback")


@pytest.fixture(scope="module")
def conflict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiaServer]:
    home = tmp_path_factory.mktemp("conflict-ws")
    env = {"LIA_TEMPLATES": str(WIZARD_TEMPLATES)}
    old = os.environ.get("LIA_TEMPLATES")
    os.environ["LIA_TEMPLATES"] = env["LIA_TEMPLATES"]
    try:
        from lia.store import Store

        store = Store(home)
        for aid in IDS:
            store.create({"id": aid, "title": "Contact centre recording", "jurisdictions": ["SE"]}, author="Setup",
                         message="created", answers=V1)
    finally:
        if old is None:
            os.environ.pop("LIA_TEMPLATES", None)
        else:
            os.environ["LIA_TEMPLATES"] = old
    server = LiaServer(home, env=env).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def two_tabs(browser: Any, external_requests: list[str]) -> Iterator[tuple[Any, Any]]:
    """Tab A and tab B: two browser contexts (two people), closed after the test."""
    ctx_a, page_a = guarded_page(browser, external_requests)
    ctx_b, page_b = guarded_page(browser, external_requests)
    try:
        yield page_a, page_b
    finally:
        ctx_a.close()
        ctx_b.close()
    assert external_requests == []


def open_as(page: Any, server: LiaServer, aid: str, author: str) -> None:
    page.goto(server.url(f"?assessment={aid}"))
    page.wait_for_selector(".lia-app .lia-header", timeout=120_000)
    expect(page.locator(".lia-status")).to_contain_text("Saved as version 1", timeout=120_000)
    field = page.locator(".lia-author input")
    field.fill(author)
    field.press("Tab")
    page.locator("button.lia-step-retention").click()
    expect(page.locator(".lia-q-retention-period")).to_be_visible()


def set_number(page: Any, selector: str, value: str) -> None:
    field = page.locator(selector)
    field.fill(value)
    field.press("Tab")  # sent when it loses focus


def save(page: Any, message: str) -> None:
    page.locator(".lia-message input").fill(message)
    page.locator(".lia-message input").press("Tab")
    page.locator(".lia-save").click()


def version(server: LiaServer, aid: str, n: int) -> dict:
    return json.loads((server.home / "assessments" / aid / "versions" / f"{n:04d}.json").read_text())


RETENTION = ".lia-q-retention-period input"
PEOPLE = ".lia-q-access-roles .lia-table-row .lia-number input"


def test_save_after_a_colleague_merges_their_retention_with_my_access(conflict_server: LiaServer, two_tabs) -> None:
    a, b = two_tabs
    open_as(a, conflict_server, "merge-clean", "Ada DPO")
    open_as(b, conflict_server, "merge-clean", "Bo Manager")
    set_number(b, RETENTION, "30")
    save(b, "shorter retention")
    expect(b.locator(".lia-save-status")).to_contain_text("Saved version 2.", timeout=60_000)

    set_number(a, PEOPLE, "3")
    save(a, "one more QA listener")
    status = a.locator(".lia-save-status")
    expect(status).to_contain_text("Not saved: Bo Manager saved version 2 meanwhile", timeout=60_000)
    expect(status).to_be_in_viewport()  # said where Ada clicked
    summary = a.locator(".lia-merge-summary")
    expect(summary).to_contain_text("No question was changed by both of you")
    expect(summary).to_contain_text("Kept from version 2 (Bo Manager): How long are recordings kept?")
    expect(summary).to_contain_text("Taken from yours: Who can listen?")
    merge = a.locator(".lia-conflict-merge")
    expect(merge).to_contain_text("Save merged version after version 2")
    screenshot(a, "conflict-clean-merge")
    assert not (conflict_server.home / "assessments" / "merge-clean" / "versions" / "0003.json").exists()

    merge.click()
    expect(status).to_contain_text("Saved version 3, merged with version 2", timeout=60_000)
    expect(a.locator(".lia-conflict")).to_be_hidden()
    expect(a.locator(RETENTION)).to_have_value("30")  # the screen shows Bo's retention now
    v3 = version(conflict_server, "merge-clean", 3)
    assert v3["answers"]["retention.period"] == "P30D"
    assert v3["answers"]["access.roles"][0]["people"] == 3
    assert v3["parent"] == version(conflict_server, "merge-clean", 2)["digest"]
    assert "merged with version 2 by Bo Manager" in v3["message"] and v3["author"] == "Ada DPO"


def test_a_question_both_changed_is_chosen_side_by_side(conflict_server: LiaServer, two_tabs) -> None:
    a, b = two_tabs
    open_as(a, conflict_server, "merge-clash", "Ada DPO")
    open_as(b, conflict_server, "merge-clash", "Bo Manager")
    set_number(b, RETENTION, "30")
    save(b, "30 days")
    expect(b.locator(".lia-save-status")).to_contain_text("Saved version 2.", timeout=60_000)

    a.locator(".lia-lang button", has_text="Svenska").click()
    expect(a.locator(".lia-save")).to_contain_text("Spara version")
    set_number(a, RETENTION, "60")
    set_number(a, PEOPLE, "3")
    save(a, "60 dagar")
    expect(a.locator(".lia-save-status")).to_contain_text("Inte sparad: Bo Manager sparade version 2", timeout=60_000)
    row = a.locator(".lia-clash-retention-period")
    expect(row).to_contain_text("Hur länge sparas inspelningarna?")
    expect(row.locator(".lia-clash-mine")).to_contain_text("60 dagar")
    expect(row.locator(".lia-clash-theirs")).to_contain_text("30 dagar")
    expect(row.locator(".lia-clash-theirs")).to_contain_text("Bo Manager, version 2")
    expect(a.locator(".lia-merge-summary")).to_contain_text("Tas från dina: Vem kan lyssna?")
    merge = a.locator(".lia-conflict-merge")
    merge.click()  # nothing chosen yet: said next to the button, nothing saved
    expect(a.locator(".lia-conflict-feedback")).to_contain_text("Välj mitt eller deras för: Hur länge sparas inspelningarna?")
    row.locator(".lia-clash-choice button", has_text="Behåll deras (Bo Manager)").click()
    screenshot(a, "conflict-clash-chosen")
    merge.click()
    expect(a.locator(".lia-save-status")).to_contain_text("Version 3 sparad, sammanfogad med version 2", timeout=60_000)
    v3 = version(conflict_server, "merge-clash", 3)
    assert v3["answers"]["retention.period"] == "P30D" and v3["answers"]["access.roles"][0]["people"] == 3
    assert "sammanfogad med version 2 av Bo Manager" in v3["message"]


def test_save_feedback_appears_at_the_button_and_stale_panels_clear(conflict_server: LiaServer, two_tabs) -> None:
    a, _b = two_tabs
    open_as(a, conflict_server, "feedback", "Ada DPO")
    a.locator("button.lia-step-context").click()
    a.locator(".lia-q-context-description textarea").fill("")
    a.locator(".lia-q-context-description textarea").press("Tab")
    save(a, "cleared the description")
    status = a.locator(".lia-save-status")
    expect(status).to_contain_text("Saved version 2.", timeout=60_000)
    expect(a.locator(".lia-problems")).to_contain_text("Saved, but these still need an answer")

    a.locator(".lia-author input").fill("")
    a.locator(".lia-author input").press("Tab")
    a.locator(".lia-q-context-description textarea").fill("Outbound calls too.")
    a.locator(".lia-q-context-description textarea").press("Tab")
    a.locator(".lia-save").scroll_into_view_if_needed()
    a.locator(".lia-save").click()
    expect(status).to_contain_text("Enter your name as author before saving.", timeout=60_000)
    expect(status).to_be_in_viewport()
    expect(a.locator(".lia-problems")).to_have_text("")  # the old "Saved, but..." panel is gone
    expect(a.locator(".lia-author.lia-missing")).to_have_count(1)
    screenshot(a, "save-feedback-no-author")
    assert not (conflict_server.home / "assessments" / "feedback" / "versions" / "0003.json").exists()
