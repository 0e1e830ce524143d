"""papermill finds lia-warm through its entry point, whichever of the two is imported first.

papermill loads every engine entry point while it is being imported; lia.reports.engine imports
papermill. A clean install once failed with "partially initialized module '...engine' has
no attribute 'WarmEngine'" when the engine module came first. The entry point is simulated with a
dist-info folder on the path, as pip writes it on install (the one name, ``lia.reports.engine:WarmEngine``;
``make install`` writes it again when pyproject.toml changes).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def entry_point_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    target = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["papermill.engine"]
    site = tmp_path_factory.mktemp("site")
    info = site / "lia_entry_test-0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: lia-entry-test\nVersion: 0.0\n")
    (info / "entry_points.txt").write_text("[papermill.engine]\n" + "".join(f"{k} = {v}\n" for k, v in target.items()))
    return os.pathsep.join([str(site), str(ROOT / "lib")])


@pytest.mark.parametrize("first,second", [("lia.reports.engine", "papermill"), ("papermill", "lia.reports.engine"),
                                          ("lia.reports.render", "papermill")])
def test_warm_engine_registered_whatever_is_imported_first(entry_point_path: str, first: str, second: str) -> None:
    code = (f"import {first}, {second}, sys\n"
            "from papermill.engines import papermill_engines\n"
            "import lia.reports.engine\n"
            "assert papermill_engines.get_engine('lia-warm') is lia.reports.engine.WarmEngine, 'two different classes'\n"
            "print('ok')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PYTHONPATH=entry_point_path))
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]
