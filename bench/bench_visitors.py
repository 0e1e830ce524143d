"""Ten visitors within ten seconds: time to interactive, kernels and memory of `lia serve`.

Issue 12, items 4 and 5. In one run, for `lia serve` with its defaults and, as the baseline,
with the old settings (one preheated kernel per page, a 5 s refill delay, no release of
kernels), on the same workspace:

* ten headless Chromium contexts (fresh profiles, the system's Chromium) open the wizard
  - the landing page, where visitors arrive together - one second apart, and each one's
  time from navigation start to its first question being interactive (visible, enabled,
  connected to its kernel) is noted by the page itself (INTERACTIVE_PROBE: a MutationObserver,
  not Playwright polling on every frame);
* the server's kernel count and memory (RSS of the server and all its kernels, psutil)
  before the visitors, the highest while they are on the page, and 5 s and a minute after
  the ten tabs are closed; each idle kernel's RSS and USS (its private memory).

Targets: every page interactive in under 2 s; a minute after the tabs close, the kernels are
back to the pools' size (wizard pool + one per other page). Prints both runs and the ratio of
the slowest visitor's time (baseline / defaults); writes bench/output/bench_visitors.json.
The machine's other load shows in the figures: run it on a quiet machine for numbers to quote.

With ``--profile N`` it measures instead what ONE visitor costs on a warm, idle server (N visits,
one at a time): the CPU seconds (psutil) of the Chromium processes by type, the Voila server and the
visitor's kernel from navigation to interactive and in the 4 s after (the charts), the page's
timeline (responseStart, DOMContentLoaded, and the page script's marks lia:start, lia:connected,
lia:states, lia:shown, lia:interactive), the bytes of JS/CSS, and the widget models the page
receives (the kernel websocket's messages; the update_states reply's models and bytes). Ten
pages in ten seconds on two cores leave under 2 CPU-seconds per page for everything.

Run: PYTHONPATH=lib python bench/bench_visitors.py [--visitors 10] [--spread 10] [--no-baseline] [--strict]
     [--serve-args=--lean-kernels] [--profile N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

READY_MESSAGE_ = "wizard page preheated"
from bench_wizard import ARGS, CHROMIUM, FIRST_QUESTION, free_port, start, stop, wait_http, wait_log  # noqa: E402

#: The settings `lia serve` had before issue 12 (the baseline).
BASELINE_ARGS = ["--wizard-pool-size", "1", "--pool-size", "1", "--refill-delay", "5", "--cull-after", "0"]
READY_PAGES = ("portfolio page preheated", "viewer page preheated", "works-council page preheated")


def kernel_stats(pid: int, private: bool = False) -> dict[str, Any]:
    """Kernel processes of the server *pid* and the RSS of the server and its kernels (MB).

    With *private*, also each kernel's USS (memory no other process shares: what one more
    kernel costs; RSS counts the shared libraries in every kernel again).
    """
    import psutil

    try:
        server = psutil.Process(pid)
        procs = [server] + server.children(recursive=True)
    except psutil.NoSuchProcess:
        return {"kernels": 0, "rss_mb": 0.0, "kernel_rss_mb": [], "kernel_uss_mb": []}
    kernels, total, uss = [], 0, []
    for p in procs:
        try:
            rss = p.memory_info().rss
            is_kernel = "ipykernel_launcher" in " ".join(p.cmdline())
        except psutil.Error:
            continue
        total += rss
        if is_kernel:
            kernels.append(round(rss / 2**20, 1))
            if private:
                try:
                    uss.append(round(p.memory_full_info().uss / 2**20, 1))
                except psutil.Error:
                    pass
    return {"kernels": len(kernels), "rss_mb": round(total / 2**20, 1), "kernel_rss_mb": kernels, "kernel_uss_mb": uss}


class Sampler(threading.Thread):
    """Samples :func:`kernel_stats` every half second; keeps the highest kernel count and RSS."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kernels, self.peak_rss = pid, 0, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            s = kernel_stats(self.pid)
            self.peak_kernels = max(self.peak_kernels, s["kernels"])
            self.peak_rss = max(self.peak_rss, s["rss_mb"])
            self.done.wait(0.5)


#: Notes, in the page, when its first question is visible and enabled (window.__liaInteractive, ms since
#: navigation start): a MutationObserver looks when the page changes. Polling for it from Playwright on
#: every animation frame (wait_for_selector/wait_for_function) made each of the ten pages draw 60 frames a
#: second while loading - CPU that a real visitor's browser does not spend and that the ten pages and the
#: server then competed for on the bench's two cores.
INTERACTIVE_PROBE = """
(() => {
  const selector = %s;
  const check = () => {
    if (window.__liaInteractive) return true;
    const e = document.querySelector(selector);
    if (!e || e.disabled || e.getClientRects().length === 0) return false;
    window.__liaInteractive = performance.now();
    performance.mark('lia:interactive');
    return true;
  };
  const watch = () => {
    if (check()) return;
    const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
    observer.observe(document.documentElement, {subtree: true, childList: true, attributes: true});
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch);
  else watch();
})();
""" % json.dumps(FIRST_QUESTION)


async def interactive_after(page: Any, timeout_ms: int = 180_000) -> float:
    """Seconds from the page's navigation start to its first question interactive (INTERACTIVE_PROBE)."""
    handle = await page.wait_for_function("window.__liaInteractive", polling=100, timeout=timeout_ms)
    return float(await handle.json_value()) / 1000.0


async def visit(browser: Any, url: str, delay: float) -> tuple[float, Any]:
    """After *delay*, open *url* in a fresh context; seconds to the first question interactive."""
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    await context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("http://127.0.0.1", "data:"))
                        else r.abort())
    await context.add_init_script(INTERACTIVE_PROBE)
    page = await context.new_page()
    try:
        await page.goto(url, wait_until="commit", timeout=180_000)
        elapsed = await interactive_after(page)
    except Exception as exc:  # a page that never became interactive counts as such, it does not end the run
        print(f"  a visitor's page did not become interactive: {str(exc).splitlines()[0]}", flush=True)
        return float("inf"), context
    return elapsed, context


def measure(label: str, home: Path, aid: str, serve_args: list[str], visitors: int, spread: float,
            pool_total: int, wizard_pool: int, after: float) -> dict[str, Any]:
    """One server: the burst of visitors, then the tabs closed and the kernels counted again."""
    from lia.pages.wizard import READY_MESSAGE

    out_dir = ROOT / "bench" / "output"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "lib") + os.pathsep + env.get("PYTHONPATH", "")
    env["LIA_HOME"] = str(home)
    env.pop("LIA_AUTHOR", None)
    env.pop("LIA_TEMPLATES", None)
    port = free_port()
    log = out_dir / f"bench-visitors-{label}.log"
    proc = start([sys.executable, "-m", "lia", "--home", str(home), "serve", "--port", str(port), "--no-token",
                  "--no-browser", *serve_args], env, log)
    url = f"http://127.0.0.1:{port}/?assessment={aid}"

    async def scenario() -> dict[str, Any]:
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            before = kernel_stats(proc.pid, private=True)
            sampler = Sampler(proc.pid)
            sampler.start()
            step = spread / visitors
            results = await asyncio.gather(*(visit(browser, url, i * step) for i in range(visitors)))
            await asyncio.sleep(1.0)
            during = kernel_stats(proc.pid)
            sampler.done.set()
            # the tabs close with the browser still running, as readers close theirs: each page's
            # release request passes the route above (served on this loop) before the browser goes
            for _, context in results:
                for page in context.pages:
                    await page.close()
            await asyncio.sleep(2.0)
            for _, context in results:
                await context.close()
            await browser.close()
        await asyncio.sleep(5.0)
        after_5 = kernel_stats(proc.pid)
        await asyncio.sleep(max(0.0, after - 5.0))
        after_n = kernel_stats(proc.pid)
        return {"times": [round(r[0], 3) for r in results], "before": before, "during": during,
                "peak_kernels": max(sampler.peak_kernels, during["kernels"]),
                "peak_rss_mb": max(sampler.peak_rss, during["rss_mb"]), "after_5s": after_5, "after": after_n}

    try:
        wait_http(f"http://127.0.0.1:{port}/voila/tree")
        wait_log(log, READY_MESSAGE, wizard_pool, timeout=300)
        for other in READY_PAGES:
            wait_log(log, other, 1, timeout=300)
        time.sleep(3.0)  # the last kernels' start-up settles before the visitors come
        result = asyncio.run(scenario())
    finally:
        stop(proc)
    result["pool_size"] = pool_total
    return result


def _ws_message(payload: Any) -> tuple[str, str, dict[str, Any], int]:
    """(channel, msg_type, content, size) of one kernel websocket frame (JSON or the v1 binary protocol)."""
    size = len(payload)
    try:
        if isinstance(payload, (bytes, bytearray)):
            n = int.from_bytes(payload[:8], "little")
            offs = [int.from_bytes(payload[8 * (i + 1):8 * (i + 2)], "little") for i in range(n)]
            offs.append(size)
            channel = payload[offs[0]:offs[1]].decode()
            header = json.loads(payload[offs[1]:offs[2]])
            content = json.loads(payload[offs[4]:offs[5]])
            return channel, header.get("msg_type", ""), content, size
        msg = json.loads(payload)
        return msg.get("channel", ""), msg.get("header", {}).get("msg_type", ""), msg.get("content", {}), size
    except Exception:
        return "", "?", {}, size


def _cpu(procs: dict[int, Any]) -> dict[int, float]:
    out = {}
    for pid, p in procs.items():
        try:
            t = p.cpu_times()
            out[pid] = t.user + t.system
        except Exception:
            pass
    return out


def profile_one(home: Path, aid: str, serve_args: list[str], repeats: int, query: str = "") -> dict[str, Any]:
    """One visitor at a time on a warm, otherwise idle server: CPU seconds per process, the page's timeline."""
    import psutil

    out_dir = ROOT / "bench" / "output"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "lib") + os.pathsep + env.get("PYTHONPATH", "")
    env["LIA_HOME"] = str(home)
    env.pop("LIA_AUTHOR", None)
    env.pop("LIA_TEMPLATES", None)
    port = free_port()
    log = out_dir / "bench-visitors-profile.log"
    pool = ["--wizard-pool-size", "2"]
    proc = start([sys.executable, "-m", "lia", "--home", str(home), "serve", "--port", str(port), "--no-token",
                  "--no-browser", *pool, *serve_args], env, log)
    url = f"http://127.0.0.1:{port}/?" + (query or f"assessment={aid}")
    me = psutil.Process()

    def groups() -> dict[str, dict[int, Any]]:
        g: dict[str, dict[int, Any]] = {"browser": {}, "server": {}, "kernels": {}}
        try:
            server = psutil.Process(proc.pid)
            g["server"][server.pid] = server
            for k in server.children(recursive=True):
                g["kernels"][k.pid] = k
        except psutil.Error:
            pass
        for c in me.children(recursive=True):
            try:
                if "chrom" in c.name().lower() or "headless" in c.name().lower():
                    g["browser"][c.pid] = c
            except psutil.Error:
                pass
        return g

    async def scenario() -> list[dict[str, Any]]:
        from playwright.async_api import async_playwright

        runs = []
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            for i in range(repeats + 1):  # the first is thrown away (the browser's own first start)
                wait_log(log, "wizard page preheated", 2 + i, timeout=300)
                await asyncio.sleep(3.0)
                context = await browser.new_context(viewport={"width": 1440, "height": 1000})
                await context.route("**/*", lambda r: r.continue_()
                                    if r.request.url.startswith(("http://127.0.0.1", "data:")) else r.abort())
                await context.add_init_script(INTERACTIVE_PROBE)
                page = await context.new_page()
                frames: list[tuple[str, str, dict[str, Any], int]] = []
                page.on("websocket", lambda ws, frames=frames: ws.on("framereceived",
                                                                     lambda p: frames.append(_ws_message(p))))
                cdp = await context.new_cdp_session(page)
                await cdp.send("Performance.enable")
                g0 = groups()
                c0 = {k: _cpu(v) for k, v in g0.items()}
                await page.goto(url, wait_until="commit", timeout=180_000)
                if query:  # a page without an assessment: ready once the chooser shows
                    t0 = time.perf_counter()
                    await page.wait_for_selector(".lia-chooser select", timeout=180_000)
                    wall = time.perf_counter() - t0
                else:
                    wall = await interactive_after(page)
                g1 = groups()
                c1 = {k: _cpu(v) for k, v in g1.items()}
                metrics = {m["name"]: m["value"] for m in (await cdp.send("Performance.getMetrics"))["metrics"]}
                renderer = {k: round(metrics.get(k, 0.0), 3) for k in
                            ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "Nodes",
                             "LayoutCount", "RecalcStyleCount", "JSHeapUsedSize")}
                cpu = {}
                for k in g1:
                    deltas = {pid: c1[k].get(pid, 0.0) - c0[k].get(pid, 0.0) for pid in c1[k]}
                    cpu[k] = round(sum(deltas.values()), 3)
                    if k == "kernels":
                        cpu["visitor_kernel"] = round(max(deltas.values(), default=0.0), 3)
                    if k == "browser":  # by Chromium process type: the browser itself, renderer, gpu, utility
                        for pid, d in deltas.items():
                            try:
                                kind = next((a[7:] for a in g1[k][pid].cmdline() if a.startswith("--type=")), "main")
                            except psutil.Error:
                                continue
                            cpu["browser_" + kind] = round(cpu.get("browser_" + kind, 0.0) + d, 3)
                timeline = await page.evaluate("""() => {
                  const n = performance.getEntriesByType('navigation')[0];
                  const m = {};
                  for (const e of performance.getEntriesByType('mark')) m[e.name] = Math.round(e.startTime);
                  const res = performance.getEntriesByType('resource');
                  const by = {};
                  for (const r of res) { const k = r.name.split('?')[0].split('.').pop();
                    by[k] = (by[k] || 0) + (r.decodedBodySize || 0); }
                  const paint = performance.getEntriesByType('paint').map(p => [p.name, Math.round(p.startTime)]);
                  return {responseStart: Math.round(n.responseStart), responseEnd: Math.round(n.responseEnd),
                          html_bytes: n.decodedBodySize, domContentLoaded: Math.round(n.domContentLoadedEventEnd),
                          marks: m, resource_bytes: by, paint: paint};
                }""")
                types: dict[str, int] = {}
                states = 0
                state_bytes = 0
                for channel, mtype, content, size in frames:
                    types[mtype] = types.get(mtype, 0) + 1
                    data = content.get("data", {}) if isinstance(content, dict) else {}
                    if mtype == "comm_msg" and isinstance(data, dict) and data.get("method") == "update_states":
                        states += len(data.get("states", {}))
                        state_bytes += size
                await asyncio.sleep(4.0)  # what the page still costs after it is interactive (charts)
                c2 = {k: _cpu(v) for k, v in g1.items()}
                later_cpu = {k: round(sum(c2[k].get(pid, 0.0) - c1[k].get(pid, 0.0) for pid in c2[k]), 3) for k in c2}
                runs.append({"wall_s": round(wall, 3), "cpu_s": cpu, "cpu_next_4s": later_cpu, "renderer": renderer, "timeline_ms": timeline,
                             "ws_frames": len(frames), "ws_bytes": sum(f[3] for f in frames), "msg_types": types,
                             "widget_states": states, "state_reply_bytes": state_bytes})
                await page.close()
                await context.close()
            await browser.close()
        return runs[1:]

    try:
        wait_http(f"http://127.0.0.1:{port}/voila/tree")
        wait_log(log, READY_MESSAGE_, 2, timeout=300)
        for other in READY_PAGES:
            wait_log(log, other, 1, timeout=300)
        time.sleep(3.0)
        return {"runs": asyncio.run(scenario())}
    finally:
        stop(proc)


def summary(label: str, r: dict[str, Any], after: float) -> str:
    kr, ku = r["before"]["kernel_rss_mb"], r["before"].get("kernel_uss_mb") or []
    per_kernel = (f"{statistics.median(kr):.0f} MB" if kr else "-") + (f", USS {statistics.median(ku):.0f} MB" if ku else "")
    return (f"  {label:<9} slowest {max(r['times']):5.2f} s  median {statistics.median(r['times']):5.2f} s  "
            f"under 2 s: {sum(t < 2.0 for t in r['times'])}/{len(r['times'])}\n"
            f"            times  {' '.join(f'{t:.2f}' for t in r['times'])}\n"
            f"            kernels/RSS before {r['before']['kernels']:2d} / {r['before']['rss_mb']:6.0f} MB   "
            f"during (peak) {r['peak_kernels']:2d} / {r['peak_rss_mb']:6.0f} MB   "
            f"5 s after {r['after_5s']['kernels']:2d} / {r['after_5s']['rss_mb']:6.0f} MB   "
            f"{after:.0f} s after {r['after']['kernels']:2d} / {r['after']['rss_mb']:6.0f} MB   "
            f"(pools: {r['pool_size']}; median kernel RSS when idle {per_kernel})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--visitors", type=int, default=10, help="visitors (default 10)")
    ap.add_argument("--spread", type=float, default=10.0, help="seconds over which they arrive (default 10)")
    ap.add_argument("--after", type=float, default=60.0, help="seconds after the tabs close to count kernels again")
    ap.add_argument("--no-baseline", action="store_true", help="skip the run with the old settings")
    ap.add_argument("--serve-args", default="",
                    help="extra `lia serve` options for the measured run (with an = sign: --serve-args=--lean-kernels)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="instead: N single visits on a warm, idle server; CPU seconds of the browser, the server "
                         "and the kernels from navigation to interactive, the page's timeline, widget messages")
    ap.add_argument("--query", default="", help="with --profile: the page's query (default assessment=<the example>)")
    args = ap.parse_args()

    from lia.example import ensure_example
    from lia.serve import DEFAULT_POOL_SIZE, DEFAULT_WIZARD_POOL_SIZE, default_notebooks_dir
    from lia.workspace import Workspace

    (ROOT / "bench" / "output").mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="lia-bench-visitors-"))
    _, aid = ensure_example(Workspace(home))
    extra = args.serve_args.split()
    wizard_pool = int(extra[extra.index("--wizard-pool-size") + 1]) if "--wizard-pool-size" in extra \
        else DEFAULT_WIZARD_POOL_SIZE
    other_pool = int(extra[extra.index("--pool-size") + 1]) if "--pool-size" in extra else DEFAULT_POOL_SIZE
    others = len(list(Path(default_notebooks_dir()).glob("*.ipynb"))) - 1  # one pool per page besides the wizard
    if args.profile:
        prof = profile_one(home, aid, extra, args.profile, args.query)
        print(f"one visitor at a time, warm server ({' '.join(extra) or 'defaults'}); "
              f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        for r in prof["runs"]:
            print(json.dumps(r))
        keys = ("browser", "server", "kernels", "visitor_kernel")
        print("median CPU s: " + "  ".join(f"{k} {statistics.median(r['cpu_s'][k] for r in prof['runs']):.2f}"
                                          for k in keys)
              + f"  wall {statistics.median(r['wall_s'] for r in prof['runs']):.2f} s")
        (ROOT / "bench" / "output" / "bench_visitors_profile.json").write_text(json.dumps(prof, indent=2))
        return 0
    runs: dict[str, Any] = {}
    runs["defaults"] = measure("defaults", home, aid, extra, args.visitors, args.spread,
                               wizard_pool + others * other_pool, wizard_pool, args.after)
    if not args.no_baseline:
        runs["baseline"] = measure("baseline", home, aid, BASELINE_ARGS, args.visitors, args.spread, 1 + others, 1,
                                   args.after)

    d = runs["defaults"]
    ok_time = max(d["times"]) < 2.0
    ok_kernels = d["after"]["kernels"] <= d["pool_size"]
    print(f"{args.visitors} visitors opening the wizard within {args.spread:.0f} s (fresh Chromium profiles; "
          f"target: each interactive < 2 s, kernels back to the pools' size {args.after:.0f} s after the tabs close)")
    print(f"  load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    for label, r in runs.items():
        print(summary(label, r, args.after))
    if "baseline" in runs:
        b = runs["baseline"]
        print(f"  ratio (baseline / defaults): slowest {max(b['times']) / max(d['times']):.1f}x, "
              f"median {statistics.median(b['times']) / statistics.median(d['times']):.1f}x")
    print(f"  every page < 2 s: {'met' if ok_time else 'MISSED'};  kernels back to {d['pool_size']}: "
          f"{'met' if ok_kernels else 'MISSED'} ({d['after']['kernels']})")
    (ROOT / "bench" / "output" / "bench_visitors.json").write_text(json.dumps(
        {"visitors": args.visitors, "spread_s": args.spread, "after_s": args.after, "runs": runs,
         "loadavg": os.getloadavg(), "targets": {"interactive_s": 2.0}}, indent=2, default=str))
    return 1 if (args.strict and not (ok_time and ok_kernels)) else 0


if __name__ == "__main__":
    raise SystemExit(main())
