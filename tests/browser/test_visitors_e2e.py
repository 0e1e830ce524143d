"""Visitors and their kernels (issue 12, items 4 and 5), in Chromium.

Each visitor of a page gets a kernel of their own (a few hundred MB). A page that is closed
or left must give it back at once, a page that vanishes without a word (a crashed browser)
after ``--cull-after`` seconds, so that an idle server returns to its pools. And visitors
who arrive together must find warm kernels, not wait for one to start behind Voila's
English "Executing 1 of 2". Speed itself is measured in bench/bench_visitors.py.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any, Callable

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, LiaServer, guarded_page

#: the Voila apps lia serve preheats a kernel for (one pool each)
PAGES = len(list((ROOT / "notebooks").glob("*.ipynb")))

pytestmark = pytest.mark.browser

OUTPUT = Path(__file__).resolve().parents[1] / "output"
OTHER_PAGES = ("portfolio page preheated", "viewer page preheated", "works-council page preheated")
#: Records every text Voila's spinner shows (and whether the page script had written it).
LOADING_RECORDER = """
window.__liaLoading = [];
new MutationObserver(() => {
  const el = document.getElementById('loading_text');
  if (!el) return;
  const shown = el.dataset.liaText === 'true' ? el.textContent : '(hidden) ' + el.textContent;
  if (window.__liaLoading[window.__liaLoading.length - 1] !== shown) window.__liaLoading.push(shown);
}).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
"""


def kernels(server: LiaServer) -> int:
    """Kernel processes the server runs now."""
    import psutil

    assert server.proc is not None
    out = 0
    for p in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            out += "ipykernel_launcher" in " ".join(p.cmdline())
        except psutil.Error:
            pass
    return out


def wait_until(what: str, check: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"{what} within {timeout} s")


def ready_pools(server: LiaServer, wizard: int) -> None:
    from lia.pages.wizard import READY_MESSAGE

    server.wait_for_log(READY_MESSAGE, count=wizard, timeout=240)
    for other in OTHER_PAGES:
        server.wait_for_log(other, timeout=240)


def open_wizard(page: Any, server: LiaServer, query: str = "") -> str:
    """Open the wizard, wait until it is interactive; returns the page's kernel id."""
    page.goto(server.url(query))
    page.wait_for_selector("body[data-lia-ready='true']", timeout=120_000)
    page.wait_for_selector(".lia-app .lia-header", timeout=60_000)
    return str(page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"))


@pytest.fixture
def small_server(tmp_path: Path, browser_env: dict[str, str]) -> Any:
    """A server with one kernel per page and no culling: only the pages can release kernels."""
    server = LiaServer(tmp_path, env={**browser_env, "LIA_LANG": "nb"}, log=OUTPUT / "lia-serve-release.log",
                       args=["--wizard-pool-size", "1", "--pool-size", "1", "--cull-after", "0"]).start()
    try:
        ready_pools(server, 1)
        yield server
    finally:
        server.stop()


def wait_serving_routes(page: Any, what: str, check: Callable[[], bool], timeout: float = 60) -> None:
    """:func:`wait_until`, while Playwright serves the context's routes (``guarded_page``).

    Every request of a guarded context waits for the test process to let it through; the
    sync API does that only inside a Playwright call, never during ``time.sleep``. A closed
    tab's release beacon would wait there, and closing the context (the whole browser) with
    it still waiting dropped it - the test then saw no release although the page had sent it.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        page.wait_for_timeout(300)
    raise AssertionError(f"{what} within {timeout} s")


def test_a_closed_or_left_page_releases_its_kernel(small_server: LiaServer, browser: Any,
                                                   external_requests: list[str]) -> None:
    from lia.pages.wizard import READY_MESSAGE

    server = small_server
    pools = PAGES  # one preheated kernel per page: wizard, portfolio, viewer, works council, access
    wait_until("the pools hold one kernel per page", lambda: kernels(server) == pools)
    for visit, leave in enumerate(("navigate away", "close the tab"), start=2):
        context, page = guarded_page(browser, external_requests)
        page.add_init_script(LOADING_RECORDER)
        kernel_id = open_wizard(page, server)
        if visit == 2:
            # the server's language (LIA_LANG=nb) from the first cell on, never Voila's English
            shown = page.evaluate("window.__liaLoading")
            assert any("Klargjør siden" in t for t in shown), shown
            assert not [t for t in shown if not t.startswith("(hidden)") and not t.startswith("Klargjør siden")], shown
        server.wait_for_log(READY_MESSAGE, count=visit, timeout=240)  # the pool refilled behind the visitor
        wait_until("the visitor's kernel and the refill both run", lambda: kernels(server) == pools + 1)
        if leave == "navigate away":
            page.goto("about:blank")
            still_open = page
        else:
            # as a reader closes the tab and keeps the browser (a browser that crashes or quits
            # at once is the culling test's case)
            still_open = context.new_page()
            page.close()
        # --cull-after 0: only the page's own request can shut its kernel down, and promptly
        wait_serving_routes(still_open, f"the kernel is released ({leave})",
                            lambda: kernels(server) == pools, timeout=60)
        assert f"Kernel shutdown: {kernel_id}" in server.log_path.read_text()
        context.close()
    assert "Culling" not in server.log_path.read_text()
    assert external_requests == []


def test_a_page_gone_without_a_word_is_culled(tmp_path: Path, browser: Any, browser_env: dict[str, str],
                                              external_requests: list[str]) -> None:
    """A browser that crashes sends nothing: the server culls the kernel that lost its page."""
    server = LiaServer(tmp_path, env=browser_env, log=OUTPUT / "lia-serve-cull.log",
                       args=["--wizard-pool-size", "1", "--pool-size", "1", "--cull-after", "5"]).start()
    try:
        ready_pools(server, 1)
        pools = PAGES
        wait_until("the pools hold one kernel per page", lambda: kernels(server) == pools)
        context, page = guarded_page(browser, external_requests)
        page.add_init_script("navigator.sendBeacon = () => true;")  # the page says nothing as it goes
        open_wizard(page, server)
        wait_until("the visitor's kernel and the refill both run", lambda: kernels(server) == pools + 1)
        time.sleep(8)  # longer than --cull-after: a kernel with its page still connected stays
        assert kernels(server) == pools + 1
        context.close()
        wait_until("the kernel without a page is culled", lambda: kernels(server) == pools, timeout=90)
        assert "Culling 'idle' kernel" in server.log_path.read_text()
    finally:
        server.stop()


@pytest.mark.parametrize("visitors,args", [
    (10, []),  # the defaults: ten wizard kernels for ten visitors within ten seconds (README: memory)
    (10, ["--lean-kernels"]),  # the same with kernels that leave the chart libraries for the first chart
], ids=["defaults-ten-visitors", "lean-ten-visitors"])
def test_visitors_arriving_together_each_find_a_warm_kernel(tmp_path: Path, browser: Any, browser_env: dict[str, str],
                                                             external_requests: list[str], visitors: int,
                                                             args: list[str]) -> None:
    """Visitors arriving a second apart never wait for a kernel to start.

    Each kernel logs when its page is preheated and waiting (with its id); every visitor's
    kernel must have been waiting before that visitor asked for the page. Before issue 12
    the second visitor took the refill that started 5 s after the first (6-11 s); with four
    wizard kernels, the fifth visitor one of the refills still starting.
    """
    from lia.pages.wizard import READY_MESSAGE

    from lia.serve import DEFAULT_WIZARD_POOL_SIZE

    pool = DEFAULT_WIZARD_POOL_SIZE
    server = LiaServer(tmp_path, env=browser_env, log=OUTPUT / f"lia-serve-visitors-{visitors}.log", args=args).start()
    contexts = []
    try:
        ready_pools(server, pool)
        time.sleep(3)
        asked: list[float] = []
        for _ in range(visitors):
            context, page = guarded_page(browser, external_requests)
            page.add_init_script(LOADING_RECORDER)
            contexts.append((context, page))
            asked.append(time.time())
            page.goto(server.url(), wait_until="commit")
            time.sleep(max(0.0, asked[0] + len(asked) - time.time()))  # one a second
        ids = []
        for _, page in contexts:
            page.wait_for_selector("body[data-lia-ready='true']", timeout=180_000)
            ids.append(page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"))
            assert not [t for t in page.evaluate("window.__liaLoading") if "Executing" in t]
        warm = {m.group(2): float(m.group(1)) for m in re.finditer(
            re.escape(READY_MESSAGE) + r" at ([0-9.]+) kernel ([0-9a-f-]+)", server.log_path.read_text())}
        late = [(i + 1, round(warm.get(k, float("inf")) - t, 1)) for i, (k, t) in enumerate(zip(ids, asked))
                if warm.get(k, float("inf")) > t]
        assert not late, f"visitors who waited for their kernel to warm up (visitor, seconds): {late}"
    finally:
        for context, _ in contexts:
            context.close()
        server.stop()
    assert external_requests == []


def test_the_author_is_remembered_for_the_session(tmp_path: Path, browser: Any, browser_env: dict[str, str],
                                                   external_requests: list[str]) -> None:
    """Issue 15 item 6: the name typed as author is back after a reload of the wizard, and saves under it."""
    import json

    server = LiaServer(tmp_path, env=browser_env, log=OUTPUT / "lia-serve-author.log",
                       args=["--wizard-pool-size", "1", "--pool-size", "1"]).start()
    context, page = guarded_page(browser, external_requests)
    try:
        ready_pools(server, 1)
        open_wizard(page, server)
        author = page.locator(".lia-author input")
        assert author.input_value() == ""
        author.fill("Eva Remembered")
        author.press("Tab")

        page.reload()
        page.wait_for_selector("body[data-lia-ready='true']", timeout=120_000)
        page.wait_for_function("document.querySelector('.lia-author input').value === 'Eva Remembered'",
                               timeout=30_000)

        # the page's kernel has the name too: a new assessment is saved under it without typing it again
        page.locator(".lia-new").click()
        page.locator(".lia-new-id input").fill("remembered")
        page.locator(".lia-new-title input").fill("Call recording")
        page.locator(".lia-new-title input").press("Tab")
        page.locator(".lia-jur-SE input").check()
        page.locator(".lia-create").click()
        field = page.locator(".lia-q-context-description textarea")
        field.fill("Inbound calls are recorded for coaching.")
        field.press("Tab")
        page.locator(".lia-message input").fill("First draft")
        page.locator(".lia-message input").press("Tab")
        page.locator(".lia-save").click()
        page.wait_for_selector(".lia-notice:has-text('Version 1')", timeout=60_000)
        saved = json.loads((tmp_path / "assessments" / "remembered" / "versions" / "0001.json").read_text())
        assert saved["author"] == "Eva Remembered"

        # another browser session (a new context) starts without it
        other_context, other = guarded_page(browser, external_requests)
        try:
            open_wizard(other, server)
            assert other.locator(".lia-author input").input_value() == ""
        finally:
            other_context.close()
    finally:
        context.close()
        server.stop()
    assert external_requests == []


def test_releasing_a_kernel_needs_the_pages_xsrf_token(small_server: LiaServer) -> None:
    """docs/security.md: the release endpoint shuts a kernel down only for a request carrying the
    page's ``_xsrf`` cookie and form field, so another site (or a guessed id) cannot end a visitor's kernel."""
    import http.cookiejar
    import json
    import urllib.error
    import urllib.parse
    import urllib.request

    server = small_server
    pools = PAGES
    wait_until("the pools hold one kernel per page", lambda: kernels(server) == pools)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(server.url("voila/render/wizard.ipynb"), timeout=240) as r:
        html = r.read().decode()
    config = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S)
    assert config is not None
    kernel_id = json.loads(config.group(1))["kernelId"]
    xsrf = next(c.value for c in jar if c.name == "_xsrf")  # the page handler set it
    wait_until("the visitor's kernel and the refill both run", lambda: kernels(server) == pools + 1, timeout=240)
    shutdown = server.url(f"voila/api/shutdown/{kernel_id}")

    for refused in (urllib.request.build_opener(), opener):  # no cookie at all; the cookie without the form field
        with pytest.raises(urllib.error.HTTPError) as err:
            refused.open(urllib.request.Request(shutdown, data=b"", method="POST"), timeout=30)
        assert err.value.code == 403
    time.sleep(2)
    assert kernels(server) == pools + 1, "a request without the page's xsrf token shut a kernel down"

    form = urllib.parse.urlencode({"_xsrf": xsrf}).encode()
    with opener.open(urllib.request.Request(shutdown, data=form, method="POST"), timeout=30) as r:
        assert r.status == 204
    wait_until("the kernel is released by the page's own request", lambda: kernels(server) == pools, timeout=60)


def test_the_wizards_charts_are_drawn_when_the_reader_comes_to_them(tmp_path: Path, browser: Any,
                                                                   browser_env: dict[str, str],
                                                                   external_requests: list[str]) -> None:
    """The side panel's first charts wait for the reader to scroll near them (lia.pages.wizard.charts_after_page).

    Nobody sees them on arrival (about 2600 px down), and ten visitors arriving together paid a fifth
    of their burst for them. A short line stands where they will be, in the page's language.
    """
    from lia.example import ensure_example
    from lia.workspace import Workspace

    _, aid = ensure_example(Workspace(tmp_path))
    server = LiaServer(tmp_path, env=browser_env, log=OUTPUT / "lia-serve-charts.log",
                       args=["--wizard-pool-size", "2", "--pool-size", "1"]).start()
    try:
        ready_pools(server, 2)
        for lang, text in (("en", "The charts are drawn when you get here."),
                           ("sv", "Diagrammen ritas när du kommer hit.")):
            context, page = guarded_page(browser, external_requests)
            open_wizard(page, server, f"?assessment={aid}&lang={lang}")
            page.wait_for_selector(".lia-question", timeout=60_000)
            anchor = page.locator(".lia-charts-anchor")
            expect(anchor).to_have_text(text, timeout=30_000)
            expect(anchor).not_to_be_in_viewport()
            page.wait_for_timeout(3_000)
            assert page.locator(".lia-chart svg").count() == 0, "charts drawn before the reader came near them"
            anchor.scroll_into_view_if_needed()
            # the page script asked for them (not the kernel's fallback, 20 s after the fetch)
            expect(page.locator("button.lia-charts-trigger")).to_have_attribute("data-lia-clicked", "true",
                                                                                timeout=5_000)
            page.wait_for_selector(".lia-chart svg", state="attached", timeout=30_000)
            expect(anchor).to_be_hidden()
            context.close()
    finally:
        server.stop()
    assert external_requests == []
