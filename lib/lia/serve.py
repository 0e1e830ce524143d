"""``lia serve``: Voila serving the notebooks/ apps, warm, local and offline.

What it sets up around plain ``voila notebooks/``:

* binds to 127.0.0.1 unless told otherwise, and fails (instead of silently
  moving) when the port is taken;
* preheated kernels (``VoilaConfiguration.preheat_kernel``): a pool of
  ``wizard_pool_size`` kernels for the wizard (the landing page, where visitors
  arrive together) and ``pool_size`` for every other page; each has already run
  its notebook up to ``lia.kernel.serve_request`` when the browser asks for it,
  so the page arrives rendered; every visitor still gets a fresh kernel (no
  state leaks between visitors or assessments) and the pool refills behind them
  ``refill_delay`` seconds later;
* kernels are released: the page script asks the server to shut its kernel
  down when the page is closed or left (``pagehide``), and kernels without a
  connected page for ``cull_after`` seconds are shut down (a crashed browser, a
  killed tab), so an idle server returns to its pools;
* kernels import nothing from their working folder (``PYTHONSAFEPATH``: a
  ``ipykernel_launcher.py`` or ``pandas.py`` there cannot run), see
  :func:`lia.kernel.safe_kernel_environment`;
* Ctrl-C and SIGTERM stop the server and its kernels without a traceback;
  ``/logout`` forgets the login and returns to the login page;
* binding to every interface without a token is refused unless
  ``public_ok`` (``--i-know-this-is-public``) says it is behind a proxy that
  authenticates;
* the ``lia`` Voila template (``templates/jupyter/voila/templates/lia``):
  Voila's lab template without Font Awesome and mermaid from a CDN, so a page
  loads nothing from another host;
* ``/`` redirects to the wizard; every other notebook stays reachable at
  ``/voila/render/<name>.ipynb``; ``/voila/tree`` is the start page listing the four pages in the
  reader's language (:mod:`lia.start_page`, instead of Voila's file browser);
* ``PUT /lia/upload/logs?name=NAME`` streams a call log from the browser to
  ``<home>/logs/`` (:mod:`lia.upload`: size-limited, authenticated, never in memory);
* identity: ``--author-header NAME`` makes Voila copy that request header
  (set by a reverse proxy) into the kernel environment as ``HTTP_NAME``.
"""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ServeOptions", "voila_argv", "serve_environment", "serve", "pool_config", "check_exposure",
           "LANDING", "DEFAULT_PORT", "DEFAULT_POOL_SIZE", "DEFAULT_WIZARD_POOL_SIZE", "DEFAULT_REFILL_DELAY",
           "DEFAULT_CULL_AFTER"]

DEFAULT_PORT = 8866
#: The notebook "/" redirects to.
LANDING = "wizard.ipynb"
#: The header a typical reverse proxy (oauth2-proxy, Apache, nginx auth_request) sets for the user.
DEFAULT_AUTHOR_HEADER = "X-Forwarded-User"
#: Preheated kernels kept ready for each page other than the wizard.
DEFAULT_POOL_SIZE = 1
#: Preheated wizard kernels: "/" leads there, so that is where visitors arrive together
#: (ten within ten seconds, issue 12: each finds one warm).
DEFAULT_WIZARD_POOL_SIZE = 10
#: Seconds between handing out a preheated kernel and starting its replacement: long enough
#: for a burst of visitors (ten in ten seconds) to be served before the refills take the
#: cores (a kernel's preheating costs 2-5 s of CPU, two cores serve both).
DEFAULT_REFILL_DELAY = 10.0
#: Seconds a page's kernel may stay without a connected page before it is shut down.
DEFAULT_CULL_AFTER = 60
#: Seconds a handed-out kernel whose page never connected is kept before the culler may take it
#: (a page still loading on a loaded machine; one that never connects - a browser that crashed
#: while loading - is culled after this).
NEVER_CONNECTED_GRACE = 300
#: Seconds a pool's refill waits for the pages still loading (handed out, not connected or connected
#: less than :data:`PAGE_SETTLE` seconds ago) before it starts anyway.
REFILL_WAIT = 30.0
#: Seconds after a page connected to its kernel during which it still builds its widgets.
PAGE_SETTLE = 2.0
#: Seconds a refill may take to preheat before the next one may start anyway.
PREHEAT_TIMEOUT = 60.0
#: Addresses that listen on every interface (the workbench reachable from the network).
PUBLIC_HOSTS = ("0.0.0.0", "::", "")


def _lib_dir() -> Path:
    return Path(__file__).resolve().parents[1]


def _jupyter_dir() -> Path:
    """The folder holding ``voila/templates/lia`` (put on JUPYTER_PATH)."""
    from lia.pages.wizard.strings import template_file

    return template_file("jupyter")


def default_notebooks_dir() -> Path:
    """The Voila apps: ``$LIA_NOTEBOOKS``, else the checkout's ``notebooks/``."""
    from lia.paths import notebooks_dir

    return Path(notebooks_dir())


@dataclass
class ServeOptions:
    """Everything ``lia serve`` needs; see :func:`serve`."""

    home: Path
    port: int = DEFAULT_PORT
    host: str = "127.0.0.1"
    token: str | None = None  # "" = no token; None = generate one
    open_browser: bool = True
    pool_size: int = DEFAULT_POOL_SIZE  # preheated kernels per page other than the wizard
    wizard_pool_size: int = DEFAULT_WIZARD_POOL_SIZE  # preheated kernels of the wizard (the landing page)
    preheat: bool = True
    refill_delay: float = DEFAULT_REFILL_DELAY  # seconds before a used kernel is replaced
    cull_after: int = DEFAULT_CULL_AFTER  # seconds without a connected page before a kernel is shut down; 0 = never
    lean: bool = False  # --lean-kernels: preheated kernels leave the chart libraries until the first chart
    public_ok: bool = False  # --i-know-this-is-public: every interface without a token is intended
    author_header: str | None = DEFAULT_AUTHOR_HEADER
    notebooks: Path | None = None
    extra: list[str] = field(default_factory=list)

    def resolved_token(self) -> str:
        """The token in force: the given one, "" for none, or a fresh random one."""
        if self.token is None:
            self.token = secrets.token_urlsafe(24)
        return self.token


def voila_argv(opts: ServeOptions) -> list[str]:
    """The Voila command-line arguments for *opts* (used in-process and by the benchmark)."""
    notebooks = Path(opts.notebooks or default_notebooks_dir())
    token = opts.resolved_token()
    argv = [
        str(notebooks),
        f"--port={int(opts.port)}",
        f"--Voila.ip={opts.host}",
        "--Voila.port_retries=0",
        "--no-browser",
        "--template=lia",
        f"--token={token}",
        "--VoilaConfiguration.show_tracebacks=False",
        # Seconds to wait for a cell's outputs after it ran (nbclient's default is 4): on a
        # loaded machine they can come later, and an output given up on is a widget the page
        # never shows - seen with ten visitors arriving together on two busy cores.
        "--VoilaExecutor.iopub_timeout=30",
        "--KernelManager.transport=ipc",
    ]
    if opts.cull_after and int(opts.cull_after) > 0:
        # A kernel whose page is gone (no websocket) and that has been idle this long is shut
        # down; kernels with a connected page are never culled, nor are pooled ones (Voila).
        after = int(opts.cull_after)
        argv += [
            f"--MappingKernelManager.cull_idle_timeout={after}",
            f"--MappingKernelManager.cull_interval={max(1, min(15, after // 4))}",
            "--MappingKernelManager.cull_connected=False",
        ]
    if opts.preheat:
        argv += [
            "--VoilaConfiguration.preheat_kernel=True",
            f"--VoilaConfiguration.default_pool_size={max(1, int(opts.pool_size))}",
            f"--VoilaKernelManager.fill_delay={max(0.0, float(opts.refill_delay))}",
            # syntax highlighting of code cells is never shown (the apps hide their code)
            "--VoilaConfiguration.extension_denylist=jupyterlab_pygments",
        ]
    if opts.author_header:
        argv.append(f"--VoilaConfiguration.http_header_envs={opts.author_header}")
    return argv + list(opts.extra)


def pool_config(opts: ServeOptions) -> dict[str, dict[str, int]]:
    """Voila's ``kernel_pools_config``: ``pool_size`` kernels per page, ``wizard_pool_size`` for the wizard."""
    return {
        "default": {"pool_size": max(1, int(opts.pool_size))},
        LANDING: {"pool_size": max(1, int(opts.wizard_pool_size))},
    }


def check_exposure(opts: ServeOptions) -> None:
    """Refuse to serve every interface without a token unless ``public_ok`` says so.

    Anyone who can reach the port could then read and change every assessment; that is
    only right behind a reverse proxy that authenticates users (``--i-know-this-is-public``).
    """
    from lia.errors import LiaError, Message

    if opts.host in PUBLIC_HOSTS and opts.token == "" and not opts.public_ok:
        raise LiaError(Message("errors.serve_public_no_token", host=opts.host or "(all)", port=str(int(opts.port))))


def serve_environment(opts: ServeOptions, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Voila and its kernels run in: workspace, library path, template path, author header."""
    from lia.kernel import safe_kernel_environment

    env = safe_kernel_environment(dict(os.environ if base is None else base))
    env["LIA_HOME"] = str(Path(opts.home).resolve())
    lib = str(_lib_dir())
    env["PYTHONPATH"] = os.pathsep.join([lib] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != lib])
    jupyter = str(_jupyter_dir())
    env["JUPYTER_PATH"] = os.pathsep.join([jupyter] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != jupyter])
    if opts.author_header:
        env["LIA_AUTHOR_HEADER"] = opts.author_header
    else:
        env.pop("LIA_AUTHOR_HEADER", None)
    from lia.kernel import LEAN_ENV

    if opts.lean:
        env[LEAN_ENV] = "1"
    else:
        env.pop(LEAN_ENV, None)
    if opts.host not in ("", "0.0.0.0", "::", "localhost"):
        # voila.utils.wait_for_request connects back to the server on this address
        env["VOILA_APP_IP"] = opts.host
    return env


def page_url(opts: ServeOptions, path: str = "") -> str:
    """The address to open, with the token if one is required."""
    host = opts.host if opts.host not in ("", "0.0.0.0", "::") else "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    token = opts.resolved_token()
    return f"http://{host}:{int(opts.port)}/{path}" + (f"?token={token}" if token else "")


def _page_config_hook(page_config: dict, **_: Any) -> dict:
    """Add ``liaLang`` (the server's ``LIA_LANG``) to each page's configuration, for its loading text."""
    from lia.i18n import LANGS

    lang = os.environ.get("LIA_LANG", "en")
    page_config["liaLang"] = lang if lang in LANGS else "en"
    return page_config


def _page_handler(base: type) -> type:
    """Voila's page handler, also setting the ``_xsrf`` cookie.

    The page script sends it with the request that releases the page's kernel when the
    page is closed (``POST /voila/api/shutdown/<kernel>``); Voila's page handler never
    sets it, so without a token in the address that request was refused (403) and the
    kernel - a few hundred MB - stayed behind.
    """

    class LiaPageHandler(base):  # type: ignore[misc, valid-type]
        async def prepare(self, *args: Any, **kwargs: Any) -> None:
            await super().prepare(*args, **kwargs)
            self.xsrf_token  # noqa: B018 - reading it sets the cookie

    return LiaPageHandler


def _kernel_manager_class() -> type:
    """Jupyter Server's kernel manager, culling only kernels whose page had time to connect, refilling the
    pools one kernel at a time once no page is loading.

    Culling: a preheated kernel may wait in its pool for hours; Voila keeps pooled kernels from the
    culler, but the moment a visitor takes one, its last activity is still that of its
    preheating. On a loaded machine the page's websocket can take longer than a culling
    round to open, and the culler then shut down the kernel of a page still loading (seen
    with ten visitors at a load of 40 on two cores). The idle time of a kernel is therefore
    counted from when the culler first saw it outside the pools, at the earliest, and a kernel
    whose page has not connected yet gets :data:`NEVER_CONNECTED_GRACE` seconds (ten visitors
    at a load of 40: pages took over a minute to connect, and the culler shut five of their
    kernels down first).

    Refilling: Voila starts a replacement for every kernel handed out ``fill_delay`` seconds
    later, all at once. Preheating a wizard kernel costs 2-5 CPU seconds, a page about 2 (its
    browser, the server, its kernel): ten visitors in ten seconds on two cores were followed by
    ten preheating kernels that took the cores while the later visitors' pages were still
    loading, and those took 12-22 s. Once a kernel has been handed out, a pool's new kernel
    (:meth:`start_kernel` with ``VOILA_PREHEAT``) therefore waits until no page is loading (at most
    :data:`REFILL_WAIT` seconds), and preheats alone: the next one starts when it waits for its
    visitor (Voila's request-info socket is open) or after :data:`PREHEAT_TIMEOUT` seconds. The
    kernels a server starts with are not held back.
    """
    import asyncio
    import time as _time

    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    class LiaMappingKernelManager(AsyncMappingKernelManager):  # type: ignore[misc]
        def lia_handed_out(self, kernel_id: str) -> None:
            """A visitor took *kernel_id* from a pool (its page is loading until it connects)."""
            self.__dict__.setdefault("_lia_handed_out", {})[kernel_id] = _time.monotonic()

        def _lia_pages_loading(self) -> bool:
            """Whether a handed-out kernel's page has not connected yet, or connected moments ago."""
            handed: dict[str, float] = self.__dict__.setdefault("_lia_handed_out", {})
            since: dict[str, float] = self.__dict__.setdefault("_lia_connected_at", {})
            now = _time.monotonic()
            loading = False
            for kid, at in list(handed.items()):
                if kid not in self._kernels or now - at > REFILL_WAIT:
                    del handed[kid]
                    since.pop(kid, None)
                    continue
                if self._kernel_connections.get(kid, 0) > 0:
                    since.setdefault(kid, now)
                if kid not in since or now - since[kid] < PAGE_SETTLE:
                    loading = True
            return loading

        async def start_kernel(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]  # async, as Jupyter Server's AsyncMappingKernelManager
            env = kwargs.get("env") or {}
            if (env.get("VOILA_PREHEAT") != "True" or "_lia_handed_out" not in self.__dict__
                    or self.__dict__.get("lia_stopping")):
                return str(await super().start_kernel(*args, **kwargs))  # a visitor's or a first pool kernel
            lock: asyncio.Lock = self.__dict__.setdefault("_lia_refill_lock", asyncio.Lock())
            await lock.acquire()
            try:
                deadline = _time.monotonic() + REFILL_WAIT
                while (self._lia_pages_loading() and _time.monotonic() < deadline
                       and not self.__dict__.get("lia_stopping")):
                    await asyncio.sleep(0.25)
                kernel_id = str(await super().start_kernel(*args, **kwargs))
            except BaseException:
                lock.release()
                raise
            asyncio.ensure_future(self._lia_release_when_preheated(kernel_id, lock))
            return kernel_id

        async def _lia_release_when_preheated(self, kernel_id: str, lock: asyncio.Lock) -> None:
            """Let the next refill start once *kernel_id* waits for its visitor (or is gone, or took too long)."""
            try:
                from voila.request_info_handler import RequestInfoSocketHandler

                waiting = RequestInfoSocketHandler._waiters
            except (ImportError, AttributeError):  # pragma: no cover - another Voila: a fixed allowance
                waiting = None
            deadline = _time.monotonic() + PREHEAT_TIMEOUT
            try:
                while (_time.monotonic() < deadline and kernel_id in self._kernels
                       and not self.__dict__.get("lia_stopping")):
                    if waiting is not None and kernel_id in waiting:
                        break
                    await asyncio.sleep(0.25)
            finally:
                lock.release()

        async def cull_kernel_if_idle(self, kernel_id: str) -> None:
            seen: dict[str, float] = self.__dict__.setdefault("_lia_first_seen", {})
            connected: set[str] = self.__dict__.setdefault("_lia_connected", set())
            for gone in [k for k in seen if k not in self._kernels]:
                del seen[gone]
                connected.discard(gone)
            first = seen.setdefault(kernel_id, _time.monotonic())
            if self._kernel_connections.get(kernel_id, 0) > 0:
                connected.add(kernel_id)
            grace = self.cull_idle_timeout if kernel_id in connected else max(self.cull_idle_timeout, NEVER_CONNECTED_GRACE)
            if _time.monotonic() - first < grace:
                return
            await super().cull_kernel_if_idle(kernel_id)

    return LiaMappingKernelManager


def _voila_class() -> Any:
    """Voila with "/" redirecting to the wizard and the address printed once listening."""
    import tornado.web
    from voila.app import Voila

    class LogoutHandler(tornado.web.RequestHandler):
        """Forget the login cookie and go back to the login page (or the workbench without a token).

        Jupyter Server's own logout page needs a ``static_path`` Voila does not set: it
        answered HTTP 500.
        """

        @property
        def base_url(self) -> str:  # what the identity provider reads for the cookie's path
            return str(self.application.settings.get("base_url") or "/")

        def get(self) -> None:
            from jupyter_server.utils import url_path_join

            provider = self.application.settings.get("identity_provider")
            root = self.base_url
            if provider is not None:
                provider.clear_login_cookie(self)
            token_required = bool(provider is not None and getattr(provider, "token", ""))
            self.redirect(url_path_join(root, "login") if token_required else root)

    class LiaVoila(Voila):
        lia_options: ServeOptions | None = None

        def initialize(self, argv: Any = None) -> None:
            import signal

            from traitlets.config import Config

            super().initialize(argv)
            if self.lia_options is not None:
                # per-page pool sizes (Voila's command line only sets one size for every page)
                self.update_config(Config({"VoilaKernelManager": {"kernel_pools_config": pool_config(self.lia_options)}}))
            self.voila_configuration.multi_kernel_manager_class = _kernel_manager_class()
            # the template says "Preparing the page" in the server's language until the page says otherwise
            self.voila_configuration.page_config_hook = _page_config_hook
            # Ctrl-C stops like SIGTERM: the loop ends, kernels are shut down, no KeyboardInterrupt
            # traceback from wherever the interrupt happened to land
            signal.signal(signal.SIGINT, self._handle_signal_stop)

        def init_handlers(self) -> list:
            from jupyter_server.utils import url_path_join

            from lia.start_page import START_PATH, start_handlers

            handlers = super().init_handlers()
            landing = url_path_join(self.server_url or "/", "voila/render", LANDING)
            root = self.server_url or "/"
            logout = url_path_join(self.server_url or "/", "logout")
            render = url_path_join(self.server_url or "/", "voila/render/(.*)")
            out: list[tuple[Any, ...]] = [(logout, LogoutHandler)]
            for h in handlers:
                if h[0] == render:
                    out.append((h[0], _page_handler(h[1]), *h[2:]))
                elif h[0] == root:
                    out.append((root, tornado.web.RedirectHandler, {"url": landing, "permanent": False}))
                elif h[0] in (logout, "/logout"):
                    continue
                elif not h[0].startswith(url_path_join(root, START_PATH)):  # the start page replaces the file tree
                    out.append(h)
            if self.lia_options is not None:  # call logs from the reader's computer, streamed to <home>/logs/
                from lia.upload import upload_handlers

                out = upload_handlers(root, self.lia_options.home) + out
            return start_handlers(root) + out

        def init_settings(self) -> dict:
            settings = super().init_settings()
            km = self.kernel_manager
            taken = getattr(km, "get_rendered_notebook", None)
            if taken is not None and hasattr(km, "lia_handed_out"):
                async def get_rendered_notebook(*args: Any, **kwargs: Any) -> Any:
                    """Voila's hand-out of a preheated kernel, noted for the pools' refills (see _kernel_manager_class)."""
                    result = await taken(*args, **kwargs)
                    km.lia_handed_out(result[2])
                    return result

                km.get_rendered_notebook = get_rendered_notebook
            return settings

        def stop(self) -> None:
            """Stop every kernel at once (``now``): a kernel asked to shut down while its cell still
            runs (every pooled kernel waits in one) answered on sockets it had just closed, and
            printed a ZMQError traceback; the pages keep nothing in their kernels to save."""
            import shutil

            from jupyter_core.utils import run_sync

            self.log.info("lia serve: stopping; shutting the kernels down")
            self.kernel_manager.__dict__["lia_stopping"] = True  # refills waiting for their turn go at once, to be stopped
            shutil.rmtree(self.connection_dir, ignore_errors=True)
            try:
                run_sync(self.kernel_manager.shutdown_all)(now=True)
            except Exception as exc:  # a kernel that died on its own must not turn a stop into a traceback
                self.log.warning("lia serve: while stopping: %s", exc)

        def start(self) -> None:
            import tornado.ioloop

            opts = self.lia_options

            def announce() -> None:
                if opts is None:
                    return
                url = page_url(opts)
                print(f"lia serve: the workbench is at {url}", flush=True)
                print(f"lia serve: workspace {opts.home}; other pages at {page_url(opts, 'voila/tree')}", flush=True)
                if opts.open_browser:
                    import webbrowser

                    try:
                        webbrowser.open(url)
                    except webbrowser.Error:
                        pass

            tornado.ioloop.IOLoop.current().add_callback(announce)
            super().start()

    return LiaVoila


def _check_port(host: str, port: int) -> None:
    """Fail with a clear message when *port* is taken (Voila would silently pick another)."""
    import socket

    from lia.errors import LiaError, Message, os_reason

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host if host != "localhost" else "127.0.0.1", port))
        except OSError as exc:
            raise LiaError(Message("errors.serve_cannot_listen", host=host, port=str(port), reason=os_reason(exc))) from None


def serve(opts: ServeOptions) -> int:
    """Run Voila in this process until interrupted; returns the exit code."""
    from lia.errors import LiaError, Message

    notebooks = Path(opts.notebooks or default_notebooks_dir())
    if not (notebooks / LANDING).is_file():
        raise LiaError(Message("errors.serve_no_notebook", path=str(notebooks / LANDING)))
    if not Path(opts.home).is_dir():
        raise LiaError(Message("errors.serve_workspace_not_folder", path=str(opts.home)))
    check_exposure(opts)
    _check_port(opts.host, int(opts.port))
    env = serve_environment(opts)
    os.environ.clear()  # exactly that environment: nothing it leaves out (relative PYTHONPATH entries) stays
    os.environ.update(env)
    # make the library importable in this process too, as kernels get it via PYTHONPATH
    if str(_lib_dir()) not in sys.path:
        sys.path.insert(0, str(_lib_dir()))
    app_class = _voila_class()
    app_class.lia_options = opts
    try:
        app_class.launch_instance(argv=voila_argv(opts))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
