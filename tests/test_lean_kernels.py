"""``lia serve --lean-kernels`` (issue 12 item 5): preheated wizard kernels without the chart libraries.

A wizard kernel that has loaded Altair and vl-convert holds about 90 MB more and costs 2-3 s
more CPU to preheat; with ``--lean-kernels`` the page loads them for its first chart instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from lia.kernel import LEAN_ENV, warm_charts
from lia.serve import ServeOptions, serve_environment

ROOT = Path(__file__).resolve().parents[1]


def test_lean_kernels_reach_the_kernels_environment(tmp_path: Path) -> None:
    assert serve_environment(ServeOptions(home=tmp_path, lean=True), base={})[LEAN_ENV] == "1"
    # a server started without it never passes on a stray value from its own environment
    assert LEAN_ENV not in serve_environment(ServeOptions(home=tmp_path), base={LEAN_ENV: "1"})
    assert warm_charts({}) is True and warm_charts({LEAN_ENV: "1"}) is False


def _warm_up_modules(tmp_path: Path, lean: bool) -> list[str]:
    code = ("import json, sys\nfrom lia.kernel import warm_charts\nfrom lia.pages.wizard.reasoning import warm_up\n"
            "warm_up('en', charts=warm_charts())\n"
            "print(json.dumps([m for m in ('altair', 'vl_convert') if m in sys.modules]))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib"), "LIA_HOME": str(tmp_path)}
    env.pop(LEAN_ENV, None)
    if lean:
        env[LEAN_ENV] = "1"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300, check=True)
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_a_lean_kernel_warms_the_rules_but_not_the_chart_libraries(tmp_path: Path) -> None:
    assert _warm_up_modules(tmp_path, lean=True) == []
    assert _warm_up_modules(tmp_path, lean=False) == ["altair", "vl_convert"]
