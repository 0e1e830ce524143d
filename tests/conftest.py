"""Shared fixtures: a workspace in a temporary folder and the small test questionnaire."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_TEMPLATES = FIXTURES / "templates"


@pytest.fixture(scope="session", autouse=True)
def _user_config(tmp_path_factory: pytest.TempPathFactory):
    """The user's own configuration (trust roots pinned by `lia keys new`, the cache secret) in a temporary
    folder, never the real ~/.config; set in os.environ so subprocesses and servers use it too."""
    old = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("xdg-config"))
    yield
    if old is None:
        os.environ.pop("XDG_CONFIG_HOME", None)
    else:
        os.environ["XDG_CONFIG_HOME"] = old


@pytest.fixture
def mini(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Use the small test questionnaire (every question type) instead of the real ones."""
    monkeypatch.setenv("LIA_TEMPLATES", str(MINI_TEMPLATES))
    return MINI_TEMPLATES


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty workspace folder, also set as LIA_HOME."""
    home = tmp_path / "ws"
    home.mkdir()
    monkeypatch.setenv("LIA_HOME", str(home))
    monkeypatch.delenv("LIA_AUTHOR", raising=False)
    return home


def run_lia(*args: str, env: dict | None = None, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real `lia` command line in a subprocess (as a user would)."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(ROOT / "lib") + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.pop("LIA_DEBUG", None)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "lia", *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=timeout
    )
