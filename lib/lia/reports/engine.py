"""A papermill engine that executes notebooks on warm, reused kernels.

Starting a kernel and importing pandas and altair costs seconds; rendering a
batch of reports must not pay that per report (DESIGN.md decision 6). The
``lia-warm`` engine keeps one pre-started kernel per worker thread, with
pandas, altair and vl-convert already imported, and resets it between
notebooks:

* ``%reset -f`` (user namespace, ``In``/``Out``, execution counter back to 1),
* every ``lia`` module is dropped from ``sys.modules`` (so no library cache or
  changed template can leak from one report to the next),
* working directory, ``sys.path``, ``os.environ``, warning filters, pandas
  options and the altair renderer/theme/data transformer are put back,
* then a fingerprint of that state is compared with the one taken right after
  start-up; if anything differs (or the kernel died, or it has served
  ``max_jobs`` notebooks) the kernel is replaced by a fresh one.

:class:`KernelPool` runs jobs on ``size`` worker threads (default: number of
cores), each owning one warm kernel, so a batch uses several cores. A job
that calls ``papermill.execute_notebook(..., engine_name="lia-warm")`` inside a
pool worker uses that worker's kernel; outside a pool the engine lazily
starts a warm kernel for the calling thread.

Registration: ``[project.entry-points."papermill.engine"] lia-warm =
"lia.reports.engine:WarmEngine"`` (``make install`` writes it again when pyproject.toml
changes, so an install made before the reports package moved gets the new name); :func:`register` does the same at run time.
"""

from __future__ import annotations

import atexit
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

# papermill loads its engines' entry points when it is first imported. If this module is
# imported first, papermill's import (below) asks this half-imported module for
# WarmEngine: the module __getattr__ builds the class then, from papermill.engines, which
# is far enough imported to offer Engine.
_ENGINE_CLASS: type | None = None


def __getattr__(name: str) -> Any:
    if name == "WarmEngine":
        return _engine_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ENGINE_NAME", "KernelPool", "WarmEngine", "WarmKernel", "register"]

ENGINE_NAME = "lia-warm"

# Source of a helper module created inside every warm kernel as
# sys.modules["__lia_warm__"]. It survives %reset (it is not in the user
# namespace) and holds the baseline state to restore and compare.
_KERNEL_SIDE = r'''
import hashlib as _hashlib, json as _json, os as _os, sys as _sys, warnings as _warnings
from IPython import get_ipython

_BASE = {}

def _pandas_options():
    try:
        import pandas
        reg = pandas._config.config._registered_options
        out = {}
        for key in sorted(reg):
            try:
                out[key] = repr(pandas.get_option(key))
            except Exception:
                pass
        return out
    except Exception as exc:  # pragma: no cover - pandas is always there
        return {"error": repr(exc)}

def _altair_state():
    try:
        import altair as alt
        theme = getattr(getattr(alt, "theme", None), "active", None)
        return [alt.renderers.active, str(theme), alt.data_transformers.active]
    except Exception as exc:  # pragma: no cover
        return [repr(exc)]

KEEP = ()  # set by the engine: lia modules kept warm between notebooks (their namespaces are checked)

def _kept_namespaces():
    out = {}
    for name in KEEP:
        mod = _sys.modules.get(name)
        if mod is not None:
            out[name] = sorted((k, id(v)) for k, v in vars(mod).items())
    return out

def _user_names():
    # Every name, hidden ones included: a name smuggled into user_ns_hidden survives %reset.
    ip = get_ipython()
    return sorted(ip.user_ns) + ["|"] + sorted(ip.user_ns_hidden)

def state():
    """Everything a notebook could leave behind that the next one might see."""
    ip = get_ipython()
    state = {
        "user_names": _user_names(),
        "builtins": sorted(dir(__import__("builtins"))),
        "cwd": _os.getcwd(),
        "sys_path": list(_sys.path),
        "environ": sorted(_os.environ.items()),
        "warnings": [repr(f) for f in _warnings.filters],
        "pandas": _pandas_options(),
        "altair": _altair_state(),
        "lia_modules": sorted(m for m in _sys.modules if m == "lia" or m.startswith("lia.")),
        "kept_modules": _kept_namespaces(),
        "execution_count": ip.execution_count,
    }
    return state

def fingerprint():
    """A digest of state()."""
    state = globals()["state"]()
    return _hashlib.sha256(_json.dumps(state, sort_keys=True).encode()).hexdigest()

def snapshot():
    global KEEP
    if KEEP:  # what the kept modules import at start is kept too, and checked like them
        KEEP = tuple(sorted(set(KEEP) | {m for m in _sys.modules if m == "lia" or m.startswith("lia.")}))
    _BASE["cwd"] = _os.getcwd()
    _BASE["sys_path"] = list(_sys.path)
    _BASE["environ"] = dict(_os.environ)
    _BASE["warnings"] = list(_warnings.filters)
    _BASE["state"] = state()
    return fingerprint()

def reset():
    """Put the kernel back into its post-start state; return "" when clean, else what differs."""
    ip = get_ipython()
    ip.run_line_magic("reset", "-f")
    for name in [m for m in _sys.modules if (m == "lia" or m.startswith("lia.")) and m not in KEEP]:
        del _sys.modules[name]
        parent, _, child = name.rpartition(".")
        if parent in _sys.modules and getattr(_sys.modules[parent], child, None) is not None:
            delattr(_sys.modules[parent], child)  # the kept package must not point at the dropped module
    _os.chdir(_BASE["cwd"])
    _sys.path[:] = _BASE["sys_path"]
    _os.environ.clear()
    _os.environ.update(_BASE["environ"])
    _warnings.filters[:] = _BASE["warnings"]
    _warnings._filters_mutated() if hasattr(_warnings, "_filters_mutated") else None
    try:
        import pandas
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")
            pandas.reset_option("all")
    except Exception:
        pass
    try:
        import altair as alt
        alt.renderers.enable("default")
        alt.data_transformers.enable("default")
        if hasattr(alt, "theme"):
            alt.theme.enable("default")
    except Exception:
        pass
    ip.execution_count = 1
    now = state()
    return ",".join(k for k in now if now[k] != _BASE["state"][k])
'''

# lia modules that stay imported between notebooks. They hold no assessment data, only caches keyed
# by file path and content (questionnaires, message catalogues, template digests). Every other lia
# module is imported afresh by each notebook; any change to a kept module's namespace (an added or
# replaced attribute) makes the reset fail and the kernel is replaced.
DEFAULT_KEEP = ("lia", "lia.errors", "lia.canonical", "lia.loaders", "lia.paths", "lia.i18n",
                "lia.workspace", "lia.questionnaire", "lia.model", "lia.store", "lia.reports", "lia.reports.provenance")

# Imported once per kernel, before the first notebook; vl-convert started by the one chart export
# (lia.charts_svg). That module is then dropped again, so it is not kept between notebooks: its chart
# cache holds what one assessment's report drew and must not outlive that notebook.
DEFAULT_WARM_CODE = r'''
import pandas, altair, sys as _s
import lia.charts_svg as _c
_c.warm_up()
del _s.modules["lia.charts_svg"], _s.modules["lia"].charts_svg, _c, _s
'''


def _lib_root() -> str:
    """Directory that contains the ``lia`` package (put on the kernel's path)."""
    return str(Path(__file__).resolve().parents[2])


class WarmKernel:
    """One kernel process with pandas and altair imported, reused between notebooks.

    Must be used from the thread that started it (its ZMQ sockets live on that
    thread's event loop).
    """

    def __init__(self, kernel_name: str = "python3", warm_code: str = DEFAULT_WARM_CODE,
                 max_jobs: int = 200, startup_timeout: float = 60,
                 keep: tuple[str, ...] = DEFAULT_KEEP, preload_templates: str | None = None) -> None:
        self.kernel_name = kernel_name
        self.warm_code = warm_code
        self.keep = keep
        self.preload_templates = preload_templates
        self.max_jobs = max_jobs
        self.startup_timeout = startup_timeout
        self.km: Any = None
        self.kc: Any = None
        self.jobs = 0
        self.starts = 0
        self.last_dirty = ""  # what the last reset could not restore (replaced the kernel)
        self.thread = threading.current_thread()

    # -- lifecycle -------------------------------------------------------
    def start(self) -> None:
        """Start the kernel process, import the warm modules, take the baseline."""
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        from lia.kernel import safe_kernel_environment

        root = _lib_root()
        # nothing in the working folder (often the workspace) is imported in the kernel
        env = safe_kernel_environment({**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in [root, os.environ.get("PYTHONPATH", "")] if p)})
        # IPC sockets in a private directory: no TCP port, nothing in plain text on the network.
        self._sockdir = tempfile.mkdtemp(prefix="lia-kernel-")
        self.km = AsyncKernelManager(kernel_name=self.kernel_name, transport="ipc",
                                     ip=os.path.join(self._sockdir, "k"))
        run_sync(self.km.start_kernel)(env=env, extra_arguments=["--HistoryManager.hist_file=:memory:"])
        self.kc = self.km.client()
        self.kc.start_channels()
        run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
        self.kc.allow_stdin = False
        self._run("import types as _t, sys as _s\n"
                  "_m = _t.ModuleType('__lia_warm__')\n"
                  f"exec({_KERNEL_SIDE!r}, _m.__dict__)\n"
                  "_s.modules['__lia_warm__'] = _m\n"
                  "del _t, _s, _m\n")
        self._run(self.warm_code)
        if self.keep:
            self._run("import importlib as _il, sys as _s\n"
                      f"_s.modules['__lia_warm__'].KEEP = {tuple(self.keep)!r}\n"
                      f"for _n in {tuple(self.keep)!r}:\n"
                      "    try:\n        _il.import_module(_n)\n    except ImportError:\n        pass\n"
                      "del _il, _s, _n\n")
        if self.preload_templates:
            # Fill the kept caches (questionnaires, YAML loader) before the baseline is taken.
            self._run("try:\n"
                      "    from lia.questionnaire import load_questionnaires as _lq\n"
                      f"    _lq({str(self.preload_templates)!r})\n"
                      "    from lia.reports.provenance import questionnaire_inputs as _qi\n"
                      f"    _qi(__import__('pathlib').Path({str(self.preload_templates)!r}))\n"
                      "except Exception:\n    pass\n"
                      "for _n in ('_lq', '_qi'):\n    globals().pop(_n, None)\n")
        # Baseline after a first reset, so it describes the same state a reset restores.
        # (taken in the same context as the checks: a user expression, outside any cell)
        self._run("get_ipython().run_line_magic('reset', '-f')\n"
                  "get_ipython().execution_count = 1\n")
        self._run("", "__import__('__lia_warm__').snapshot()")
        self.jobs = 0
        self.starts += 1

    def shutdown(self) -> None:
        """Stop the kernel process (idempotent)."""
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:
                pass
            self.kc = None
        if self.km is not None:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:
                pass
            self.km = None
        if getattr(self, "_sockdir", None):
            shutil.rmtree(self._sockdir, ignore_errors=True)
            self._sockdir = None

    def restart(self) -> None:
        """Replace the kernel process by a fresh warm one."""
        self.shutdown()
        self.start()

    # -- execution helpers -------------------------------------------------
    def _run(self, code: str, expression: str | None = None) -> Any:
        """Run code silently (no history, no execution count); return an expression's value."""
        from jupyter_core.utils import run_sync

        exprs = {"v": expression} if expression else {}
        reply = run_sync(self.kc.execute_interactive)(
            code, silent=False, store_history=False, user_expressions=exprs,
            output_hook=lambda msg: None, timeout=self.startup_timeout)
        content = reply["content"]
        if content.get("status") != "ok":
            raise RuntimeError(f"warm kernel setup failed: {content.get('ename')}: {content.get('evalue')}")
        if expression:
            value = content["user_expressions"]["v"]
            if value.get("status") != "ok":
                raise RuntimeError(f"warm kernel probe failed: {value.get('evalue')}")
            return value["data"]["text/plain"]
        return None

    def alive(self) -> bool:
        """True when the kernel process is running."""
        from jupyter_core.utils import run_sync

        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def ensure_started(self) -> None:
        """Start the kernel if it is not running."""
        if self.km is None or not self.alive():
            self.shutdown()
            self.start()

    def reset(self) -> bool:
        """Reset after a notebook; replace the kernel if its state is not clean.

        Returns True when the kernel was reused, False when it was replaced.
        """
        self.jobs += 1
        clean = False
        if self.alive() and self.jobs < self.max_jobs:
            try:
                self.last_dirty = self._run("", "__import__('__lia_warm__').reset()").strip("'\"")
                clean = self.last_dirty == ""
            except Exception:
                clean = False
        if not clean:
            self.restart()
        return clean


_local = threading.local()
_orphans: list[WarmKernel] = []
_orphans_lock = threading.Lock()


def _thread_kernel(kernel_name: str) -> WarmKernel:
    kernel = getattr(_local, "kernel", None)
    if kernel is None or kernel.kernel_name != kernel_name:
        if kernel is not None:
            kernel.shutdown()
        kernel = WarmKernel(kernel_name)
        kernel.start()
        _local.kernel = kernel
        with _orphans_lock:
            _orphans.append(kernel)
    else:
        kernel.ensure_started()
    return kernel


@atexit.register
def _shutdown_orphans() -> None:
    with _orphans_lock:
        for kernel in _orphans:
            kernel.shutdown()
        _orphans.clear()


def _engine_class() -> type:
    """The WarmEngine class, made once (see the module's ``__getattr__``)."""
    global _ENGINE_CLASS
    if _ENGINE_CLASS is not None:
        return _ENGINE_CLASS
    from papermill.engines import Engine

    if _ENGINE_CLASS is not None:  # importing papermill built it already (through its entry points)
        return _ENGINE_CLASS

    class WarmEngine(Engine):
        """Papermill engine ``lia-warm``: executes on the current thread's warm kernel."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None,
                                     start_timeout: int = 60, execution_timeout: int | None = None,
                                     **kwargs: Any) -> Any:
            """Run every cell of ``nb_man.nb`` on a warm kernel, then reset the kernel."""
            from papermill.clientwrap import PapermillNotebookClient
            from papermill.log import logger
            from papermill.utils import merge_kwargs, remove_args

            kernel = _thread_kernel(kernel_name or "python3")
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel.kernel_name, log=logger, log_output=log_output,
                                 stdout_file=stdout_file, stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, km=kernel.km, **final)
            client.kc = kernel.kc
            try:
                return client.execute()
            finally:
                kernel.reset()

    WarmEngine.__qualname__ = "WarmEngine"
    _ENGINE_CLASS = WarmEngine
    return _ENGINE_CLASS


WarmEngine = _engine_class()


def register() -> None:
    """Register ``lia-warm`` with papermill (the entry point does this when installed)."""
    from papermill.engines import papermill_engines

    papermill_engines.register(ENGINE_NAME, WarmEngine)


class KernelPool:
    """``size`` worker threads, each with its own warm kernel, running submitted jobs.

    Use as a context manager; kernels start in parallel when the pool opens.
    A job is any callable; inside it, papermill's ``lia-warm`` engine uses the
    worker's kernel.
    """

    def __init__(self, size: int | None = None, kernel_name: str = "python3",
                 warm_code: str = DEFAULT_WARM_CODE, preload_templates: str | Path | None = None) -> None:
        self.size = max(1, size or os.cpu_count() or 1)
        self.kernel_name = kernel_name
        self.warm_code = warm_code
        self.preload_templates = str(preload_templates) if preload_templates else None
        self._queue: queue.Queue[Any] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._kernels: list[WarmKernel] = []
        self._lock = threading.Lock()
        self._ready = threading.Semaphore(0)
        self._start_errors: list[BaseException] = []

    def __enter__(self) -> KernelPool:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self, wait: bool = False) -> None:
        """Start the worker threads (and their kernels, in parallel)."""
        register()
        for i in range(self.size):
            t = threading.Thread(target=self._worker, name=f"lia-warm-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        if wait:
            for _ in range(self.size):
                self._ready.acquire()
            for _ in range(self.size):
                self._ready.release()

    def _worker(self) -> None:
        kernel = WarmKernel(self.kernel_name, self.warm_code, preload_templates=self.preload_templates)
        try:
            kernel.start()
        except BaseException as exc:  # a kernel that cannot start fails its jobs, not the process
            self._start_errors.append(exc)
            kernel = None  # type: ignore[assignment]
        else:
            _local.kernel = kernel
            with self._lock:
                self._kernels.append(kernel)
        self._ready.release()
        while True:
            item = self._queue.get()
            if item is None:
                break
            fut, fn, args, kw = item
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                if kernel is None:
                    raise RuntimeError(f"could not start a kernel: {self._start_errors[-1]!r}")
                fut.set_result(fn(*args, **kw))
            except BaseException as exc:
                fut.set_exception(exc)
        if kernel is not None:
            kernel.shutdown()

    def submit(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Future[Any]:
        """Queue ``fn(*args, **kw)`` on a worker; returns a Future."""
        fut: Future[Any] = Future()
        self._queue.put((fut, fn, args, kw))
        return fut

    @property
    def restarts(self) -> int:
        """How many times a kernel was replaced after a reset that was not clean."""
        return sum(k.starts - 1 for k in self._kernels)

    def close(self) -> None:
        """Finish queued jobs, stop the workers and their kernels."""
        for _ in self._threads:
            self._queue.put(None)
        for t in self._threads:
            t.join()
        self._threads.clear()

