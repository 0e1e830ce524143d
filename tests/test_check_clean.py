"""`lia check --clean` removes what a killed render left: its .tmp-* folder and its orphan kernel (issue 12, item 20).

Only leftovers whose owning process is gone are touched, and the command says what it removed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MINI_TEMPLATES, run_lia
from lia.leftovers import orphan_kernels, process_alive, render_leftovers
from lia.workspace import Workspace


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@pytest.fixture
def env(ws: Path) -> dict:
    return {"LIA_TEMPLATES": str(MINI_TEMPLATES), "LIA_HOME": str(ws)}


@pytest.fixture
def fake_kernel():
    """Start a process that looks like the kernel of a render that died (ipykernel, JPY_PARENT_PID=dead)."""
    started: list[subprocess.Popen] = []

    def start(parent: int) -> subprocess.Popen:
        p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", "-m", "ipykernel_launcher"],
                             env={**os.environ, "JPY_PARENT_PID": str(parent)})
        started.append(p)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and p.pid not in orphan_kernels(parent):
            time.sleep(0.05)
        return p

    yield start
    for p in started:  # only the processes this test started
        if p.poll() is None:
            p.kill()
        p.wait()


def test_clean_removes_a_dead_renders_folder_and_stops_its_kernel(ws: Path, env: dict, fake_kernel) -> None:
    dead = _dead_pid()
    half = ws / "reports" / "cc" / f".tmp-{dead}-0a1b2c3d"
    half.mkdir(parents=True)
    (half / "report.ipynb").write_text("{half a report")
    kernel = fake_kernel(dead)
    assert [lo.path for lo in render_leftovers(Workspace(ws))] == [half]

    r = run_lia("check", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert str(half) in r.stdout and f"process {dead}" in r.stdout and str(kernel.pid) in r.stdout
    assert half.exists() and kernel.poll() is None  # without --clean nothing is removed

    r = run_lia("check", "--clean", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"removed {half}" in r.stdout and f"orphan kernel process(es) {kernel.pid}" in r.stdout
    assert not half.exists()
    kernel.wait(timeout=10)
    assert not process_alive(kernel.pid)


def test_a_render_in_progress_is_left_alone(ws: Path, env: dict) -> None:
    running = ws / "reports" / "cc" / f".tmp-{os.getpid()}-00ff00ff"
    running.mkdir(parents=True)
    (running / "report.ipynb").write_text("{in progress")
    r = run_lia("check", "--clean", env=env)
    assert r.returncode == 0 and running.exists() and "removed" not in r.stdout


def test_a_reused_process_number_does_not_keep_a_leftover(ws: Path) -> None:
    """The folder is older than the process now holding its number: that process did not write it."""
    folder = ws / "reports" / "cc" / f".tmp-{os.getpid()}-12345678"
    folder.mkdir(parents=True)
    old = time.time() - 10 * 24 * 3600
    os.utime(folder, (old, old))
    assert [lo.path for lo in render_leftovers(Workspace(ws))] == [folder]


def test_a_killed_render_is_cleaned_up(ws: Path, env: dict) -> None:
    """The real thing: kill -9 a `lia render` while it runs, then `lia check --clean`."""
    repo = Path(__file__).resolve().parents[1]
    assert run_lia("example", env={"LIA_HOME": str(ws)}).returncode == 0
    aid = next(p.name for p in (ws / "assessments").iterdir())
    full = dict(os.environ, LIA_HOME=str(ws), PYTHONPATH=str(repo / "lib"))
    full.pop("LIA_TEMPLATES", None)
    proc = subprocess.Popen([sys.executable, "-m", "lia", "render", aid, "--no-pdf"], env=full,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        tmp: list[Path] = []
        while time.monotonic() < deadline and not (tmp and orphan_kernels(proc.pid)):
            tmp = list((ws / "reports" / aid).glob(".tmp-*")) if (ws / "reports" / aid).is_dir() else []
            if proc.poll() is not None:
                pytest.fail("the render ended before it could be interrupted")
            time.sleep(0.05)
        kernels = orphan_kernels(proc.pid)
        assert tmp and kernels
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    r = run_lia("check", "--clean", env={"LIA_HOME": str(ws)})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "removed" in r.stdout and not list((ws / "reports" / aid).glob(".tmp-*"))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(process_alive(k) for k in kernels):
        time.sleep(0.1)
    assert not any(process_alive(k) for k in kernels)
