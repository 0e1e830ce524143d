"""Benchmark: the portfolio page with 500 assessments against 10, through `lia serve` and headless Chromium.

Target (issue 7): with 500 generated assessments the portfolio page is interactive in
under 3 s. "Interactive" = from navigation start until the table shows its rows and the
filters can be used (a <select> of the page is enabled), measured in the same run for a
workspace of 10 assessments as the baseline; the ratio is printed.

Every assessment gets a report: one real report is rendered and signed, then copied
(cheaply) to every other assessment; one in ten copies is tampered with and one in ten
left unsigned, so the verification paths are all exercised. The page runs in preheated
kernels, which fill the workspace's cache before the request (``warm_up``); the
benchmark also prints the in-process cost of a cold collect (no cache) and a warm one.

Run: PYTHONPATH=lib python bench/bench_portfolio.py [--n 500] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))
# kernels (report rendering, lia serve) must import the same library
os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT / "lib")] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
CHROMIUM = os.environ.get("LIA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TARGET_S = 3.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def reference_report(base: Path) -> tuple[Path, Path]:
    """Render and sign one real report; returns (report folder, keys folder)."""
    from lia.dashboards.demo import DEMO_PASSPHRASE, SIGNERS, generate
    from lia.reports.render import render
    from lia.reports.keylog import new_key
    from lia.reports.keys import load_private_key
    from lia.reports.signing import sign_report
    from lia.workspace import Workspace

    home = base / "reference"
    home.mkdir()
    os.environ["XDG_CONFIG_HOME"] = str(base / "config")  # the key log's root is pinned here, not in ~/.config
    ws = Workspace(home)
    aid = generate(ws, 1, prefix="ref")[0]
    d = render(ws, aid, engine="nbclient")
    root = None
    for name, role in SIGNERS:
        k = new_key(ws, name, role, home / "keys" / "private", DEMO_PASSPHRASE, signed_by=root)
        root = root or load_private_key(Path(k["private_key"]), DEMO_PASSPHRASE)
        sign_report(ws, d, Path(k["private_key"]), DEMO_PASSPHRASE)
    return d, home / "keys"


def build_workspace(base: Path, n: int, report: Path, keys: Path) -> Path:
    from lia.dashboards.demo import copy_report, generate

    home = base / f"ws-{n}"
    home.mkdir()
    shutil.copytree(keys, home / "keys")
    for i, aid in enumerate(generate(home, n, prefix="cc")):
        dest = home / "reports" / aid / report.name
        copy_report(report, dest)
        if i % 10 == 3:  # tampered
            html = dest / "report.html"
            html.write_bytes(html.read_bytes().replace(b"</body>", b"<!-- edited --></body>", 1))
        elif i % 10 == 7:  # unsigned
            for f in ("statement.dsse.json", "signatures.json"):
                (dest / f).unlink(missing_ok=True)
    return home


def collect_times(home: Path) -> tuple[float, float]:
    """In-process: collect without cache, then with the (then filled) cache."""
    from lia.dashboards.portfolio import collect

    shutil.rmtree(home / ".lia-cache", ignore_errors=True)
    t0 = time.perf_counter()
    collect(home)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    collect(home)
    return cold, time.perf_counter() - t0


class Server:
    """`lia serve` in a subprocess."""

    def __init__(self, home: Path, log: Path) -> None:
        self.port = free_port()
        self.log = log
        env = dict(os.environ, PYTHONPATH=str(ROOT / "lib") + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.fh = open(log, "w")
        self.proc = subprocess.Popen([sys.executable, "-m", "lia", "--home", str(home), "serve", "--port", str(self.port),
                                      "--no-token", "--no-browser"], stdout=self.fh, stderr=subprocess.STDOUT, env=env,
                                     cwd=str(ROOT))

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def wait_pool(self, filled_before: int, timeout: float = 600) -> int:
        """Wait until the portfolio's kernel pool was filled more often than ``filled_before``."""
        needle = "Kernel pool of portfolio.ipynb is filled"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"lia serve exited: {self.log.read_text()[-2000:]}")
            count = self.log.read_text(errors="replace").count(needle)
            if count > filled_before:
                return count
            time.sleep(0.2)
        raise RuntimeError(f"the portfolio's kernel pool was not filled within {timeout} s; see {self.log}")

    def wait_kernels_idle(self, timeout: float = 600) -> None:
        """Wait until every kernel of the server is idle: a preheated kernel has then run the
        notebook up to ``wait_for_request`` (Voila logs "pool filled" when it *starts* a kernel)."""
        import psutil

        deadline = time.monotonic() + timeout
        quiet = 0
        while time.monotonic() < deadline:
            kernels = [c for c in psutil.Process(self.proc.pid).children(recursive=True)
                       if "ipykernel" in " ".join(c.cmdline())]
            for k in kernels:
                k.cpu_percent(None)
            time.sleep(0.5)
            busy = [k for k in kernels if k.is_running() and k.cpu_percent(None) > 5.0]
            quiet = quiet + 1 if kernels and not busy else 0
            if quiet >= 3:
                return
        raise RuntimeError(f"the kernels did not become idle within {timeout} s")

    def start(self) -> "Server":
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("voila/tree"), timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("lia serve did not answer")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.fh.close()


def measure(browser: object, home: Path, runs: int, logdir: Path) -> list[float]:
    """Seconds from navigation to an interactive portfolio, once per preheated kernel."""
    server = Server(home, logdir / f"serve-{home.name}.log").start()
    times = []
    try:
        filled = server.wait_pool(0)
        server.wait_kernels_idle()
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            external: list[str] = []

            def route(r: object) -> None:
                host = r.request.url.split("/")[2] if "://" in r.request.url else ""
                if r.request.url.startswith(("data:", "blob:")) or host.split(":")[0] in ("127.0.0.1", "localhost"):
                    r.continue_()
                else:
                    external.append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            t0 = time.perf_counter()
            page.goto(server.url("voila/render/portfolio.ipynb"))
            page.wait_for_selector(".lia-portfolio-table tr.lia-row", timeout=120_000)
            page.wait_for_selector(".lia-filter-state select:not([disabled])", timeout=120_000)
            times.append(time.perf_counter() - t0)
            if external:
                raise RuntimeError(f"the page tried to load from other hosts: {external[:5]}")
            rows = page.locator("tr.lia-row").count()
            assert rows > 0
            context.close()
            filled = server.wait_pool(filled)  # a fresh preheated kernel for the next run
            server.wait_kernels_idle()
    finally:
        server.stop()
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--base", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the generated workspaces")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-portfolio-"))
    try:
        t0 = time.perf_counter()
        report, keys = reference_report(tmp)
        small = build_workspace(tmp, args.base, report, keys)
        big = build_workspace(tmp, args.n, report, keys)
        print(f"setup: {args.base} and {args.n} assessments with reports in {time.perf_counter() - t0:.0f} s")
        for home, n in ((small, args.base), (big, args.n)):
            cold, warm = collect_times(home)
            print(f"collect() in-process, {n:>4} assessments: cold (no cache) {cold:6.2f} s, warm {warm:6.3f} s")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                base_times = measure(browser, small, args.runs, tmp)
                big_times = measure(browser, big, args.runs, tmp)
            finally:
                browser.close()
        b, g = statistics.median(base_times), statistics.median(big_times)
        print(f"portfolio interactive, {args.base:>4} assessments: median {b:.2f} s  (runs: {', '.join(f'{x:.2f}' for x in base_times)})")
        print(f"portfolio interactive, {args.n:>4} assessments: median {g:.2f} s  (runs: {', '.join(f'{x:.2f}' for x in big_times)})")
        print(f"ratio {args.n}/{args.base}: {g / b:.2f}x; target < {TARGET_S:.0f} s: {'met' if g < TARGET_S else 'NOT met'}")
        return 0 if g < TARGET_S else 1
    finally:
        if args.keep:
            print(f"workspaces kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
