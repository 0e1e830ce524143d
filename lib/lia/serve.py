"""``lia serve``: Voila serving the notebooks/ apps, warm, local and offline.

What it sets up around plain ``voila notebooks/``:

* binds to 127.0.0.1 unless told otherwise, and fails (instead of silently
  moving) when the port is taken;
* preheated kernels (``VoilaConfiguration.preheat_kernel``, a pool of
  ``pool_size`` kernels per notebook): each notebook has already run up to
  ``lia.wizard.serve_request`` when the browser asks for it, so the page
  arrives rendered; every visitor still gets a fresh kernel (no state leaks
  between visitors or assessments) and the pool refills behind them;
* the ``lia`` Voila template (``templates/jupyter/voila/templates/lia``):
  Voila's lab template without Font Awesome and mermaid from a CDN, so a page
  loads nothing from another host;
* ``/`` redirects to the wizard; every other notebook stays reachable at
  ``/voila/render/<name>.ipynb`` and listed at ``/voila/tree``;
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

__all__ = ["ServeOptions", "voila_argv", "serve_environment", "serve", "LANDING", "DEFAULT_PORT"]

DEFAULT_PORT = 8866
#: The notebook "/" redirects to.
LANDING = "wizard.ipynb"
#: The header a typical reverse proxy (oauth2-proxy, Apache, nginx auth_request) sets for the user.
DEFAULT_AUTHOR_HEADER = "X-Forwarded-User"


def _lib_dir() -> Path:
    return Path(__file__).resolve().parents[1]


def _jupyter_dir() -> Path:
    """The folder holding ``voila/templates/lia`` (put on JUPYTER_PATH)."""
    from lia.wizard.strings import template_file

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
    pool_size: int = 1
    preheat: bool = True
    refill_delay: float = 5.0  # seconds before a used kernel is replaced, so the refill does not slow the page down
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


def serve_environment(opts: ServeOptions, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Voila and its kernels run in: workspace, library path, template path, author header."""
    env = dict(os.environ if base is None else base)
    env["LIA_HOME"] = str(Path(opts.home).resolve())
    lib = str(_lib_dir())
    env["PYTHONPATH"] = os.pathsep.join([lib] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != lib])
    jupyter = str(_jupyter_dir())
    env["JUPYTER_PATH"] = os.pathsep.join([jupyter] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != jupyter])
    if opts.author_header:
        env["LIA_AUTHOR_HEADER"] = opts.author_header
    else:
        env.pop("LIA_AUTHOR_HEADER", None)
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


def _voila_class() -> Any:
    """Voila with "/" redirecting to the wizard and the address printed once listening."""
    import tornado.web
    from voila.app import Voila

    class LiaVoila(Voila):
        lia_options: ServeOptions | None = None

        def init_handlers(self) -> list:
            from jupyter_server.utils import url_path_join

            handlers = super().init_handlers()
            landing = url_path_join(self.server_url or "/", "voila/render", LANDING)
            root = self.server_url or "/"
            out = []
            for h in handlers:
                if h[0] == root:
                    out.append((root, tornado.web.RedirectHandler, {"url": landing, "permanent": False}))
                else:
                    out.append(h)
            if self.lia_options is not None:  # call logs from the reader's computer, streamed to <home>/logs/
                from lia.upload import upload_handlers

                out = upload_handlers(root, self.lia_options.home) + out
            return out

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

    from lia.errors import LiaError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host if host != "localhost" else "127.0.0.1", port))
        except OSError as exc:
            raise LiaError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another port with --port") from None


def serve(opts: ServeOptions) -> int:
    """Run Voila in this process until interrupted; returns the exit code."""
    from lia.errors import LiaError

    notebooks = Path(opts.notebooks or default_notebooks_dir())
    if not (notebooks / LANDING).is_file():
        raise LiaError(f"{notebooks / LANDING}: not found; expected the wizard notebook in the notebooks folder")
    if not Path(opts.home).is_dir():
        raise LiaError(f"workspace {opts.home}: not a folder")
    _check_port(opts.host, int(opts.port))
    os.environ.update(serve_environment(opts))
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
