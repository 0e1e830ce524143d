"""The lia command line as a user meets it: messages, exit codes, no tracebacks, fast start."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import MINI_TEMPLATES, ROOT, run_lia


@pytest.fixture
def env(ws: Path) -> dict:
    return {"LIA_TEMPLATES": str(MINI_TEMPLATES), "LIA_HOME": str(ws), "LIA_AUTHOR": "Dana DPO"}


def _ok(r) -> str:
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    return r.stdout


def _fails(r, code: int = 2) -> str:
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    assert r.stderr.startswith("lia: error: ")
    return r.stderr


def test_full_round_trip(env: dict, ws: Path) -> None:
    _ok(run_lia("new", "cc", "--title", "Call recording", "--jurisdiction", "NO", env=env))
    a = ws / "a.yaml"
    a.write_text("basics.purpose: Train agents\nbasics.scope: sample\nbasics.told: true\nbasics.told_how: IVR message\n")
    assert "version 2" in _ok(run_lia("save", "cc", "--answers", str(a), "-m", "first answers", env=env))
    b = ws / "b.json"
    b.write_text(json.dumps({"answers": {"basics.scope": "all_calls"}, "assessment": {"status": "draft", "owner": "Kim"}}))
    _ok(run_lia("save", "cc", "--answers", str(b), "-m", "widen", "--merge", "--parent", "2", env=env))
    hist = _ok(run_lia("history", "cc", env=env))
    assert "Dana DPO" in hist and "widen" in hist and hist.count("\n") == 3
    diff = _ok(run_lia("diff", "cc", "2", "3", env=env))
    assert "basics.scope: A sample  ->  All calls" in diff and "assessment.owner" in diff
    shown = json.loads(_ok(run_lia("show", "cc", "--json", env=env)))
    assert shown["number"] == 3 and shown["answers"]["basics.purpose"] == "Train agents"
    assert "Hvilke samtal?" not in _ok(run_lia("show", "cc", "--lang", "nb", env=env))  # ids shown, values translated
    assert "Alle samtaler" in _ok(run_lia("show", "cc", "--lang", "nb", env=env))
    assert "OK: 1 assessment(s), 3 version(s)" in _ok(run_lia("check", env=env))
    assert "valid" in _ok(run_lia("validate", "cc", env=env))


def test_show_json_output_can_be_saved_back(env: dict, ws: Path) -> None:
    _ok(run_lia("new", "cc", "--title", "T", env=env))
    out = ws / "v1.json"
    out.write_text(_ok(run_lia("show", "cc", "--json", env=env)))
    _ok(run_lia("save", "cc", "--answers", str(out), "-m", "same again", env=env))


def test_errors_name_file_place_and_expectation(env: dict, ws: Path) -> None:
    _ok(run_lia("new", "cc", "--title", "T", env=env))
    bad = ws / "bad.yaml"
    bad.write_text("basics.purpose: ok\nbasics.scope: [sample\n")
    err = _fails(run_lia("save", "cc", "--answers", str(bad), "-m", "x", env=env))
    assert str(bad) in err and "line 3" in err
    wrong = ws / "wrong.yaml"
    wrong.write_text("basics.scope: everything\nlimits.days: many\nbasics.purpse: x\n")
    err = _fails(run_lia("save", "cc", "--answers", str(wrong), "-m", "x", env=env))
    assert "3 problem(s)" in err
    assert "basics.scope: expected one of all_calls, sample, got 'everything'" in err
    assert "limits.days: expected a number" in err
    assert "did you mean basics.purpose" in err
    err = _fails(run_lia("validate", str(wrong), env=env))
    assert "required answer missing" in err
    assert sorted(p.name for p in (ws / "assessments" / "cc" / "versions").iterdir()) == ["0001.json"]


@pytest.mark.parametrize("bad_id", ["../../etc", "a/b", "UPPER", ".."])
def test_path_like_ids(env: dict, bad_id: str) -> None:
    err = _fails(run_lia("new", bad_id, "--title", "T", env=env))
    assert "not allowed" in err
    err = _fails(run_lia("history", bad_id, env=env))
    assert "not allowed" in err


def test_missing_workspace_and_assessment(env: dict, tmp_path: Path) -> None:
    err = _fails(run_lia("--home", str(tmp_path / "nope"), "history", "cc", env=env))
    assert "does not exist" in err
    err = _fails(run_lia("history", "cc", env=env))
    assert "no assessment 'cc'" in err and "lia new cc" in err


def test_conflict_exit_code_and_kept_file(env: dict, ws: Path) -> None:
    _ok(run_lia("new", "cc", "--title", "T", env=env))
    a = ws / "a.yaml"
    a.write_text("basics.purpose: one\n")
    _ok(run_lia("save", "cc", "--answers", str(a), "-m", "v2", env=env))
    a.write_text("basics.purpose: mine\n")
    r = run_lia("save", "cc", "--answers", str(a), "-m", "stale", "--parent", "1", env=env)
    err = _fails(r, code=3)
    kept = Path(err.split("kept in ")[1].split(". See")[0])
    assert json.loads(kept.read_text())["answers"] == {"basics.purpose": "mine"}


def test_check_fails_on_tampering(env: dict, ws: Path) -> None:
    _ok(run_lia("new", "cc", "--title", "T", env=env))
    p = ws / "assessments" / "cc" / "versions" / "0001.json"
    p.write_text(p.read_text().replace('"title": "T"', '"title": "X"'))
    r = run_lia("check", env=env)
    assert r.returncode == 1 and "INTEGRITY CHECK FAILED" in r.stdout and str(p) in r.stdout
    err = _fails(run_lia("show", "cc", env=env), code=4)
    assert "altered after it was saved" in err


def test_bad_version_argument(env: dict) -> None:
    r = run_lia("show", "cc", "--version", "zero", env=env)
    assert r.returncode == 2 and "expected a version number" in r.stderr and "Traceback" not in r.stderr


STORE_COMMANDS = [
    ["--help"],
    ["new", "x1", "--title", "T"],
    ["save", "x1", "--answers", "{a}", "-m", "m"],
    ["show", "x1"],
    ["history", "x1"],
    ["diff", "x1", "1", "2"],
    ["validate", "x1", "--draft"],
    ["check"],
]


def test_store_commands_import_no_notebook_machinery(env: dict, ws: Path, tmp_path: Path) -> None:
    """new, save, show, history, diff, validate, check never import papermill, altair, voila or pandas."""
    a = ws / "a.yaml"
    a.write_text("basics.purpose: x\n")
    probe = tmp_path / "sitecustomize.py"
    probe.write_text(
        "import atexit, sys\n"
        "def _report():\n"
        "    heavy = sorted(m for m in ('papermill', 'altair', 'voila', 'pandas', 'nbconvert', 'nbclient') if m in sys.modules)\n"
        "    sys.stderr.write('HEAVY=' + ','.join(heavy) + '\\n')\n"
        "atexit.register(_report)\n"
    )
    for cmd in STORE_COMMANDS:
        args = [c.replace("{a}", str(a)) for c in cmd]
        r = run_lia(*args, env={**env, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "lib")])})
        assert r.returncode == 0, (cmd, r.stderr)
        line = [ln for ln in r.stderr.splitlines() if ln.startswith("HEAVY=")]
        assert line == ["HEAVY="], (cmd, line)
