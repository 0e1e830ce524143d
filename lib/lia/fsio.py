"""The one way lia writes a file whole: temporary file, fsync, rename, fsync of the folder.

A reader (another process, the wizard, a report) sees the old file or the new one, never half of
one, and a crash or a failed writer leaves no partial file behind: the temporary file sits in the
same folder as the target (``.tmp-<pid>-<random><suffix>``, so the rename never crosses file
systems) and is removed when anything fails.

* :func:`atomic_write` - bytes or text.
* :func:`atomic_write_with` - a writer that wants a path (pyarrow's Parquet and CSV writers).
* ``exclusive=True`` - never replace: the file is hard-linked to its name, which fails with
  :class:`FileExistsError` when the name is taken, even by another process a moment earlier
  (the store's version numbers rely on it).
* :func:`remove` - delete a file and make the deletion durable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Callable

__all__ = ["atomic_write", "atomic_write_with", "fsync_dir", "remove"]


def fsync_dir(path: str | Path) -> None:
    """Make a rename, link or removal in folder ``path`` durable (where the platform allows it)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_with(path: str | Path, writer: Callable[[Path], object], *, exclusive: bool = False) -> Path:
    """Call ``writer(tmp)`` to write a temporary file next to ``path``, fsync it, then move it to
    ``path`` (replacing it, or with ``exclusive`` refusing to: :class:`FileExistsError`) and fsync
    the folder. Whatever ``writer`` raises is raised again after the temporary file is removed;
    ``path`` is untouched then. Returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".tmp-{os.getpid()}-{secrets.token_hex(6)}{path.suffix}"
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    try:
        writer(tmp)
        _fsync_file(tmp)
        if exclusive:
            os.link(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)
    return path


def atomic_write(path: str | Path, data: bytes | str, *, exclusive: bool = False) -> Path:
    """Write ``data`` (text is written as UTF-8) to ``path`` whole; see :func:`atomic_write_with`."""
    raw = data.encode("utf-8") if isinstance(data, str) else data

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            fh.write(raw)

    return atomic_write_with(path, write, exclusive=exclusive)


def remove(path: str | Path) -> bool:
    """Delete ``path`` and fsync its folder; False when there was nothing to delete."""
    path = Path(path)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    fsync_dir(path.parent)
    return True
