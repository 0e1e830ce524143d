"""Every page in a real browser, in English, Swedish and Norwegian: the same header band (the
workbench's name, links between the pages that keep the assessment and the language, the language
switch at the right), the tab title in the page's language, and a screenshot of each for people to
look at (issue 15 items 1, 2 and 11; tests/output/screenshots/page-<name>-<lang>.png).

The ``guarded_page`` context fails the test on any request to another host.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlparse

import pytest

from .conftest import ROOT, LiaServer, guarded_page, screenshot

pytestmark = pytest.mark.browser

AID = "contact-centre-recording"
PAGES = ("wizard", "portfolio", "report_viewer", "works_council", "access")
#: What each page shows once its work is done (the header is there from the start).
READY = {"wizard": ".lia-htable .lia-hrow", "portfolio": ".lia-chart-chart_reviews svg", "report_viewer": ".lia-signature .lia-sig",
         "works_council": ".lia-wc-chart-timeline svg", "access": ".lia-access-chart svg"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, browser_env: dict[str, str]) -> Iterator[LiaServer]:
    """The example assessment with one rendered report, served with one kernel per page."""
    home = tmp_path_factory.mktemp("pages-ws")
    env = {**browser_env, "PYTHONPATH": str(ROOT / "lib")}
    import os

    run_env = {**os.environ, **env}
    for args in (["example", "--quiet"], ["render", AID, "--no-pdf"]):
        subprocess.run([sys.executable, "-m", "lia", "--home", str(home), *args], check=True, env=run_env,
                       cwd=str(ROOT), capture_output=True, timeout=600)
    srv = LiaServer(home, env=browser_env, args=["--wizard-pool-size", "1", "--pool-size", "1"]).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.mark.parametrize("lang", ["en", "sv", "nb"])
def test_every_page_has_the_shared_header_in_its_language(server: LiaServer, browser: Any, lang: str) -> None:
    from lia.i18n import LANG_NAMES
    from lia.start_page import page_title

    external: list[str] = []
    context, page = guarded_page(browser, external, viewport={"width": 1400, "height": 900})
    try:
        for name in PAGES:
            page.goto(server.url(f"voila/render/{name}.ipynb?assessment={AID}&lang={lang}"))
            page.wait_for_selector(".lia-app .lia-header .lia-nav-pages", timeout=180_000)
            page.wait_for_selector(READY[name], timeout=180_000)
            header = page.locator(".lia-app .lia-header")
            assert page_title("start", lang).split(" – ")[1] in header.locator(".lia-brand").text_content()
            # the language switch: the three buttons at the right of the band, this language pressed
            buttons = header.locator(".lia-lang button")
            assert buttons.all_inner_texts() == [LANG_NAMES[x] for x in ("en", "sv", "nb")]
            assert header.locator(".lia-lang button.mod-active").inner_text() == LANG_NAMES[lang]
            box, switch = header.bounding_box(), header.locator(".lia-lang").bounding_box()
            assert switch["x"] + switch["width"] > box["x"] + box["width"] - 40, (name, box, switch)
            # links to every other page, keeping the assessment and the language
            links = page.eval_on_selector_all(".lia-header a.lia-nav-link",
                                              "els => els.map(a => [a.dataset.page, a.getAttribute('href')])")
            assert sorted(p for p, _ in links) == sorted({"wizard", *PAGES} - {name}), links
            for target, href in links:
                assert href.startswith(f"{target}.ipynb?"), href
                assert parse_qs(urlparse(href).query) == {"lang": [lang], "assessment": [AID]}, href
            assert header.locator(".lia-nav-current").get_attribute("data-page") == name
            if name == "wizard":  # its author field: in the band, under the switch
                author = header.locator(".lia-author input").bounding_box()
                assert author["y"] >= switch["y"] + switch["height"], (author, switch)
                assert header.locator(".lia-author-label").inner_text() == {"en": "Author", "sv": "Författare",
                                                                            "nb": "Forfatter"}[lang]
            page.wait_for_function("t => document.title === t", arg=page_title(name, lang), timeout=30_000)
            screenshot(page, f"page-{name}-{lang}")
        assert external == []
    finally:
        context.close()


def test_a_header_link_opens_the_other_page_with_the_assessment_and_language(server: LiaServer, browser: Any) -> None:
    external: list[str] = []
    context, page = guarded_page(browser, external, viewport={"width": 1280, "height": 800})
    try:
        page.goto(server.url(f"voila/render/portfolio.ipynb?assessment={AID}&lang=nb"))
        page.wait_for_selector(READY["portfolio"], timeout=180_000)
        # switching the language on the page re-targets the links before the reader follows one
        page.locator(".lia-header .lia-lang button", has_text="Svenska").click()
        page.wait_for_selector(".lia-header a.lia-nav-link[href*='lang=sv']", timeout=30_000)
        page.locator(".lia-header a.lia-nav-link[data-page='works_council']").click()
        page.wait_for_url(f"**/works_council.ipynb?lang=sv&assessment={AID}", timeout=60_000)
        page.wait_for_selector(READY["works_council"], timeout=180_000)
        assert page.locator(".lia-header .lia-lang button.mod-active").inner_text() == "Svenska"
        assert page.locator(".lia-wc .lia-toolbar select").first.input_value() == AID
        # a laptop screen: nothing wider than the window
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 1280, wide
        screenshot(page, "page-works_council-sv-1280x800")
        assert external == []
    finally:
        context.close()


def test_the_wizards_header_follows_its_language_switch_to_the_next_page(server: LiaServer, browser: Any) -> None:
    external: list[str] = []
    context, page = guarded_page(browser, external, viewport={"width": 1280, "height": 800})
    try:
        page.goto(server.url(f"voila/render/wizard.ipynb?assessment={AID}&lang=en"))
        page.wait_for_selector(READY["wizard"], timeout=180_000)
        # the wizard's switch relabels the whole page and re-targets the links
        page.locator(".lia-header .lia-lang button", has_text="Norsk bokmål").click()
        page.wait_for_function("document.querySelector('.lia-save').innerText.includes('Lagre versjon')", timeout=60_000)
        page.wait_for_selector(".lia-header a.lia-nav-link[href*='lang=nb']", timeout=30_000)
        page.locator(".lia-header a.lia-nav-link[data-page='report_viewer']").click()
        page.wait_for_url(f"**/report_viewer.ipynb?lang=nb&assessment={AID}", timeout=60_000)
        page.wait_for_selector(READY["report_viewer"], timeout=180_000)
        assert page.locator(".lia-header .lia-lang button.mod-active").inner_text() == "Norsk bokmål"
        assert external == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_the_wizards_side_panel_shows_its_reasoning_whole(server: LiaServer, browser: Any, lang: str) -> None:
    """The running reasoning at the wizard's side fits its panel: no verdict, reason, group or weighing
    is cut off at the panel's edge (the groups' row once inherited the step names' no-wrap and pushed
    the table past the panel, which hides what overflows)."""
    external: list[str] = []
    context, page = guarded_page(browser, external, viewport={"width": 1400, "height": 900})
    try:
        page.goto(server.url(f"voila/render/wizard.ipynb?assessment={AID}&lang={lang}"))
        page.wait_for_selector(".lia-side .lia-verdicts .lia-groups", timeout=180_000)
        widths = page.evaluate("""() => {
            const t = document.querySelector('.lia-side .lia-verdicts');
            const box = t.closest('.widget-html-content').getBoundingClientRect();
            const over = [...t.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > box.right + 1)
                .map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40));
            return {table: t.getBoundingClientRect().width, panel: box.width, over};
        }""")
        assert widths["table"] <= widths["panel"] + 1 and widths["over"] == [], widths
        assert external == []
    finally:
        context.close()
