"""In Chromium: the works-council page never shows a server file named in its address.

Issue 12, item 12: ``works_council.ipynb?log=/etc/shadow`` showed the file's first line on the
page. The page now reads call logs only from the workspace's ``logs/`` folder, chosen by name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import pytest

from .conftest import ROOT, LiaServer, guarded_page, screenshot

SECRET = "root:$y$j9T$thisIsTheSecretHashOfRoot:19000:0:99999:7:::"
PAGE = "voila/render/works_council.ipynb"
HEADER = "call_id,agent,team,start,duration_s,recorded,caller_consent,deleted_at,consent_withdrawn_at"


@pytest.fixture(scope="module")
def wc_server(tmp_path_factory: pytest.TempPathFactory, browser_env: dict) -> Iterator[tuple[LiaServer, Path]]:
    base = tmp_path_factory.mktemp("wc-paths")
    home = base / "ws"
    (home / "logs").mkdir(parents=True)
    (home / "logs" / "calls.csv").write_text(
        HEADER + "\n" + "".join(f"C{i},A000{i},support,2025-03-0{i}T09:00:00+01:00,120,yes,yes,,\n" for i in range(1, 4)))
    secret = base / "shadow"
    secret.write_text(SECRET + "\n")
    (home / "logs" / "link.csv").symlink_to(secret)  # a link leading out of logs/ is not offered either
    server = LiaServer(home, env=browser_env, log=ROOT / "tests" / "output" / "lia-serve-wc-paths.log").start()
    try:
        yield server, secret
    finally:
        server.stop()


def _open(page: Any, server: LiaServer, query: str) -> None:
    page.goto(server.url(f"{PAGE}?{query}"))
    page.wait_for_selector("body[data-lia-ready='true']", timeout=120_000)
    page.wait_for_selector("#rendered_cells .jupyter-widgets", state="attached")


@pytest.mark.parametrize("given", ["{secret}", "../../shadow", "link.csv", "/etc/passwd"])
def test_a_server_path_in_the_address_is_refused_and_never_shown(wc_server: Any, browser: Any, given: str) -> None:
    server, secret = wc_server
    external: list[str] = []
    context, page = guarded_page(browser, external)
    try:
        _open(page, server, "log=" + quote(given.format(secret=secret)))
        page.wait_for_selector(".lia-wc-error", timeout=90_000)
        text = page.inner_text("body")
        assert "is not a call log in" in text and "reads only the CSV and Parquet files" in text
        assert "thisIsTheSecretHashOfRoot" not in page.content() and "root:x:0:0" not in page.content()
        # the chooser offers the demo and the workspace's own log, nothing else
        options = page.eval_on_selector_all("select option", "els => els.map(e => e.textContent)")
        assert "calls.csv" in options and "link.csv" not in options and not [o for o in options if "/" in o]
        screenshot(page, "works-council-refused-path")
    finally:
        context.close()
    assert not external, external


def test_a_log_in_the_workspace_is_chosen_by_name(wc_server: Any, browser: Any) -> None:
    server, _ = wc_server
    external: list[str] = []
    context, page = guarded_page(browser, external)
    try:
        _open(page, server, "log=calls.csv")
        page.wait_for_selector("#rendered_cells svg", timeout=90_000)
        assert page.locator(".lia-wc-error").count() == 0
        selected = page.eval_on_selector_all("select", "els => els.map(e => e.options[e.selectedIndex]?.textContent)")
        assert "calls.csv" in selected
    finally:
        context.close()
    assert not external, external
