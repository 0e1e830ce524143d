"""In Chromium: `lia serve`'s start page and every page's tab title, in the reader's language.

Issue 15, item 1: the tab said "works_council", and ``/voila/tree`` was Voila's file browser with
console errors. Now ``/voila/tree`` is a start page listing the five pages with a line each, in
en/sv/nb, linked with the language kept; and each page's tab title is in its language, following
a switch on the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from .conftest import ROOT, LiaServer, guarded_page, screenshot

TITLES = {
    ("start", "sv"): "Start – Bedömningsverktyget",
    ("report_viewer", "sv"): "Rapportvisning – Bedömningsverktyget",
    ("report_viewer", "nb"): "Rapportvisning – Vurderingsverktøyet",
    ("works_council", "nb"): "Tillitsvalgte – Vurderingsverktøyet",
    ("portfolio", "en"): "Portfolio – Assessment workbench",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, browser_env: dict) -> Iterator[LiaServer]:
    home = tmp_path_factory.mktemp("start-page") / "ws"
    home.mkdir()
    s = LiaServer(home, env=browser_env, log=ROOT / "tests" / "output" / "lia-serve-start-page.log").start()
    try:
        yield s
    finally:
        s.stop()


def _console_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_start_page_lists_the_five_pages_in_the_chosen_language(server: LiaServer, browser: Any) -> None:
    external: list[str] = []
    context, page = guarded_page(browser, external)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    errors = _console_errors(page)
    try:
        page.goto(server.url("voila/tree?lang=sv"))
        assert page.title() == TITLES[("start", "sv")]
        assert page.get_attribute("html", "lang") == "sv"
        links = page.eval_on_selector_all("ul.lia-pages a", "els => els.map(a => [a.textContent, a.getAttribute('href')])")
        assert links == [["Bedömningsguide", "/voila/render/wizard.ipynb?lang=sv"],
                         ["Portfölj", "/voila/render/portfolio.ipynb?lang=sv"],
                         ["Rapportvisning", "/voila/render/report_viewer.ipynb?lang=sv"],
                         ["Fackliga företrädare", "/voila/render/works_council.ipynb?lang=sv"],
                         ["Vem lyssnar", "/voila/render/access.ipynb?lang=sv"]]
        body = page.inner_text("body")
        assert "Öppna en signerad rapport" in body and "överenskomna gränserna" in body
        screenshot(page, "start-page-sv")
        assert errors == [] and external == []
        assert all(r.startswith(server.url()) or r.startswith("data:") for r in requests), requests

        # another language from the page's own chooser, still nothing but this page loaded
        page.click("nav.lia-langs a[lang='nb']")
        page.wait_for_url("**/voila/tree?lang=nb")
        assert page.title() == "Start – Vurderingsverktøyet" and "tillitsvalgte" in page.inner_text("body")
        assert page.get_attribute("ul.lia-pages li.lia-page-portfolio a", "href").endswith("?lang=nb")

        # a link keeps the language, and the page's tab title is in it
        page.click("nav.lia-langs a[lang='sv']")
        page.wait_for_url("**/voila/tree?lang=sv")
        page.click("text=Rapportvisning")
        page.wait_for_url("**/voila/render/report_viewer.ipynb?lang=sv")
        page.wait_for_selector(".lia-viewer .lia-header .lia-lang button", timeout=120_000)
        page.wait_for_function("t => document.title === t", arg=TITLES[("report_viewer", "sv")])
        # switching the language on the page switches the title too
        page.locator(".lia-header .lia-lang button", has_text="Norsk bokmål").click()
        page.wait_for_function("t => document.title === t", arg=TITLES[("report_viewer", "nb")])
        assert external == []
    finally:
        context.close()


@pytest.mark.parametrize(("notebook", "lang"), [("works_council", "nb"), ("portfolio", "en")])
def test_every_page_has_its_title_in_its_language(server: LiaServer, browser: Any, notebook: str, lang: str) -> None:
    external: list[str] = []
    context, page = guarded_page(browser, external)
    try:
        page.goto(server.url(f"voila/render/{notebook}.ipynb?lang={lang}"))
        page.wait_for_selector("#rendered_cells .jupyter-widgets", state="attached", timeout=120_000)
        page.wait_for_function("t => document.title === t", arg=TITLES[(notebook, lang)])
        assert notebook not in page.title()
        assert external == []
    finally:
        context.close()


def test_start_page_unit_links_and_offline(tmp_path: Path) -> None:
    """Without a browser: the page names the five pages in each language and loads nothing."""
    import re

    from lia.start_page import PAGES, page_titles, start_page_html

    for lang in ("en", "sv", "nb"):
        doc = start_page_html(lang, "/base/")
        for p in PAGES:
            assert f'href="/base/voila/render/{p}.ipynb?lang={lang}"' in doc
        assert not re.search(r"(src|href)=\"(https?:)?//", doc)
        assert "<script" not in doc
    titles = page_titles()["titles"]
    assert {titles[lang]["works_council"] for lang in ("en", "sv", "nb")} == {
        "Works council – Assessment workbench", "Fackliga företrädare – Bedömningsverktyget",
        "Tillitsvalgte – Vurderingsverktøyet"}


def test_error_pages_name_the_workbench_in_all_three_languages(server: LiaServer, browser: Any) -> None:
    """The reader's language is unknown on an error page: its title says the app name in en, sv and nb."""
    from lia.i18n import t

    external: list[str] = []
    context, page = guarded_page(browser, external)
    try:
        page.goto(server.url("voila/render/no-such.ipynb"))
        page.wait_for_load_state("load")
        assert page.title() == " · ".join(t("dashboards", "app_name", lang) for lang in ("en", "sv", "nb"))
        assert external == []
    finally:
        context.close()
