"""The access page in a real browser against `lia serve`, offline, in Swedish: summary first, two charts, breaches.

The ``page`` fixture fails the test on any request to another host.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import expect

from .conftest import LiaServer, screenshot

pytestmark = pytest.mark.browser

ACCESS = "voila/render/access.ipynb"


@pytest.fixture(scope="module")
def access_server(tmp_path_factory: pytest.TempPathFactory, browser_env: dict[str, str]) -> Iterator[LiaServer]:
    from lia.pages.access import demo_logs

    home = tmp_path_factory.mktemp("access-ws")
    demo_logs(Path(home))  # generated before the server starts, as `lia serve` would on the first visit
    server = LiaServer(home, env=browser_env).start()
    try:
        server.wait_for_log("access page preheated", timeout=300)
        yield server
    finally:
        server.stop()


def test_access_page_in_swedish_shows_summary_charts_and_breaches(access_server: LiaServer, page: Any) -> None:
    from lia.access.synth import INJECTABLE

    page.goto(access_server.url(ACCESS) + "?lang=sv")
    charts = page.locator(".lia-access-chart svg")
    charts.first.wait_for(timeout=120_000)
    expect(charts).to_have_count(2)
    expect(page.get_by_text("Vem lyssnar på inspelningarna")).to_be_visible()
    expect(page.locator(".lia-access-overview")).to_contain_text("åtkomsthändelser")
    expect(charts.nth(0)).to_contain_text("Åtkomster per roll och månad")
    expect(charts.nth(1)).to_contain_text("Öppnade inspelningar av varje medarbetare, per användare")
    rows = page.locator("table.lia-access-breaches tbody tr")
    expect(rows).to_have_count(len(INJECTABLE))
    expect(page.locator("table.lia-access-breaches")).to_contain_text("Lyssning utanför utbildningsperioder")
    # the summary comes before the charts, and the charts before the breaches
    y = [page.locator(sel).first.bounding_box()["y"] for sel in
         (".lia-access-overview", ".lia-access-chart", "table.lia-access-breaches")]
    assert y == sorted(y), y
    screenshot(page, "access-sv")


@pytest.mark.parametrize("query", ["log=/etc/passwd", "calls=../../x"])
def test_a_server_path_in_the_address_is_refused_in_swedish_and_never_shown(access_server: LiaServer, page: Any,
                                                                           query: str) -> None:
    """Issue 12 item 12 for the access page: a log is a name in <home>/logs/, never a path on the server."""
    page.goto(access_server.url(ACCESS) + "?lang=sv&" + query)
    error = page.locator(".lia-access-error")
    error.wait_for(timeout=120_000)
    expect(error).to_contain_text("är ingen logg i")
    expect(error).to_contain_text("åtkomstsidan läser bara CSV- och Parquet-filerna")
    assert "root:x:0:0" not in page.content()
    # the demo view stays, and the choosers offer no path on the server
    expect(page.locator(".lia-access-chart svg")).to_have_count(2)
    options = page.eval_on_selector_all("select option", "els => els.map(e => e.textContent)")
    assert not [o for o in options if "/" in o or "passwd" in o], options
    screenshot(page, "access-refused-path")
