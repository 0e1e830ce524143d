"""The portfolio and the report viewer in a real browser against `lia serve`, offline.

The workspace holds real rendered and signed reports (lia.dashboards.demo.showcase):
one current, one stale, one unsigned, one overdue for review, one tampered after
signing, one with two signed reports, and one never rendered. Every page load goes
through the shared ``page`` fixture, which fails the test on any request to another host.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, LiaServer, screenshot

pytestmark = pytest.mark.browser

PORTFOLIO = "voila/render/portfolio.ipynb"
VIEWER = "voila/render/report_viewer.ipynb"


@pytest.fixture(scope="module")
def showcase_ws(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    # in a subprocess: rendering prints PDFs with Playwright, which the browser fixture already runs here
    home = tmp_path_factory.mktemp("dashboards-ws")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "lib") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-m", "lia.dashboards.demo", "showcase", str(home)], env=env,
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    return home, json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def dash_server(showcase_ws: tuple[Path, dict[str, str]], browser_env: dict[str, str]) -> Iterator[LiaServer]:
    server = LiaServer(showcase_ws[0], env=browser_env).start()
    try:
        # each preheated kernel logs once it has run its notebook up to the request
        server.wait_for_log("portfolio page preheated", timeout=300)
        server.wait_for_log("viewer page preheated", timeout=300)
        yield server
    finally:
        server.stop()


def row(page: Any, aid: str) -> Any:
    return page.locator(f'tr.lia-row[data-id="{aid}"]')


def open_portfolio(page: Any, server: LiaServer, query: str = "") -> None:
    page.goto(server.url(PORTFOLIO) + query)
    page.wait_for_selector(".lia-portfolio-table tr.lia-row", timeout=60_000)


def open_viewer(page: Any, server: LiaServer, query: str) -> Any:
    page.goto(server.url(VIEWER) + query)
    sig = page.locator(".lia-signature .lia-sig")
    sig.wait_for(timeout=60_000)
    return sig


def test_portfolio_shows_every_state(dash_server: LiaServer, showcase_ws: Any, page: Any) -> None:
    _home, ids = showcase_ws
    open_portfolio(page, dash_server)
    expect(page.locator("tr.lia-row")).to_have_count(7)
    expected = {"current": "current", "stale": "stale", "unsigned": "unsigned", "overdue": "current",
                "tampered": "failing", "history": "current", "noreport": "none"}
    for role, state in expected.items():
        r = row(page, ids[role])
        expect(r).to_have_attribute("data-state", state)
    expect(row(page, ids["tampered"]).locator(".lia-state-failing")).to_have_text("Failing verification")
    expect(row(page, ids["tampered"])).to_contain_text("report.html")
    expect(row(page, ids["stale"]).locator(".lia-state-stale")).to_have_text("Stale")
    expect(row(page, ids["stale"])).to_contain_text("newer answers version 3")
    expect(row(page, ids["unsigned"]).locator(".lia-state-unsigned")).to_have_text("Unsigned")
    expect(row(page, ids["overdue"])).to_have_attribute("data-review", "overdue")
    expect(row(page, ids["overdue"]).locator(".lia-review-overdue")).to_be_visible()
    expect(row(page, ids["overdue"])).to_contain_text("45 days overdue")
    expect(row(page, ids["history"])).to_have_attribute("data-review", "due_soon")
    expect(row(page, ids["current"])).to_contain_text("Ola Nordmann")
    expect(page.locator(".lia-tile-failing .n")).to_have_text("1")
    expect(page.locator(".lia-tile-overdue .n")).to_have_text("1")
    expect(page.locator(".lia-chart-chart_reviews svg")).to_be_visible()
    expect(page.locator(".lia-chart-chart_risk_map svg")).to_be_visible()
    screenshot(page, "dashboards-01-portfolio")

    # filter: only what needs attention, then only failing
    page.locator(".lia-filter-state select").select_option(label="Needs attention")
    expect(page.locator("tr.lia-row")).to_have_count(4)  # failing, stale, unsigned, no report
    page.locator(".lia-filter-state select").select_option(label="Failing verification")
    expect(page.locator("tr.lia-row")).to_have_count(1)
    expect(row(page, ids["tampered"])).to_be_visible()
    page.locator(".lia-filter-state select").select_option(label="All")
    page.locator(".lia-search input").fill("bergen")
    page.locator(".lia-search input").press("Enter")
    expect(page.locator("tr.lia-row")).to_have_count(1)
    page.locator(".lia-search input").fill("")
    page.locator(".lia-search input").press("Enter")
    expect(page.locator("tr.lia-row")).to_have_count(7)

    # export
    page.locator(".lia-export").click()
    link = page.locator(".lia-csv-link a")
    expect(link).to_be_visible()
    with page.expect_download() as dl:
        link.click()
    data = Path(dl.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"report_state" in data and b"failing" in data

    # language
    page.locator(".lia-header .lia-lang button", has_text="Svenska").click()
    expect(row(page, ids["tampered"]).locator(".lia-state-failing")).to_have_text("Verifiering misslyckas")
    expect(page.locator(".lia-portfolio h1")).to_have_text("Portfölj av bedömningar")
    screenshot(page, "dashboards-02-portfolio-sv")


def test_portfolio_link_opens_the_viewer(dash_server: LiaServer, showcase_ws: Any, page: Any) -> None:
    _home, ids = showcase_ws
    open_portfolio(page, dash_server, "?state=failing")
    expect(page.locator("tr.lia-row")).to_have_count(1)
    with page.expect_popup() as pop:
        row(page, ids["tampered"]).locator("a.lia-open").click()
    viewer = pop.value
    sig = viewer.locator(".lia-signature .lia-sig")
    sig.wait_for(timeout=60_000)
    expect(sig).to_have_attribute("data-state", "failing")


def test_viewer_tampered_report_fails_verification(dash_server: LiaServer, showcase_ws: Any, page: Any) -> None:
    _home, ids = showcase_ws
    sig = open_viewer(page, dash_server, f"?assessment={ids['tampered']}&version=2")
    expect(sig).to_have_attribute("data-state", "failing")
    expect(sig).to_contain_text("FAILING VERIFICATION")
    expect(sig.locator(".failed-file")).to_contain_text("report.html")
    expect(page.locator(".lia-sig-current, .lia-sig-stale, .lia-sig-unsigned")).to_have_count(0)
    assert "Valid" not in sig.inner_text()
    color = sig.evaluate("e => getComputedStyle(e).borderColor")
    assert color == "rgb(180, 35, 24)"  # red
    # the signature check comes before the content
    top_sig = sig.bounding_box()["y"]
    frame = page.locator("iframe.lia-report-frame")
    expect(frame).to_be_visible()
    assert frame.bounding_box()["y"] > top_sig
    expect(page.locator(".lia-content .lia-msg.error")).to_be_visible()
    screenshot(page, "dashboards-03-viewer-tampered")


def test_viewer_stale_and_unsigned(dash_server: LiaServer, showcase_ws: Any, page: Any) -> None:
    _home, ids = showcase_ws
    sig = open_viewer(page, dash_server, f"?assessment={ids['stale']}")
    expect(sig).to_have_attribute("data-state", "stale")
    expect(sig.locator(".lia-stale-reasons")).to_contain_text("newer answers version 3")
    expect(sig.locator("tr.lia-signer.ok")).to_have_count(2)
    expect(sig).to_contain_text("Data protection officer")
    screenshot(page, "dashboards-04-viewer-stale")
    # choose another assessment on the page
    page.locator(".lia-choose-assessment select").select_option(ids["unsigned"])
    page.locator(".lia-open-report").click()
    expect(page.locator(".lia-signature .lia-sig")).to_have_attribute("data-state", "unsigned")
    expect(page.locator(".lia-signature")).to_contain_text("Not signed")
    screenshot(page, "dashboards-05-viewer-unsigned")


def test_viewer_current_report_with_changes(dash_server: LiaServer, showcase_ws: Any, page: Any) -> None:
    _home, ids = showcase_ws
    sig = open_viewer(page, dash_server, f"?assessment={ids['history']}&lang=nb")
    expect(sig).to_have_attribute("data-state", "current")
    expect(sig).to_contain_text("Gyldig")
    expect(sig.locator("tr.lia-signer.ok")).to_have_count(2)
    frame = page.locator("iframe.lia-report-frame")
    assert frame.get_attribute("sandbox") == ""
    inner = page.frame_locator("iframe.lia-report-frame")
    expect(inner.locator("body")).to_contain_text(ids["history"])
    changes = page.locator(".lia-changes")
    expect(changes).to_contain_text("v2")
    expect(changes.locator(".lia-changes-added")).to_contain_text("eu.hard_stop.emotion_recognition")
    expect(changes.locator(".lia-changed-verdicts")).to_be_visible()
    screenshot(page, "dashboards-06-viewer-current-changes")
    # the older report, by URL: signed and valid, but stale
    sig = open_viewer(page, dash_server, f"?assessment={ids['history']}&version=2")
    expect(sig).to_have_attribute("data-state", "stale")
    expect(page.locator(".lia-no-previous")).to_be_visible()


def test_viewer_unknown_assessment(dash_server: LiaServer, page: Any) -> None:
    page.goto(dash_server.url(VIEWER) + "?assessment=no-such-thing")
    msg = page.locator(".lia-viewer-error")
    msg.wait_for(timeout=60_000)
    expect(msg).to_contain_text("no assessment 'no-such-thing'")
    assert re.search(r"known assessments: cc-", msg.inner_text())
