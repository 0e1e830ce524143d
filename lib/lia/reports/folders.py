"""Where reports live: ``reports/<id>/v<N>`` (``v<N>-r<k>`` for a later render of the same version).

An old report, and its signatures, are never overwritten: rendering version N
again takes the next free ``-r<k>``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

__all__ = ["DIR_RE", "dir_key", "next_dir", "report_dirs"]

DIR_RE = re.compile(r"^v(\d+)(?:-r(\d+))?$")


def dir_key(p: Path) -> tuple[int, int]:
    """(N, k) of a folder named ``v<N>`` (k = 1) or ``v<N>-r<k>``, for sorting."""
    m = DIR_RE.match(p.name)
    assert m
    return int(m.group(1)), int(m.group(2) or 1)


def report_dirs(ws: Any, aid: str | None = None) -> list[Path]:
    """Finished report folders (reports/<id>/v<N>[-r<k>]) with a statement, oldest first per assessment."""
    base = Path(ws.reports_dir)
    if not base.is_dir():
        return []
    out = []
    for adir in sorted(base.iterdir()) if aid is None else [base / aid]:
        if not adir.is_dir():
            continue
        dirs = [p for p in adir.iterdir() if p.is_dir() and DIR_RE.match(p.name)]
        out.extend(sorted(dirs, key=dir_key))
    return out


def next_dir(ws: Any, aid: str, number: int) -> Path:
    """The first free folder name for a report of answers version ``number``."""
    adir = Path(ws.reports_dir) / aid
    first = adir / f"v{number}"
    if not first.exists():
        return first
    k = 2
    while (adir / f"v{number}-r{k}").exists():
        k += 1
    return adir / f"v{number}-r{k}"

_dir_key = dir_key  # the name callers outside this package use (lia.pages.wizard.actions)
