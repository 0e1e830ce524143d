"""Shared browser fixtures (issues 4 and 7): `lia serve` on a free port and an offline Chromium.

* :class:`LiaServer` starts ``lia serve`` in a subprocess on a workspace and
  stops it; :func:`free_port` finds a port.
* ``lia_server`` (session): one server for the whole session on the
  ``browser_workspace`` folder; a test module may override
  ``browser_workspace`` (session scope) to serve a prepared workspace, or
  start its own :class:`LiaServer`.
* ``browser`` (session): Playwright driving Debian's Chromium. Missing
  Chromium fails in CI (``CI=true``) and skips, with the reason, elsewhere.
* ``page`` (per test): a fresh context whose every request to a host other
  than 127.0.0.1/localhost is aborted and recorded; the test fails if the page
  tried any. ``external_requests`` lists them for assertions.
* :func:`screenshot` writes ``tests/output/screenshots/<name>.png``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "output" / "screenshots"
CHROMIUM = os.environ.get("LIA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
#: Questionnaire used by the served pages until the real ones are on main (see tests/wizard/fixtures).
WIZARD_TEMPLATES = ROOT / "tests" / "wizard" / "fixtures" / "templates"

__all__ = ["LiaServer", "free_port", "screenshot", "is_local", "CHROMIUM", "CHROMIUM_ARGS"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def is_local(url: str) -> bool:
    """True for URLs that stay on this machine (127.0.0.1, localhost, data:, blob:, about:)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-error"):
        return True
    host = parts.hostname or ""
    return host in LOCAL_HOSTS or f"[{host}]" in LOCAL_HOSTS


class LiaServer:
    """``lia serve`` in a subprocess: ``start()``, ``url(path)``, ``stop()``."""

    def __init__(self, home: Path, port: int | None = None, env: dict[str, str] | None = None,
                 args: list[str] | None = None, log: Path | None = None) -> None:
        self.home = Path(home)
        self.port = port or free_port()
        self.env = dict(env or {})
        # Without args: the pools the browser tests were written against (four wizard kernels, refills
        # after 0.5 s) rather than lia serve's defaults for ten visitors (ten kernels), which would
        # start 14 kernels per server on a CI machine; args=[] serves the real defaults.
        self.args = list(args) if args is not None else ["--wizard-pool-size", "4", "--refill-delay", "0.5"]
        self.log_path = log or (ROOT / "tests" / "output" / f"lia-serve-{self.port}.log")
        self.proc: subprocess.Popen | None = None

    def url(self, path: str = "") -> str:
        """Address of *path* on this server."""
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def start(self, timeout: float = 90) -> "LiaServer":
        """Start the server and wait until it answers HTTP."""
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT / "lib") + os.pathsep + env.get("PYTHONPATH", "")
        env.pop("LIA_AUTHOR", None)
        env.update(self.env)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lia", "--home", str(self.home), "serve", "--port", str(self.port),
             "--no-token", "--no-browser", *self.args],
            stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=str(ROOT),
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"lia serve exited with {self.proc.returncode}:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url("voila/tree"), timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"lia serve did not answer within {timeout} s; log: {self.log_path}")

    def wait_for_log(self, needle: str, count: int = 1, timeout: float = 90) -> None:
        """Wait until *needle* appears *count* times in the server's log.

        ``lia.pages.wizard.READY_MESSAGE`` is logged by each preheated wizard kernel
        once its page is built and waits for a visitor.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log_path.read_text(errors="replace").count(needle) >= count:
                return
            time.sleep(0.2)
        raise RuntimeError(f"{needle!r} did not appear {count} time(s) within {timeout} s; log: {self.log_path}")

    def wait_for_pool(self, notebook: str = "wizard.ipynb", timeout: float = 120) -> None:
        """Wait until Voila says the preheated kernel pool of *notebook* is filled."""
        self.wait_for_log(f"Kernel pool of {notebook} is filled", timeout=timeout)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and its kernels."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if getattr(self, "_log", None):
            self._log.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as tests/output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Voila scrolls inside the page, so grow the viewport to the content for a whole-page picture
    size = page.viewport_size or {"width": 1440, "height": 1000}
    height = page.evaluate(
        "Math.max(document.body.scrollHeight, ...[...document.querySelectorAll('.lia-app, #rendered_cells')]"
        ".map(e => e.scrollHeight + e.getBoundingClientRect().top))"
    )
    page.set_viewport_size({"width": size["width"], "height": int(min(max(height + 40, size["height"]), 6000))})
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path


@pytest.fixture(scope="session")
def browser_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workspace the session's server serves (empty). Override to serve a prepared one."""
    return tmp_path_factory.mktemp("browser-ws")


@pytest.fixture(scope="session")
def browser_env() -> dict[str, str]:
    """Extra environment for the session's server; the real questionnaires when present, else the wizard's fixture."""
    if (ROOT / "templates" / "questionnaires").is_dir():
        return {}
    return {"LIA_TEMPLATES": str(WIZARD_TEMPLATES)}


@pytest.fixture(scope="session")
def lia_server(browser_workspace: Path, browser_env: dict[str, str]) -> Iterator[LiaServer]:
    """`lia serve` on a free port, started once per session and stopped at its end."""
    server = LiaServer(browser_workspace, env=browser_env).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (the system's) through Playwright.

    Module scope: Playwright's sync API keeps an asyncio loop running on this thread while
    it is open, which would stop later tests in the same process from using it themselves.
    """
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}; install Debian's chromium package (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " - browser tests must run in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def external_requests() -> list[str]:
    """Requests the page tried to send to other hosts (filled by ``page``)."""
    return []


def guarded_page(browser: Any, external_requests: list[str], **context_args: Any) -> tuple[Any, Any]:
    """A new context and page that block and record every non-local request, with CI-sized timeouts.

    Returns ``(context, page)``; the caller closes the context. Every browser test opens its
    pages through here, so none can wait on Playwright's 30 s default while a shared CI machine
    is still preheating kernels.
    """
    context_args.setdefault("viewport", {"width": 1440, "height": 1000})
    context_args.setdefault("locale", "en-GB")
    context = browser.new_context(**context_args)

    def route(r: Any) -> None:
        url = r.request.url
        if is_local(url):
            r.continue_()
        else:
            external_requests.append(url)
            r.abort()

    context.route("**/*", route)
    context.set_default_timeout(90_000)  # generous: CI machines are shared; speed is measured in bench/, not here
    context.set_default_navigation_timeout(120_000)
    pg = context.new_page()
    pg.on("websocket", lambda ws: None if is_local(ws.url) else external_requests.append(ws.url))
    return context, pg


@pytest.fixture
def page(browser: Any, external_requests: list[str]) -> Iterator[Any]:
    """A page in a fresh context that blocks and records every non-local request; fails the test if there was one."""
    context, pg = guarded_page(browser, external_requests)
    try:
        yield pg
    finally:
        context.close()
    if external_requests:
        pytest.fail(f"the page tried to load {len(external_requests)} resource(s) from other hosts: {external_requests[:10]}")
