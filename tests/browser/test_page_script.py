"""The workbench's page script in a real browser: what it loads, and what it says when the server goes.

The pages use ``lia-page.js`` (built from frontend/) instead of Voila's JupyterLab application:
a fifth of the JavaScript and no application start-up, which is what makes the wizard
interactive in about a second (bench/bench_wizard.py). These tests keep it that way and check
the one thing the page script adds: a reader whose server stops is told so at once, in the
language they chose on the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import LiaServer, guarded_page, screenshot

pytestmark = pytest.mark.browser

#: The page's own scripts stay well under Voila's 4.8 MB (lia-page.js is about 0.95 MB).
SCRIPT_BUDGET = 1_500_000


@pytest.mark.parametrize("path", ["", "voila/render/portfolio.ipynb", "voila/render/report_viewer.ipynb",
                                  "voila/render/works_council.ipynb", "voila/render/access.ipynb"])
def test_every_page_runs_on_the_page_script_alone(lia_server: Any, page: Any, path: str) -> None:
    scripts: list[Any] = []
    page.on("response", lambda r: scripts.append(r) if r.request.resource_type == "script" else None)
    page.goto(lia_server.url(path))
    page.wait_for_selector("body[data-lia-ready='true']", timeout=90_000)
    page.wait_for_selector("#rendered_cells .jupyter-widgets", state="attached")
    urls = [r.url for r in scripts]
    assert any("/static/lia-page/lia-page.js" in u for u in urls), urls
    assert not [u for u in urls if "/voila/static/" in u or "remoteEntry" in u], urls
    total = sum(len(r.body()) for r in scripts)
    assert total < SCRIPT_BUDGET, f"{total} bytes of script"
    # the spinner is gone and the cells are shown
    assert page.locator("#loading").count() == 0
    assert page.locator("#rendered_cells").is_visible()


def test_widgets_talk_to_the_kernel(lia_server: Any, page: Any) -> None:
    """A click goes to the kernel and its answer comes back (the Norwegian button relabels the page)."""
    page.goto(lia_server.url(""))
    page.wait_for_selector(".lia-app .lia-header", timeout=90_000)
    page.locator(".lia-lang button", has_text="Norsk bokmål").click()
    page.wait_for_function("document.querySelector('.lia-save').innerText.includes('Lagre versjon')", timeout=60_000)
    page.wait_for_selector(".lia-page-lang-nb", state="attached")


def test_a_stopped_server_is_said_in_the_pages_language(tmp_path: Path, browser: Any, browser_env: dict,
                                                         external_requests: list[str]) -> None:
    server = LiaServer(tmp_path, env=browser_env,
                       log=Path(__file__).resolve().parents[1] / "output" / "lia-serve-stopped.log").start()
    # this server starts while the session's own one may still be preheating: let its pool fill
    # first, so the page does not wait on kernels the machine is busy starting
    server.wait_for_pool()
    context, page = guarded_page(browser, external_requests)
    try:
        page.goto(server.url(""))
        page.wait_for_selector(".lia-app .lia-header", timeout=90_000)
        page.locator(".lia-lang button", has_text="Svenska").click()
        page.wait_for_selector(".lia-page-lang-sv", state="attached", timeout=60_000)
        assert page.locator("#lia-connection").count() == 0  # nothing to say while connected
        server.stop()
        notice = page.locator("#lia-connection")
        notice.wait_for(state="visible", timeout=60_000)
        assert "Anslutningen till servern bröts" in notice.inner_text() or "Servern går inte att nå" in notice.inner_text()
        screenshot(page, "page-script-connection-lost-sv")
    finally:
        context.close()
        server.stop()
    assert external_requests == []
