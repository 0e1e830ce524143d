"""Printing a report's HTML to PDF with the system Chromium (Playwright ``page.pdf``), offline.

Nothing is loaded from outside: every request that is not ``file:``, ``data:`` or
``about:`` is blocked and reported. The PDF's dates are the answers' save time,
so the same inputs give the same bytes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import LiaError, Message

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "PdfPrinter", "fix_pdf_dates"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class PdfPrinter:
    """Prints HTML files to PDF with the system Chromium; records and blocks every non-file request.

    Playwright's sync API refuses to run on a thread with a running asyncio loop (a
    Jupyter kernel, Voila, another Playwright user in the same process), and its objects
    belong to the thread that made them: every call therefore runs on one thread of the
    printer's own.
    """

    def __init__(self) -> None:
        self._pw: Any = None
        self._browser: Any = None
        self._thread: Any = None

    def _call(self, fn: Any, *args: Any) -> Any:
        return self._thread.submit(fn, *args).result()

    def __enter__(self) -> PdfPrinter:
        from concurrent.futures import ThreadPoolExecutor

        self._thread = ThreadPoolExecutor(1, thread_name_prefix="lia-pdf")
        try:
            self._call(self._start)
        except BaseException:
            self._thread.shutdown(wait=True)
            raise
        return self

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:
            self._pw.stop()
            reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            raise LiaError(Message("errors.render_no_chromium", path=CHROMIUM, reason=reason)) from None

    def __exit__(self, *exc: object) -> None:
        try:
            self._call(self._stop)
        finally:
            self._thread.shutdown(wait=True)

    def _stop(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._pw is not None:
            self._pw.stop()

    def print_pdf(self, html_path: Path, pdf_path: Path, title: str, footer: str) -> list[str]:
        """Print one page; returns the external requests that were attempted (and blocked)."""
        return self._call(self._print, html_path, pdf_path, title, footer)

    def _print(self, html_path: Path, pdf_path: Path, title: str, footer: str) -> list[str]:
        import html as _html

        external: list[str] = []
        ctx = self._browser.new_context(offline=True, java_script_enabled=False)
        try:
            page = ctx.new_page()

            def route(r: Any) -> None:
                if r.request.url.startswith(("file:", "data:", "about:")):
                    r.continue_()
                else:
                    external.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            foot = (f'<div style="font-size:7.5pt;width:100%;padding:0 14mm;color:#5f6368;display:flex;'
                    f'justify-content:space-between;font-family:DejaVu Sans,sans-serif">'
                    f"<span>{_html.escape(title)}</span><span>{_html.escape(footer)} "
                    f'<span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')
            page.pdf(path=str(pdf_path), format="A4", print_background=True, display_header_footer=True,
                     header_template="<span></span>", footer_template=foot,
                     margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
        finally:
            ctx.close()
        return external


def fix_pdf_dates(pdf: Path, when: str) -> None:
    """Replace Chromium's creation/modification dates by the answers' save time (same length, in place).

    Keeps the PDF bytes reproducible; offsets in the xref table do not move.
    """
    data = pdf.read_bytes()
    stamp = re.sub(r"[^0-9]", "", when)[:14].ljust(14, "0")

    def sub(m: re.Match[bytes]) -> bytes:
        old = m.group(2)
        new = ("D:" + stamp).encode()
        new = (new + old[len(new):]) if len(old) > len(new) else new[:len(old)]
        return m.group(1) + new + m.group(3)

    fixed = re.sub(rb"(/(?:CreationDate|ModDate)\s*\()(D:[^)]*)(\))", sub, data)
    if fixed != data:
        pdf.write_bytes(fixed)
