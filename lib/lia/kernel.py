"""Where the code runs: inside a Jupyter kernel (Voila, JupyterLab) or plain Python.

Pages defer slow work (charts, verification) until after the kernel has answered
the current request, using the kernel's event loop. Outside a kernel - tests,
the CLI - the same work runs at once. Another library's running loop (e.g.
Playwright's sync API in a test process) must not be mistaken for a kernel.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

__all__ = ["in_kernel", "kernel_loop", "later", "PAGE_LOAD_GRACE"]

#: Seconds to hold back costly but secondary work (charts) after a page request: the browser
#: needs the CPU and the kernel's answers to build the page first (2 cores are shared by both).
PAGE_LOAD_GRACE = 1.5


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
