"""The wizard in a real browser against `lia serve`: a DPO's whole round trip, offline."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = pytest.mark.browser


def answer_text(page: Any, qid: str, value: str) -> None:
    field = page.locator(f".lia-q-{qid.replace('.', '-')} textarea")
    field.fill(value)
    field.press("Tab")  # text areas send their value when they lose focus


def click_yes_no(page: Any, qid: str, label: str) -> None:
    page.locator(f".lia-q-{qid.replace('.', '-')} .lia-yesno button", has_text=label).click()


def open_page(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".lia-app .lia-header", timeout=60_000)


def test_create_answer_find_switch_language_save_reload(lia_server: Any, page: Any) -> None:
    open_page(page, lia_server.url())
    page.locator(".lia-author input").fill("Eva Tester")
    page.locator(".lia-author input").press("Tab")
    page.locator(".lia-new").click()
    page.locator(".lia-new-id input").fill("e2e-cc")
    page.locator(".lia-new-title input").fill("Contact centre call recording")
    page.locator(".lia-new-title input").press("Tab")
    page.locator(".lia-jur-SE input").check()
    page.locator(".lia-create").click()
    expect(page.locator(".lia-status")).to_contain_text("New, not saved yet")
    expect(page.locator(".lia-section-title h2")).to_be_visible()

    # section 1: the processing
    answer_text(page, "context.description", "Inbound customer calls are recorded for coaching.")
    page.locator(".lia-q-context-activities input[type=checkbox]").first.check()
    click_yes_no(page, "context.party_to_call", "Yes")
    page.wait_for_function("document.querySelector('.lia-progress-text').innerText.startsWith('3 of')")

    # go through every section, screenshot each; answer 'recorded all the time' on the periods page
    steps = page.locator("button.lia-step")
    n = steps.count()
    assert n >= 3
    for i in range(n):
        expect(page.locator("button.lia-step").nth(i)).to_have_class(re.compile(r"\bcurrent\b"))
        if page.locator(".lia-q-periods-continuous").is_visible():
            click_yes_no(page, "periods.continuous", "Yes")
            # a finding about it appears in the side panel, with a link to the question
            page.wait_for_selector(".lia-finding.lia-fq-periods-continuous", timeout=60_000)
        title = page.locator(".lia-section-title h2").inner_text()
        screenshot(page, f"wizard-{i + 1:02d}-{title.lower().replace(' ', '-')[:30]}")
        if i < n - 1:
            page.locator(".lia-next").click()

    # the finding's link brings the question back into view
    page.locator(".lia-fq-periods-continuous .lia-goto").first.click()
    page.wait_for_selector(".lia-q-periods-continuous.lia-focus")

    # Swedish: everything relabelled, nothing lost
    page.locator(".lia-lang button", has_text="Svenska").click()
    expect(page.locator(".lia-save")).to_contain_text("Spara version")
    page.locator("button.lia-step").first.click()
    expect(page.locator(".lia-q-context-description textarea")).to_have_value("Inbound customer calls are recorded for coaching.")
    expect(page.locator(".lia-status")).to_contain_text("inte sparad")
    screenshot(page, "wizard-swedish")

    # save
    page.locator(".lia-message input").fill("Första utkastet")
    page.locator(".lia-message input").press("Tab")
    page.locator(".lia-save").click()
    expect(page.locator(".lia-notice")).to_contain_text("Version 1 sparad", timeout=60_000)
    screenshot(page, "wizard-saved")
    saved = json.loads((lia_server.home / "assessments" / "e2e-cc" / "versions" / "0001.json").read_text())
    assert saved["author"] == "Eva Tester" and saved["message"] == "Första utkastet"
    assert saved["answers"]["periods.continuous"] is True
    assert saved["answers"]["context.description"].startswith("Inbound")

    # reload: the version is in the history
    open_page(page, lia_server.url())
    page.locator(".lia-chooser select").select_option("e2e-cc")
    page.locator(".lia-open").click()
    row = page.locator(".lia-htable .lia-hrow").first
    expect(row).to_contain_text("Eva Tester")
    expect(row).to_contain_text("Första utkastet")
    expect(page.locator(".lia-q-context-description textarea")).to_have_value("Inbound customer calls are recorded for coaching.")
    screenshot(page, "wizard-reloaded-history")


def test_query_string_and_proxy_header(lia_server: Any, browser: Any, external_requests: list[str]) -> None:
    from .conftest import guarded_page

    context, page = guarded_page(browser, external_requests, extra_http_headers={"X-Forwarded-User": "proxy.person"})
    try:
        open_page(page, lia_server.url("?lang=nb"))
        page.wait_for_function("document.querySelector('.lia-author input').value === 'proxy.person'", timeout=60_000)
        page.wait_for_function("document.querySelector('.lia-save').innerText.includes('Lagre versjon')")
    finally:
        context.close()
    assert external_requests == []


def test_other_pages_load_nothing_from_other_hosts(lia_server: Any, page: Any, external_requests: list[str]) -> None:
    page.goto(lia_server.url("voila/tree"))
    page.wait_for_selector("ul.lia-pages a[href*='wizard.ipynb']", timeout=90_000)  # the start page (lia.start_page)
    page.goto(lia_server.url("voila/render/no-such.ipynb"))
    page.wait_for_load_state("load")
    text = page.locator(".lia-error").inner_text()
    assert "404" in text
    # the reader's language is unknown on an error page: it speaks all three, and links back to the wizard
    for sentence in ("There is no such page", "Sidan finns inte", "Siden finnes ikke"):
        assert sentence in text
    assert page.locator(".lia-error a").get_attribute("href") == "/"
    assert external_requests == []
