"""Issue 15: a DPO who only has the browser finishes an assessment - in Swedish.

New assessment -> details (owner, controller, processing activity, jurisdictions, review
date) -> answers in every section, through the page's widgets -> "in review" -> render the
report on the page -> sign it with a DPO key from the user's own key folder and its
passphrase -> the report viewer shows the valid signature -> the portfolio shows the report
current. Everything through `lia serve` and Chromium, offline; screenshots of the new parts
in en, sv and nb go to tests/output/screenshots/.
"""

from __future__ import annotations

import os

import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import expect

from .conftest import SCREENSHOTS, LiaServer, screenshot

pytestmark = pytest.mark.browser

AID = "kundtjanst-2027"
PASSPHRASE = "rätt häst batteri"
WIZARD = "voila/render/wizard.ipynb"


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory, browser_env: dict[str, str]) -> Iterator[tuple[LiaServer, Path]]:
    """An empty workspace, a trusted DPO key in the user's key folder, and `lia serve` on it."""
    from lia.reports.keylog import new_key
    from lia.workspace import Workspace

    home = tmp_path_factory.mktemp("dpo-journey-ws")
    config = tmp_path_factory.mktemp("dpo-journey-config")
    # The key log's root is pinned in the user's own configuration: the same one the server reads.
    old_config = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(config)
    try:
        new_key(Workspace(home), "Ingrid Solheim", "dpo", config / "lia" / "keys", passphrase=PASSPHRASE.encode())
    finally:
        if old_config is None:
            os.environ.pop("XDG_CONFIG_HOME", None)
        else:
            os.environ["XDG_CONFIG_HOME"] = old_config
    server = LiaServer(home, env={**browser_env, "XDG_CONFIG_HOME": str(config)}).start()
    try:
        server.wait_for_log("wizard page preheated", timeout=300)
        yield server, home
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def patient_expect() -> Iterator[None]:
    """Each click is a round trip to a kernel on a shared machine: wait up to 30 s, not Playwright's 5 s."""
    expect.set_options(timeout=30_000)
    try:
        yield
    finally:
        expect.set_options(timeout=5_000)


# ------------------------------------------------------------------ answering through the widgets

def part(locator: Any, name: str) -> None:
    """A screenshot of one part of the page (tests/output/screenshots/<name>.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _settle(page: Any) -> None:
    page.wait_for_timeout(150)


def fill_controls(page: Any, box: Any) -> None:
    """Answer every input inside *box* (a question, or a table row) the way a user would."""
    for inp in box.locator(".lia-number input").all():
        if inp.is_visible() and not inp.input_value():
            inp.fill("2")
            inp.press("Tab")
    for area in box.locator("textarea").all():
        if area.is_visible() and not area.input_value():
            area.fill("Beskrivet i bilaga 1.")
            area.press("Tab")
    for inp in box.locator("input[type=text]").all():
        if inp.is_visible() and not inp.input_value():
            inp.fill("Teamledare")
            inp.press("Tab")
    for inp in box.locator("input[type=date]").all():
        if inp.is_visible() and not inp.input_value():
            inp.fill("2027-01-11")
            inp.press("Tab")
    for sel in box.locator(".lia-choice select").all():
        if sel.is_visible() and sel.evaluate("s => s.selectedIndex <= 0"):  # "Välj…" first
            sel.select_option(index=1)
    for group in box.locator(".lia-choice").all():
        radios = group.locator("input[type=radio]")
        if radios.count() and group.is_visible() and not any(r.is_checked() for r in radios.all()):
            radios.first.check()
    for group in box.locator(".lia-multi").all():
        boxes = group.locator("input[type=checkbox]")
        if group.is_visible() and not any(b.is_checked() for b in boxes.all()):
            boxes.first.check()
    for group in box.locator(".lia-yesno").all():
        if group.is_visible() and group.locator("button.mod-active").count() == 0:
            group.locator("button", has_text="Nej").click()
    _settle(page)


def answer_question(page: Any, q: Any) -> None:
    if q.locator(".lia-table").count():
        if q.locator(".lia-table-row").count() == 0:
            q.locator(".lia-add-row").click()
            q.locator(".lia-table-row").first.wait_for()
        for row in q.locator(".lia-table-row").all():
            fill_controls(page, row)
    else:
        fill_controls(page, q)


def answer_section(page: Any, only_required: bool) -> None:
    """Answer the shown questions of the current section (again, for questions a show_if reveals)."""
    for _ in range(3):
        selector = ".lia-question.lia-required" if only_required else ".lia-question"
        for q in page.locator(selector).all():
            if q.is_visible():
                answer_question(page, q)


# ------------------------------------------------------------------ the journey

def test_dpo_finishes_in_the_browser_in_swedish(journey: tuple[LiaServer, Path], page: Any) -> None:
    server, home = journey
    page.goto(server.url(WIZARD) + "?lang=sv")
    page.wait_for_selector(".lia-app .lia-header", timeout=120_000)
    expect(page.locator(".lia-new")).to_have_text("Ny bedömning")
    page.locator(".lia-author input").fill("Ingrid Solheim")
    page.locator(".lia-author input").press("Tab")

    # a new assessment
    page.locator(".lia-new").click()
    page.locator(".lia-new-id input").fill(AID)
    page.locator(".lia-new-title input").fill("Inspelning av kundtjänstsamtal 2027")
    page.locator(".lia-new-title input").press("Tab")
    page.locator(".lia-jur-SE input").check()
    page.locator(".lia-create").click()
    expect(page.locator(".lia-status")).to_contain_text("inte sparad")

    # nothing is "done" on a brand-new assessment; the verdict is not "villkorat"
    expect(page.locator("button.lia-step.done")).to_have_count(0)
    expect(page.locator("button.lia-step", has_text="✓")).to_have_count(0)
    part(page.locator(".lia-progress"), "dpo-journey-sv-00-progress-new")

    # details
    meta = page.locator(".lia-meta")
    expect(meta.locator("h3")).to_have_text("Uppgifter")
    expect(meta.locator(".lia-status-badge")).to_have_text("Status: Utkast")
    meta.locator(".lia-meta-owner input").fill("Kundtjänstchef")
    meta.locator(".lia-meta-owner input").press("Tab")
    meta.locator(".lia-meta-controller input").fill("Nordkontakt AB")
    meta.locator(".lia-meta-controller input").press("Tab")
    meta.locator(".lia-meta-processing-activity input").fill("Inspelning av samtal för coachning")
    meta.locator(".lia-meta-processing-activity input").press("Tab")
    meta.locator(".lia-meta-jur-NO input").check()
    meta.locator(".lia-meta-review-date input").fill("2027-05-31")
    meta.locator(".lia-meta-review-date input").press("Tab")
    _settle(page)
    screenshot(page, "dpo-journey-sv-01-details")

    # every section, through the widgets; "Nästa" brings the next section's top into view
    n = page.locator("button.lia-step").count()
    assert n >= 14
    for i in range(n):
        expect(page.locator("button.lia-step").nth(i)).to_have_class(re.compile(r"\bcurrent\b"))
        title = page.locator(".lia-section-title h2")
        section_id = next(c for c in page.locator("button.lia-step").nth(i).get_attribute("class").split()
                          if c.startswith("lia-step-") and c != "lia-step")
        # sections with required questions: answer those; the others (screening, risks): answer everything
        answer_section(page, only_required=section_id not in ("lia-step-screening", "lia-step-risks"))
        expect(page.locator("button.lia-step").nth(i)).to_contain_text("✓")
        if i < n - 1:
            page.locator(".lia-next").click()
            expect(page.locator("button.lia-step").nth(i + 1)).to_have_class(re.compile(r"\bcurrent\b"))
            expect(page.locator(".lia-step-" + section_id.split("lia-step-")[1]).first).to_be_visible()
            page.wait_for_function(
                "() => { const r = document.querySelector('.lia-section-title').getBoundingClientRect();"
                " return r.top >= 0 && r.top < window.innerHeight - 100; }", timeout=10_000)
            _ = title
    progress = page.locator(".lia-progress-text").inner_text()
    m = re.match(r"(\d+) av (\d+) obligatoriska", progress)
    assert m and m.group(1) == m.group(2), progress

    # save, then send for review: a saved version by the author
    page.locator(".lia-message input").fill("Alla avsnitt besvarade")
    page.locator(".lia-message input").press("Tab")
    page.locator(".lia-save").click()
    expect(page.locator(".lia-save-status")).to_contain_text("Version 1 sparad", timeout=60_000)
    # clicked as soon as the save is reported, while the page still refreshes (the click was lost
    # when every save replaced the move buttons: tests/wizard/test_dpo_workflow.py)
    page.locator(".lia-move-in_review").click()
    expect(meta.locator(".lia-status-badge")).to_have_text("Status: Under granskning", timeout=60_000)
    expect(page.locator(".lia-htable")).to_contain_text("Status: Utkast → Under granskning")
    expect(page.locator(".lia-htable")).to_contain_text("Ingrid Solheim")
    # approval needs the DPO's signature first
    page.locator(".lia-move-approved").click()
    expect(page.locator(".lia-status-feedback")).to_contain_text("giltig signatur av dataskyddsombudet")

    # render on the page: progress, then the report and a link to the viewer
    bar = page.locator(".lia-reportbar")
    expect(bar.locator(".lia-report-info")).to_contain_text("har ingen rapport än")
    bar.locator(".lia-render").click()
    expect(bar.locator(".lia-rendering")).to_contain_text("Skapar rapporten", timeout=30_000)
    screenshot(page, "dpo-journey-sv-02-rendering")
    bar.locator(".lia-rendered").wait_for(timeout=600_000)
    expect(bar.locator(".lia-report-info")).to_contain_text("inte signerad än")

    # sign with the DPO key from the key folder; a wrong passphrase is refused first
    expect(bar.locator(".lia-key select")).to_contain_text("Ingrid Solheim")
    bar.locator(".lia-passphrase input").fill("fel")
    bar.locator(".lia-sign").click()
    expect(bar.locator(".lia-sign-feedback")).to_contain_text("kontrollera lösenfrasen")
    expect(bar.locator(".lia-passphrase input")).to_have_value("")
    bar.locator(".lia-passphrase input").fill(PASSPHRASE)
    bar.locator(".lia-sign").click()
    expect(bar.locator(".lia-sign-feedback")).to_contain_text("Signerad av Ingrid Solheim (dpo)", timeout=60_000)
    expect(bar.locator(".lia-report-info")).to_contain_text("signerad av Ingrid Solheim (dpo)")
    expect(bar.locator(".lia-passphrase input")).to_have_value("")
    expect(page.locator(".lia-status-feedback")).not_to_contain_text("giltig signatur")  # no longer true
    screenshot(page, "dpo-journey-sv-03-signed")
    part(page.locator(".lia-meta"), "dpo-journey-sv-03-details-status")
    part(bar, "dpo-journey-sv-03-report-sign")

    # the new parts in English and Norwegian too
    for lang, label in (("en", "English"), ("nb", "Norsk bokmål")):
        page.locator(".lia-lang button", has_text=label).click()
        expect(page.locator(".lia-meta .lia-status-badge")).to_have_text(
            {"en": "Status: In review", "nb": "Status: Under gjennomgang"}[lang])
        expect(bar.locator(".lia-render")).to_have_text({"en": "Render report", "nb": "Lag rapport"}[lang])
        part(page.locator(".lia-meta"), f"dpo-journey-{lang}-03-details-status")
        part(bar, f"dpo-journey-{lang}-03-report-sign")
        part(page.locator(".lia-progress"), f"dpo-journey-{lang}-03-progress-done")
    page.locator(".lia-lang button", has_text="Svenska").click()
    expect(page.locator(".lia-meta .lia-status-badge")).to_have_text("Status: Under granskning")

    # the viewer, opened from the page, shows the new signature as valid and current
    link = bar.locator(".lia-report-info a.lia-viewer-link")
    href = link.get_attribute("href")
    assert href and "lang=sv" in href and f"assessment={AID}" in href
    with page.context.expect_page() as opened:
        link.click()
    viewer = opened.value
    sig = viewer.locator(".lia-signature .lia-sig")
    sig.wait_for(timeout=120_000)
    expect(viewer.locator(".lia-sig-current")).to_be_visible()
    expect(sig).to_contain_text("Giltig")
    expect(sig).to_contain_text("Ingrid Solheim")
    screenshot(viewer, "dpo-journey-sv-04-viewer")
    viewer.close()

    # the portfolio shows the report current
    page.goto(server.url("voila/render/portfolio.ipynb") + "?lang=sv")
    row = page.locator(f'tr.lia-row[data-id="{AID}"]')
    row.wait_for(timeout=120_000)
    expect(row.locator(".lia-state-current")).to_have_text("Aktuell")
    screenshot(page, "dpo-journey-sv-05-portfolio")

    # and the store has what the page said: details, status, author
    from lia.store import Store
    from lia.workspace import Workspace

    head = Store(Workspace(home)).load(AID)
    assert head.assessment["status"] == "in_review"
    assert head.assessment["owner"] == "Kundtjänstchef"
    assert head.assessment["controller"] == "Nordkontakt AB"
    assert head.assessment["review_date"] == "2027-05-31"
    assert head.assessment["jurisdictions"] == ["EU", "SE", "NO"]
    assert head.author == "Ingrid Solheim"
