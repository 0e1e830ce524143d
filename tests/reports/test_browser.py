"""The PDF shows the assessment on its first page; the HTML loads nothing from outside when opened in Chromium."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from lia.workspace import Workspace

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def test_pdf_first_page_shows_the_assessment_title(example_report: Path, example_ws: Workspace) -> None:
    from lia.example import EXAMPLE_ID
    from lia.store import Store

    title = Store(example_ws).load(EXAMPLE_ID).assessment["title"]
    pdf = example_report / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert " ".join(title.split()) in " ".join(first.split())
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Page size:" in info and "A4" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    last = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert f"{pages} / {pages}" in last  # page numbers in the footer


def _requests_when_opened(html: Path) -> list[str]:
    """Open a page in the system Chromium, block and record every request that is not file: or data:."""
    from playwright.sync_api import sync_playwright

    seen: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()

            def route(r):  # type: ignore[no-untyped-def]
                if r.request.url.startswith(("file:", "data:", "about:")):
                    r.continue_()
                else:
                    r.abort()  # blocked: nothing may leave the machine

            page.route("**/*", route)
            page.on("request", lambda req: seen.append(req.url)
                    if not req.url.startswith(("file:", "data:", "about:")) else None)
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.wait_for_timeout(300)
            assert page.title()
        finally:
            browser.close()
    return seen


def test_html_makes_no_external_request(example_report: Path, tmp_path: Path) -> None:
    # The recorder works: a page that does load something from outside is caught.
    control = tmp_path / "control.html"
    control.write_text('<html><head><title>x</title><script src="https://cdn.example.org/require.js"></script>'
                       '</head><body><img src="http://example.org/a.png"></body></html>')
    assert set(_requests_when_opened(control)) == {"https://cdn.example.org/require.js",
                                                   "http://example.org/a.png"}
    assert _requests_when_opened(example_report / "report.html") == []


def test_pdf_prints_from_inside_a_running_event_loop(tmp_path: Path) -> None:
    """Rendering from a Jupyter kernel or a Voila page, where an asyncio loop is running, still prints."""
    import asyncio

    from lia.reports.pdf import PdfPrinter

    html = tmp_path / "page.html"
    html.write_text("<!doctype html><meta charset=utf-8><h1>Samtalsinspelning</h1>", encoding="utf-8")

    async def inside_a_loop() -> list[str]:
        with PdfPrinter() as printer:
            return printer.print_pdf(html, tmp_path / "page.pdf", "Title", "footer")

    assert asyncio.run(inside_a_loop()) == []
    text = subprocess.run(["pdftotext", str(tmp_path / "page.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "Samtalsinspelning" in text
