"""What interrupted work leaves behind, found and removed by ``lia check --clean``.

``lia render`` builds each report in ``reports/<id>/.tmp-<pid>-<hex>/`` and renames the folder
into place when it is complete. A render killed hard (``kill -9``, a power cut) leaves that folder
with half a report, and may leave the Jupyter kernel it started running (an orphan whose
``JPY_PARENT_PID`` names the dead render). :func:`render_leftovers` lists such folders whose
owning process is gone; :func:`remove` deletes one and stops its orphan kernels. A folder whose
process still runs is a render in progress and is never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

__all__ = ["Leftover", "render_leftovers", "remove", "process_alive", "orphan_kernels"]

_TMP = re.compile(r"^\.tmp-(\d+)-[0-9a-f]+$")
_PROC = Path("/proc")


@dataclass(frozen=True)
class Leftover:
    """An unfinished render folder whose process is gone, and the kernels it left running."""

    path: Path
    pid: int
    kernels: tuple[int, ...] = ()


def _start_time(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), from /proc; None when unknown."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
        btime = next(int(ln.split()[1]) for ln in (_PROC / "stat").read_text().splitlines() if ln.startswith("btime "))
        return btime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def process_alive(pid: int, since: float | None = None) -> bool:
    """Whether process ``pid`` runs and (when ``since`` is given) started before ``since``.

    A process that started later only reuses the number of the one that wrote the folder.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    try:
        if (_PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            return False  # ended, not yet reaped
    except (OSError, IndexError):
        pass
    if since is not None:
        started = _start_time(pid)
        if started is not None and started > since + 1:
            return False
    return True


def orphan_kernels(parent: int) -> list[int]:
    """Running Jupyter kernels (ipykernel) started by process ``parent`` (their JPY_PARENT_PID)."""
    want = f"JPY_PARENT_PID={parent}".encode()
    out = []
    try:
        entries = [e for e in os.listdir(_PROC) if e.isdigit()]
    except OSError:
        return []
    for e in entries:
        try:
            env = (_PROC / e / "environ").read_bytes().split(b"\0")
            cmd = (_PROC / e / "cmdline").read_bytes()
        except OSError:
            continue
        if want in env and b"ipykernel" in cmd:
            out.append(int(e))
    return sorted(out)


def render_leftovers(ws: Any, ids: Iterable[str] | None = None) -> list[Leftover]:
    """Unfinished render folders (``reports/<id>/.tmp-<pid>-*``) whose process is gone."""
    root = Path(ws.reports_dir)
    if not root.is_dir():
        return []
    folders = [root / i for i in ids] if ids is not None else sorted(p for p in root.iterdir() if p.is_dir())
    out = []
    for folder in folders:
        if not folder.is_dir() or folder.is_symlink():
            continue
        for p in sorted(folder.iterdir()):
            m = _TMP.match(p.name)
            if not m or p.is_symlink() or not p.is_dir():
                continue
            pid = int(m.group(1))
            if process_alive(pid, since=p.stat().st_mtime):
                continue  # a render in progress
            kernels = tuple(orphan_kernels(pid)) if pid != os.getpid() else ()
            out.append(Leftover(p, pid, kernels))
    return out


def remove(leftover: Leftover, wait: float = 5.0) -> None:
    """Stop the leftover's orphan kernels (SIGTERM, then SIGKILL) and delete its folder."""
    for k in leftover.kernels:
        try:
            os.kill(k, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + wait
    for k in leftover.kernels:
        while time.monotonic() < deadline and process_alive(k):
            time.sleep(0.05)
        if process_alive(k):
            try:
                os.kill(k, signal.SIGKILL)
            except ProcessLookupError:
                pass
    shutil.rmtree(leftover.path, ignore_errors=True)
