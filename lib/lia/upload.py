"""Call-log upload: a file from the reader's computer streamed to ``<home>/logs/``, never into memory.

Why not ipywidgets' ``FileUpload``: it reads the whole file in the browser and sends it to the
kernel as one websocket message, so the kernel holds all of it in memory, and tornado closes the
socket for a message over ``websocket_max_message_size`` (10 MiB by default) - the page then
silently loses its kernel. A call log of a year is easily 70 MiB.

So ``lia serve`` registers one small endpoint, ``PUT /lia/upload/logs?name=NAME``
(:class:`LogUploadHandler`). It uses the server's own authentication (the token, or the
reverse proxy's user), streams the body in chunks to a hidden temporary file in
``<home>/logs/``, refuses anything over :data:`MAX_UPLOAD_BYTES` (checked against
``Content-Length`` before the first byte and again while streaming), and only when the whole
body arrived moves the file to its final name - never over an existing log (``calls.csv``
becomes ``calls-2.csv``). A broken or refused upload leaves nothing behind. Memory use is one
chunk (64 KiB), whatever the file's size.

``GET`` on the same address answers the limit (and gives the page its XSRF cookie).
The works-council page (:mod:`lia.pages.works_council`) shows the control, the limit and the
progress, and reads the stored log by name like any other log in the folder.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

__all__ = ["MAX_UPLOAD_BYTES", "UPLOAD_PATH", "upload_limit", "upload_name", "unique_path", "upload_handlers",
           "human_size"]

#: The largest call log the page accepts (1 GiB: about 150 million calls as CSV). ``LIA_UPLOAD_LIMIT`` (bytes) overrides.
MAX_UPLOAD_BYTES = 1 << 30
#: Where the endpoint listens, under the server's base URL.
UPLOAD_PATH = "lia/upload/logs"
_SUFFIXES = (".csv", ".parquet", ".pq")
_UNSAFE = re.compile(r"[^\w.-]+")


def upload_limit(env: Any = None) -> int:
    """The size limit in bytes: ``LIA_UPLOAD_LIMIT`` if it is a positive integer, else :data:`MAX_UPLOAD_BYTES`."""
    raw = (os.environ if env is None else env).get("LIA_UPLOAD_LIMIT", "")
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return MAX_UPLOAD_BYTES
    return value if value > 0 else MAX_UPLOAD_BYTES


def human_size(n: int) -> str:
    """``n`` bytes as the page shows a limit: ``1 GiB``, ``64 MiB``, ``900 KiB``."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            v = n / size
            return f"{v:.0f} {unit}" if v >= 10 or v.is_integer() else f"{v:.1f} {unit}"
    return f"{n} B"


def upload_name(name: str) -> str | None:
    """The file name an upload called ``name`` is stored under, or None when it is no call log.

    Only the last part of a browser's file name counts; characters other than letters, digits,
    ``.``, ``_``, ``-`` become ``_``; no leading dot (hidden files are temporary uploads); the
    name must end in ``.csv``, ``.parquet`` or ``.pq``.
    """
    if not isinstance(name, str) or "\x00" in name:
        return None
    base = re.split(r"[\\/]", name)[-1].strip()
    safe = _UNSAFE.sub("_", base).lstrip("._")
    while ".." in safe:
        safe = safe.replace("..", ".")
    if len(safe) > 120:
        stem, dot, ext = safe.rpartition(".")
        safe = stem[: 119 - len(ext)] + dot + ext
    if not safe.lower().endswith(_SUFFIXES) or safe.lower() in _SUFFIXES:
        return None
    return safe


def unique_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/stem-2.ext``, ``-3``... : the first that does not exist yet."""
    path = folder / name
    stem, dot, ext = name.rpartition(".")
    n = 2
    while os.path.lexists(path):
        path = folder / f"{stem}-{n}{dot}{ext}"
        n += 1
    return path


def _store(tmp: Path, folder: Path, name: str) -> Path:
    """Give the finished upload ``tmp`` its name in ``folder`` without ever replacing a file (link, then unlink)."""
    for _ in range(1000):
        final = unique_path(folder, name)
        try:
            os.link(tmp, final)  # fails if the name was taken meanwhile: never overwrites
        except FileExistsError:
            continue
        os.unlink(tmp)
        return final
    raise OSError(f"no free name for {name} in {folder}")


def upload_handlers(server_url: str, home: str | Path) -> list[tuple[str, Any, dict[str, Any]]]:
    """The tornado handler rules ``lia serve`` adds: the upload endpoint for ``home``'s logs folder."""
    from jupyter_server.utils import url_path_join

    return [(url_path_join(server_url or "/", UPLOAD_PATH), _handler_class(),
             {"home": Path(home), "limit": upload_limit()})]


_HANDLER: Any = None


def _handler_class() -> Any:
    """:class:`LogUploadHandler`, built on first use (tornado and jupyter_server load only in the server)."""
    global _HANDLER
    if _HANDLER is not None:
        return _HANDLER
    import tempfile

    import tornado.web
    from tornado.http1connection import HTTP1Connection
    from jupyter_server.base.handlers import JupyterHandler

    @tornado.web.stream_request_body
    class LogUploadHandler(JupyterHandler):
        """``PUT ?name=NAME``: stream the body to ``<home>/logs/``; ``GET``: the limit."""

        def initialize(self, home: Path, limit: int) -> None:
            self.home, self.limit = Path(home), int(limit)
            self.tmp: Path | None = None
            self.fh: Any = None
            self.received = 0
            self.refused: tuple[int, str] | None = None

        def _answer(self, status: int, **body: Any) -> None:
            self.set_status(status)
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(json.dumps({"limit": self.limit, **body}))

        def _discard(self) -> None:
            if self.fh is not None:
                try:
                    self.fh.close()
                except OSError:
                    pass
                self.fh = None
            if self.tmp is not None:
                try:
                    os.unlink(self.tmp)
                except OSError:
                    pass
                self.tmp = None

        async def prepare(self) -> None:  # type: ignore[override]
            await super().prepare(_redirect_to_login=False)  # token / proxy user; 403 otherwise
            if self._finished or self.request.method != "PUT":
                return
            if not self.check_origin():
                raise tornado.web.HTTPError(403)
            name = upload_name(self.get_query_argument("name", ""))
            if name is None:
                self.refused = (400, "bad_name")
            try:
                declared = int(self.request.headers.get("Content-Length", "-1"))
            except ValueError:
                declared = -1
            if self.refused is None and declared > self.limit:
                self.refused = (413, "too_large")
            conn = self.request.connection
            assert isinstance(conn, HTTP1Connection)  # tornado's HTTP/1 server: the limit is per connection
            if self.refused is not None:
                # answer at once; the rest of the body is never read
                self._answer(self.refused[0], error=self.refused[1])
                conn.close()
                return
            conn.set_max_body_size(self.limit + 1)
            folder = self.home / "logs"
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
            self.tmp, self.fh = Path(tmp), os.fdopen(fd, "wb")
            self.name = name

        def data_received(self, chunk: bytes) -> None:
            if self.fh is None:
                return
            self.received += len(chunk)
            if self.received > self.limit:
                self._discard()
                self.refused = (413, "too_large")
                return
            self.fh.write(chunk)

        def on_connection_close(self) -> None:
            self._discard()  # a broken upload leaves nothing behind
            super().on_connection_close()

        async def put(self) -> None:
            if self.refused is not None:
                self._discard()
                if not self._finished:
                    self._answer(self.refused[0], error=self.refused[1])
                return
            try:
                self.fh.flush()
                os.fsync(self.fh.fileno())
                self.fh.close()
                self.fh = None
                assert self.tmp is not None and self.name is not None  # set when the body started
                final = _store(self.tmp, self.home / "logs", self.name)
                self.tmp = None
            except OSError:
                self._discard()
                self._answer(500, error="not_stored")
                return
            self._answer(201, name=final.name, size=self.received)

        async def get(self) -> None:
            _ = self.xsrf_token  # reading it sets the _xsrf cookie the page sends back with its PUT
            self._answer(200)

    _HANDLER = LogUploadHandler
    return _HANDLER
