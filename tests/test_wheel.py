"""The wheel carries everything the workbench needs: installed from it, `lia` runs with no checkout.

The test builds the wheel from a copy of the sources, installs it with ``--no-deps`` into a fresh
virtual environment that borrows the test environment's already installed dependencies (a ``.pth``
naming its site-packages, and its ``share/jupyter`` for Voila's and nbconvert's base templates), and
then, in an empty folder and with no ``PYTHONPATH`` or ``LIA_*`` variables, runs ``lia example``,
``lia evaluate``, ``lia render --no-pdf`` and ``lia serve``, fetching the wizard page and its script.
It asserts that ``lia`` is imported from the new environment, so the questionnaires, rule packs,
report notebook, Voila apps, Voila template and page script all come from the wheel.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: What the build reads (pyproject.toml, setup.py and MANIFEST.in name nothing else).
BUILD_INPUTS = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "lib", "templates", "notebooks"]
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints")

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(argv: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources (the checkout stays untouched)."""
    src = tmp_path_factory.mktemp("src")
    for name in BUILD_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=IGNORE)
        else:
            shutil.copy2(path, src / name)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(src)],
         cwd=src, env=dict(os.environ), timeout=600)
    (whl,) = dist.glob("lia_workbench-*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed and the test environment's dependencies visible."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    python = root / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  check=True, capture_output=True, text=True).stdout.strip())
    # Plain paths in a .pth: the borrowed site-packages' own .pth files (such as an editable
    # install of this checkout) are not processed, so lia cannot come from there.
    borrowed = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (purelib / "_lia_borrowed_dependencies.pth").write_text("".join(f"{p}\n" for p in borrowed))
    shared = Path(sys.prefix) / "share" / "jupyter"
    if shared.is_dir():
        (root / "share").mkdir(exist_ok=True)
        (root / "share" / "jupyter").symlink_to(shared, target_is_directory=True)
    # --ignore-installed: install into the new environment, never uninstall the borrowed one's lia
    _run([str(python), "-m", "pip", "install", "--no-deps", "--ignore-installed", "--no-index", "--quiet", str(wheel)],
         cwd=root, env=_clean_env(root), timeout=300)
    return root


def _clean_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LIA_", "PYTHON", "JUPYTER", "VIRTUAL_ENV", "PIP_")) or k == "PIP_CONFIG_FILE"}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["PYTHONNOUSERSITE"] = "1"
    return env


def test_wheel_carries_the_data_the_workbench_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in [
        "lia/py.typed",
        "lia/_data/templates/questionnaires/lia.yaml",
        "lia/_data/templates/rules/eu.yaml",
        "lia/_data/templates/rules/se.yaml",
        "lia/_data/templates/rules/no.yaml",
        "lia/_data/templates/report.ipynb",
        "lia/_data/templates/i18n/wizard.yaml",
        "lia/_data/templates/examples/contact-centre/assessment.yaml",
        "lia/_data/templates/nbconvert/lia_report/index.html.j2",
        "lia/_data/templates/jupyter/voila/templates/lia/index.html.j2",
        "lia/_data/templates/jupyter/voila/templates/lia/static/lia-page/lia-page.js",
        "lia/_data/notebooks/wizard.ipynb",
    ]:
        assert needed in names, f"the wheel lacks {needed}"
    # everything under the top-level folders is shipped
    for top in ("templates", "notebooks"):
        for path in (ROOT / top).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts:
                rel = f"lia/_data/{top}/{path.relative_to(ROOT / top).as_posix()}"
                assert rel in names, f"the wheel lacks {rel}"


def test_installed_wheel_runs_in_an_empty_folder(venv: Path, tmp_path: Path) -> None:
    env = _clean_env(venv)
    python = str(venv / "bin" / "python")
    lia = str(venv / "bin" / "lia")
    work = tmp_path / "empty"
    work.mkdir()

    where = _run([python, "-c", "import lia, lia.paths; print(lia.__file__); print(lia.paths.templates_dir())"],
                 cwd=work, env=env).stdout.split()
    assert Path(where[0]).resolve().is_relative_to(venv.resolve()), f"lia came from {where[0]}, not the new environment"
    assert Path(where[1]).resolve().is_relative_to(venv.resolve()), f"templates came from {where[1]}"

    _run([lia, "example"], cwd=work, env=env)
    ids = sorted(p.name for p in (work / "assessments").iterdir())
    assert ids, "lia example wrote no assessment into the empty folder"
    ident = ids[0]

    evaluation = json.loads(_run([lia, "evaluate", ident, "--json"], cwd=work, env=env).stdout)
    assert evaluation["lia"]["overall"]["verdict"]
    assert evaluation["findings"], "the installed rule packs produced no findings for the example"

    rendered = json.loads(_run([lia, "render", ident, "--no-pdf", "--json", "--workers", "1"],
                               cwd=work, env=env, timeout=600).stdout)
    assert rendered
    html = list((work / "reports" / ident).rglob("report.html"))
    assert html, f"lia render wrote no report.html under {work / 'reports' / ident}"
    assert "<html" in html[0].read_text(encoding="utf-8").lower()

    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen([lia, "serve", "--port", str(port), "--no-token", "--no-browser"],
                                  cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        page = _fetch_when_up(f"http://127.0.0.1:{port}/voila/render/wizard.ipynb", server, log)
        assert "lia-page.js" in page
        script = re.search(r'src="([^"]*lia-page\.js[^"]*)"', page)
        assert script, "the wizard page does not load the page script"
        src = script.group(1)
        url = src if src.startswith("http") else f"http://127.0.0.1:{port}/{src.lstrip('/')}"
        with urllib.request.urlopen(url, timeout=30) as r:
            assert r.status == 200
            assert len(r.read()) > 100_000
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
    text = log.read_text(errors="replace")
    assert str(ROOT / "templates") not in text and str(ROOT / "notebooks") not in text


def _fetch_when_up(url: str, server: subprocess.Popen, log: Path, timeout: float = 180) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"lia serve exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=60) as r:
                if r.status == 200:
                    return r.read().decode("utf-8", "replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout} s:\n{log.read_text()[-3000:]}")
