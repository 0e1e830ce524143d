"""Where the code runs: inside a Jupyter kernel (Voila, JupyterLab) or plain Python.

Pages defer slow work (charts, verification) until after the kernel has answered
the current request, using the kernel's event loop. Outside a kernel - tests,
the CLI - the same work runs at once. Another library's running loop (e.g.
Playwright's sync API in a test process) must not be mistaken for a kernel.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["in_kernel", "kernel_loop", "later", "serve_request", "safe_kernel_environment", "warm_charts",
           "PAGE_LOAD_GRACE", "LEAN_ENV"]

#: Seconds to hold back costly but secondary work (charts) after a page request: the browser
#: needs the CPU and the kernel's answers to build the page first (2 cores are shared by both).
PAGE_LOAD_GRACE = 1.5
#: Set to "1" by ``lia serve --lean-kernels``: preheated kernels leave the chart libraries unloaded.
LEAN_ENV = "LIA_LEAN_KERNELS"


def warm_charts(env: Mapping[str, str] | None = None) -> bool:
    """Whether a preheated kernel loads the chart libraries (Altair, vl-convert) before its visitor comes.

    They are about 90 MB of a wizard kernel's ~200 MB and 2-3 s of its preheating CPU; a page
    needs them only for its first chart, which it draws after the page is interactive.
    ``lia serve --lean-kernels`` (``LIA_LEAN_KERNELS=1``) leaves them until then.
    """
    return (os.environ if env is None else env).get(LEAN_ENV, "") != "1"


def safe_kernel_environment(env: Mapping[str, str]) -> dict[str, str]:
    """*env* for starting a kernel whose imports the working folder cannot hijack.

    A kernel is started as ``python -m ipykernel_launcher``; Python puts the working folder
    first on ``sys.path`` for ``-m``, so an ``ipykernel_launcher.py`` (or ``pandas.py``,
    ``lia.py``) in that folder - a workspace anyone with file access can write to - would
    run instead, inside the workbench. ``PYTHONSAFEPATH=1`` (Python 3.11+) leaves the
    working folder off ``sys.path``; relative ``PYTHONPATH`` entries (``.``, ``lib``) would
    bring it back through the working folder, so they are dropped. Every kernel the
    workbench starts (Voila's pages, the papermill engine) gets its environment from here.
    """
    out = dict(env)
    out["PYTHONSAFEPATH"] = "1"
    entries = [p for p in out.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.isabs(p)]
    if entries:
        out["PYTHONPATH"] = os.pathsep.join(entries)
    else:
        out.pop("PYTHONPATH", None)
    return out


def in_kernel() -> bool:
    """True when running inside an IPython kernel (Voila or JupyterLab)."""
    if "ipykernel" not in sys.modules:
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipykernel imports IPython
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def kernel_loop() -> Any | None:
    """The kernel's running event loop, or None outside a kernel (do the work now)."""
    if not in_kernel():
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def later(fn: Any, delay: float) -> None:
    """Run *fn* after *delay* seconds on the kernel's loop; outside a kernel, now."""
    loop = kernel_loop()
    if loop is None:
        fn()
    else:
        loop.call_later(delay, fn)


def _kernel_id() -> str:
    """This kernel's id as the server knows it (``kernel-<id>.json``), or "" outside a served kernel."""
    try:
        from ipykernel.connect import get_connection_file

        name = os.path.basename(get_connection_file())
    except Exception:
        return ""
    return name[len("kernel-"):-len(".json")] if name.startswith("kernel-") and name.endswith(".json") else ""


def settle_heap() -> None:
    """Collect the preheating's garbage, then exempt what is left from the garbage collector's scans.

    A preheated kernel holds a large heap (pandas, Altair, jsonschema's grammars, the rule packs),
    and a full collection walks every object in it: one landing in the visitor's request cost a
    wizard kernel about 0.4 s of CPU, while the page waited for it (seen in a profile of the
    request). After ``gc.freeze()`` the collector scans only what the visit itself allocates; the
    frozen objects are the ones the kernel keeps for its whole life anyway.
    """
    import gc

    gc.collect()
    gc.freeze()


def serve_request(apply: Callable[[Mapping[str, str]], None], ready: str,
                  on_error: Callable[[Exception], None] | None = None,
                  warm: Callable[[], None] | None = None, defer: bool = True) -> None:
    """The last cell of every page: wait for the browser's request, then ``apply(environ)``.

    Voila runs a preheated notebook before anyone asks for it; ``warm`` runs then, and
    *ready* goes to the server's log with the time and the kernel's id (tests and benchmarks
    wait for it and tell which visitor found a warm kernel; operators see the pool is warm). :func:`voila.utils.wait_for_request` returns once the request arrived
    and its headers and query string are in the environment; outside Voila it returns at
    once. Voila sends the rest of the page only when this cell ends, so inside a kernel
    (and with *defer*) ``apply`` runs right after it, on the kernel's loop, while the
    browser loads the page's scripts. An error in ``apply`` goes to ``on_error`` (a
    callback's exception would otherwise reach only the server's log).
    """
    try:
        from voila.utils import wait_for_request
    except ImportError:  # pragma: no cover - not served by Voila (e.g. JupyterLab)
        wait_for_request = None
    if wait_for_request is not None and os.environ.get("VOILA_PREHEAT") == "True":
        if warm is not None:
            warm()
        settle_heap()
        print(f"lia: {ready} at {time.time():.3f} kernel {_kernel_id()}", file=sys.__stderr__, flush=True)
    if wait_for_request is not None:
        wait_for_request()
    env = dict(os.environ)

    def work() -> None:
        started = time.perf_counter()
        cpu0 = time.process_time()
        try:
            apply(env)
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)
        finally:
            if os.environ.get("LIA_TIMING"):
                print(f"lia: request applied in {1000 * (time.perf_counter() - started):.0f} ms "
                      f"({1000 * (time.process_time() - cpu0):.0f} ms CPU) at {time.time():.3f}",
                      file=sys.__stderr__, flush=True)

    loop = kernel_loop() if defer else None
    if loop is not None:
        loop.call_later(0.01, work)
    else:
        work()  # plain Python (tests, scripts): now
