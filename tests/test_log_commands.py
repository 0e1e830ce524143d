"""`lia periods` and `lia access` share their command mechanics (lia.commands._evidence): the same checks
of --tz, the same output and the same --detach."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

LIB = str(Path(__file__).parents[1] / "lib")


def run_lia(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": LIB, "LIA_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "lia", *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("command", ["periods", "access"])
@pytest.mark.parametrize("tz", ["A" * 5000, "../../etc/passwd", "Mars/Base"])
def test_a_bad_time_zone_is_bad_input_for_both_commands(tmp_path, command, tz):
    # `lia access --tz` with a 5000-character name used to end in an internal error (the zone database
    # fails on the file name); both commands now check --tz the same way
    res = run_lia(command, "cc-rec", "--log", str(tmp_path / "log.csv"), "--tz", tz, home=tmp_path)
    assert res.returncode == 2, res.stderr
    assert "unknown time zone" in res.stderr and "(--tz)" in res.stderr
    assert "internal error" not in res.stderr and "Traceback" not in res.stderr and len(res.stderr) < 400


@pytest.mark.parametrize("command", ["periods", "access"])
def test_detach_with_nothing_attached_says_so(tmp_path, command):
    (tmp_path / "assessments").mkdir()
    res = run_lia(command, "nope", "--detach", home=tmp_path)
    assert res.returncode == 0 and res.stdout.startswith("nope has no") and "evidence" in res.stdout, res.stderr
