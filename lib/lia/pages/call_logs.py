"""The call logs the works-council page offers: the files in ``<workspace>/logs/`` (by name, never
a path on the server) and the generated demo log with its own limits."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from lia.errors import LiaError, Message, excerpt, shown_name

__all__ = ["LOGS_FOLDER", "logs_folder", "list_logs", "workspace_log", "demo_log"]


#: The folder of the workspace whose call logs the page offers (``<home>/logs/``).
LOGS_FOLDER = "logs"
_LOG_SUFFIXES = (".csv", ".parquet", ".pq")


def logs_folder(ws: Any) -> Path:
    """``<workspace>/logs/``: the only place the works-council page reads call logs from."""
    return Path(ws.home) / LOGS_FOLDER


def _confined(folder: Path, name: str) -> Path | None:
    """The real path of ``folder/name`` if it is a regular file inside ``folder`` (links resolved), else None."""
    import stat

    if not name or name != Path(name).name or name.startswith(".") or "\\" in name or "\x00" in name:
        return None
    try:
        real, root = (folder / name).resolve(strict=True), folder.resolve(strict=True)
        mode = os.stat(real).st_mode
    except (OSError, RuntimeError, ValueError):
        return None
    if real.parent != root or not stat.S_ISREG(mode):
        return None
    return real


def list_logs(ws: Any) -> list[str]:
    """Names of the call logs the page offers: CSV and Parquet files directly in ``<home>/logs/``.

    Links are followed only when they stay in that folder; folders, devices and pipes are left out.
    """
    folder = logs_folder(ws)
    try:
        names = sorted(e.name for e in os.scandir(folder))
    except OSError:
        return []
    return [n for n in names if n.lower().endswith(_LOG_SUFFIXES) and _confined(folder, n) is not None]


def workspace_log(ws: Any, name: str) -> Path:
    """The path of the call log ``name`` in ``<home>/logs/``; a LiaError for anything else.

    ``name`` is a file name, not a path: ``../x``, ``/etc/shadow``, a link leading out of the
    folder, a folder or a device are refused, and the message names only the folder.
    """
    folder = logs_folder(ws)
    real = _confined(folder, name) if isinstance(name, str) and name.lower().endswith(_LOG_SUFFIXES) else None
    if real is None:
        raise LiaError(Message("errors.wc_not_a_log", name=excerpt(name), folder=shown_name(folder)))
    return real


def demo_log(home: Path) -> tuple[Path, dict[str, Any]]:
    """The demo call log and its limits under ``home/periods-demo/``, generated on first use."""
    from lia.periods.synth import INJECTABLE, generate, write_table_atomic

    folder = Path(home) / "periods-demo"
    log, limits = folder / "demo-calls.parquet", folder / "demo-limits.json"
    if not (log.is_file() and limits.is_file()):
        g = generate(seed=42, inject=INJECTABLE)
        g.write_parquet(log)
        write_table_atomic(limits, lambda tmp: Path(tmp).write_text(json.dumps(g.answers, indent=2), encoding="utf-8"))
    return log, json.loads(limits.read_text(encoding="utf-8"))
