"""`lia save` never loses a colleague's answers (issue 12, items 1 and 2), run as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import MINI_TEMPLATES, run_lia


@pytest.fixture
def env(ws: Path) -> dict:
    return {"LIA_TEMPLATES": str(MINI_TEMPLATES), "LIA_HOME": str(ws), "LIA_AUTHOR": "Ada"}


def _ok(r) -> str:
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    return r.stdout


def _refused(r) -> str:
    assert r.returncode == 3, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stderr.startswith("lia: error: ")
    return r.stderr


def _head(ws: Path) -> dict:
    vdir = ws / "assessments" / "cc" / "versions"
    return json.loads(sorted(vdir.iterdir())[-1].read_text())


@pytest.fixture
def shown(env: dict, ws: Path) -> tuple[Path, Path]:
    """Version 2 exists; Ada and Bo each printed it with `lia show --json` to edit it."""
    _ok(run_lia("new", "cc", "--title", "Call recording", env=env))
    a = ws / "v2.yaml"
    a.write_text("basics.purpose: Train agents\nlimits.retention: P90D\nlimits.days: 5\n")
    _ok(run_lia("save", "cc", "--answers", str(a), "-m", "v2", env=env))
    text = _ok(run_lia("show", "cc", "--json", env=env))
    ada, bo = ws / "ada.json", ws / "bo.json"
    ada.write_text(text)
    bo.write_text(text)
    return ada, bo


def _edit(path: Path, **answers) -> None:
    data = json.loads(path.read_text())
    for k, v in answers.items():
        data["answers"][k.replace("__", ".")] = v
    path.write_text(json.dumps(data))


def test_two_saves_without_parent_merge_instead_of_replacing(env: dict, ws: Path, shown) -> None:
    """Item 2: both saved `lia show --json` files without --parent; Bo's retention survives Ada's save."""
    ada, bo = shown
    _edit(bo, limits__retention="P30D")
    _ok(run_lia("save", "cc", "--answers", str(bo), "-m", "shorter retention", "--author", "Bo", env=env))
    _edit(ada, limits__share=20)
    out = _ok(run_lia("save", "cc", "--answers", str(ada), "-m", "share of calls", env=env))
    assert "Version 3 (by Bo) was saved after version 2, which you edited: merged." in out
    assert "kept from version 3: limits.retention" in out and "taken from yours: limits.share" in out
    head = _head(ws)
    assert head["number"] == 4
    assert head["answers"]["limits.retention"] == "P30D" and head["answers"]["limits.share"] == 20
    assert "merged with version 3 by Bo" in head["message"]


def test_both_changed_is_refused_listed_kept_and_finished_per_question(env: dict, ws: Path, shown) -> None:
    ada, bo = shown
    _edit(bo, limits__retention="P30D", limits__days=3)
    _ok(run_lia("save", "cc", "--answers", str(bo), "-m", "Bo's edit", "--author", "Bo", env=env))
    _edit(ada, limits__retention="P1Y", limits__days=7, limits__share=20)
    err = _refused(run_lia("save", "cc", "--answers", str(ada), "-m", "Ada's edit", env=env))
    assert "Both of you changed 2 question(s) differently" in err
    assert 'limits.days: yours 7, theirs 3' in err and 'limits.retention: yours "P1Y", theirs "P30D"' in err
    assert "--merge-from-conflict" in err and "--take mine|theirs" in err
    kept = Path(err.split("kept in ")[1].split(". See")[0])
    assert json.loads(kept.read_text())["answers"]["limits.share"] == 20
    assert _head(ws)["number"] == 3  # nothing saved

    # a choice for one of two is not enough: refused again, naming the one left open
    err = _refused(run_lia("save", "cc", "--merge-from-conflict", str(kept), "--choose", "limits.days=theirs", env=env))
    assert "Both of you changed 1 question(s)" in err and "limits.retention: yours" in err and "limits.days: yours" not in err
    assert len(list(kept.parent.iterdir())) == 1  # the attempt is not kept twice

    out = _ok(run_lia("save", "cc", "--merge-from-conflict", str(kept), "--take", "mine", "--choose", "limits.days=theirs", env=env))
    assert "limits.days (theirs)" in out and "limits.retention (mine)" in out
    head = _head(ws)
    assert head["number"] == 4 and head["message"].startswith("Ada's edit (merged with version 3 by Bo")
    assert head["answers"]["limits.retention"] == "P1Y" and head["answers"]["limits.days"] == 3
    assert head["answers"]["limits.share"] == 20 and head["author"] == "Ada"


def test_plain_file_saves_against_the_head_it_read_and_parent_merges(env: dict, ws: Path, shown) -> None:
    _ada, bo = shown
    _edit(bo, limits__retention="P30D")
    _ok(run_lia("save", "cc", "--answers", str(bo), "-m", "Bo", "--author", "Bo", env=env))
    plain = ws / "plain.yaml"
    plain.write_text("basics.purpose: Train agents\nlimits.retention: P90D\nlimits.days: 5\nlimits.share: 10\n")
    out = _ok(run_lia("save", "cc", "--answers", str(plain), "-m", "edited v2", "--parent", "2", env=env))
    assert "merged" in out and _head(ws)["answers"]["limits.retention"] == "P30D"
    # --force replaces on purpose, and says so
    out = _ok(run_lia("save", "cc", "--answers", str(plain), "-m", "reset", "--parent", "2", "--force", env=env))
    assert "--force: replaced the answers of version 4" in out
    assert _head(ws)["answers"]["limits.retention"] == "P90D"


def test_a_file_from_elsewhere_or_contradicting_parent_is_named(env: dict, ws: Path, shown) -> None:
    ada, _bo = shown
    data = json.loads(ada.read_text())
    data["digest"] = "sha256:" + "0" * 64
    ada.write_text(json.dumps(data))
    r = run_lia("save", "cc", "--answers", str(ada), "-m", "x", env=env)
    assert r.returncode == 2 and str(ada) in r.stderr and "comes from another assessment or workspace" in r.stderr
    data["digest"] = _head(ws)["digest"]
    ada.write_text(json.dumps(data))
    r = run_lia("save", "cc", "--answers", str(ada), "-m", "x", "--parent", "1", env=env)
    assert r.returncode == 2 and "edited from version 2 (its `number:`), but --parent 1" in r.stderr
    r = run_lia("save", "cc", "--answers", str(ada), "-m", "x", "--choose", "limits.days", env=env)
    assert r.returncode == 2 and "expected QUESTION=mine or QUESTION=theirs" in r.stderr
    r = run_lia("save", "cc", "-m", "x", env=env)
    assert r.returncode == 2 and "--answers FILE" in r.stderr
