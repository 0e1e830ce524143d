"""A changed rule pack, template or answers version marks exactly the affected reports stale; --stale re-renders them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from lia.workspace import Workspace

from .conftest import add_assessment, make_workspace, render_one

FAKE_PACK = """kind: rule_pack
id: {id}
version: 1.0.0
jurisdiction: {jur}
title: {{en: "{id}", sv: "{id}", nb: "{id}"}}
rules: []
"""


def _bump(path: Path) -> tuple[str, str]:
    """Raise the pack's minor version in place; returns (old, new)."""
    text = path.read_text(encoding="utf-8")
    m = re.search(r"^version:\s*['\"]?(\d+)\.(\d+)\.(\d+)['\"]?\s*$", text, flags=re.M)
    assert m, f"no version line in {path}"
    old = f"{m.group(1)}.{m.group(2)}.{m.group(3)}"
    new = f"{m.group(1)}.{int(m.group(2)) + 1}.0"
    path.write_text(text[:m.start()] + f"version: {new}" + text[m.end():], encoding="utf-8")
    return old, new


@pytest.fixture
def setup(tmp_path: Path, templates_copy: Path, pool: Any) -> dict[str, Any]:
    """Own templates (with rule packs eu, se, no) and two assessments: one Swedish, one Norwegian."""
    tdir = tmp_path / "templates"
    shutil.copytree(templates_copy, tdir)
    rules = tdir / "rules"
    rules.mkdir(exist_ok=True)
    for pid, jur in (("eu", "EU"), ("se", "SE"), ("no", "NO")):
        if not (rules / f"{pid}.yaml").exists():  # the real packs when lia.rules provides them
            (rules / f"{pid}.yaml").write_text(FAKE_PACK.format(id=pid, jur=jur), encoding="utf-8")
    ws = make_workspace(tmp_path / "ws", tdir)
    add_assessment(ws, "sweden-only", tdir, jurisdictions=["EU", "SE"])
    add_assessment(ws, "norway-only", tdir, jurisdictions=["EU", "NO"])
    dirs = {aid: render_one(ws, aid, tdir, pool) for aid in ("sweden-only", "norway-only")}
    return {"ws": ws, "templates": tdir, "dirs": dirs}


def _states(ws: Workspace, tdir: Path) -> dict[str, tuple[str, list[str]]]:
    from lia.reports.status import report_status

    return {f"{r.aid}/{r.dir.name}": (r.state, r.reasons) for r in report_status(ws, tdir)}


def test_fresh_reports_are_current(setup: dict[str, Any]) -> None:
    states = _states(setup["ws"], setup["templates"])
    assert states == {"sweden-only/v1": ("current", []), "norway-only/v1": ("current", [])}


def test_bumped_rule_pack_marks_only_the_reports_it_applies_to(setup: dict[str, Any], pool: Any,
                                                               keys_for: Any) -> None:
    from lia.reports.render import RenderJob, render_many
    from lia.reports.status import report_status

    ws, tdir = setup["ws"], setup["templates"]
    old, new = _bump(tdir / "rules" / "no.yaml")
    states = _states(ws, tdir)
    assert states["sweden-only/v1"] == ("current", [])
    assert states["norway-only/v1"] == ("stale", [f"rule pack no {old} -> {new}"])

    # The old Norwegian report is signed: the re-render compares with it, and keeps it intact.
    signed_dir = setup["dirs"]["norway-only"]
    keys_for(ws, signed_dir)
    before = (signed_dir / "statement.dsse.json").read_bytes()

    stale = [r for r in report_status(ws, tdir) if r.state == "stale"]
    results = render_many(ws, [RenderJob(r.aid, None, "en", r.reasons) for r in stale], templates=tdir, pool=pool,
                          pdf=False, progress=False)
    assert [(r.aid, r.dir.name) for r in results] == [("norway-only", "v1-r2")]
    new_dir = results[0].dir
    changes = json.loads((new_dir / "changes.json").read_text())
    assert changes["baseline"] == {"dir": "norway-only/v1", "signed": True}
    assert changes["reasons"] == [f"rule pack no {old} -> {new}"]
    assert set(changes) >= {"added", "removed", "changed", "verdicts"}
    assert "rule pack no" in (new_dir / "changes.md").read_text()
    assert not (new_dir / "statement.dsse.json").exists()  # the new report needs new signatures

    states = _states(ws, tdir)
    assert states["norway-only/v1-r2"] == ("current", [])
    assert states["norway-only/v1"][0] == "superseded"
    assert states["sweden-only/v1"] == ("current", [])
    assert not (ws.reports_dir / "sweden-only" / "v1-r2").exists()

    # The old signatures still verify for the old report (which is now stale, exit code 3).
    from lia.reports.signing import verify_report

    assert (signed_dir / "statement.dsse.json").read_bytes() == before
    res = verify_report(ws, signed_dir, templates=tdir)
    assert res.problems == [] and res.exit_code == 3


def test_changed_template_and_newer_answers_are_reasons(setup: dict[str, Any],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from lia.store import Store

    ws, tdir = setup["ws"], setup["templates"]
    css = tdir / "nbconvert" / "lia_report" / "static" / "report.css"
    css.write_text(css.read_text() + "\n/* darker headings */\n")
    monkeypatch.setenv("LIA_TEMPLATES", str(tdir))
    head = Store(ws).load("sweden-only")
    Store(ws).save("sweden-only", head.answers, author="Test", message="a new version")
    states = _states(ws, tdir)
    assert states["sweden-only/v1"] == ("stale", ["newer answers version 2 (report has version 1)",
                                                  "template changed (nbconvert/lia_report/static/report.css)"])
    assert states["norway-only/v1"] == ("stale", ["template changed (nbconvert/lia_report/static/report.css)"])


def test_cli_status_and_render_stale(setup: dict[str, Any]) -> None:
    from conftest import run_lia

    ws, tdir = setup["ws"], setup["templates"]
    env = {"LIA_TEMPLATES": str(tdir)}
    old, new = _bump(tdir / "rules" / "se.yaml")
    r = run_lia("--home", str(ws.home), "status", "--json", env=env)
    assert r.returncode == 0, r.stderr
    rows = {row["assessment"]: row for row in json.loads(r.stdout)["reports"]}
    assert rows["sweden-only"]["state"] == "stale" and rows["sweden-only"]["reasons"] == [f"rule pack se {old} -> {new}"]
    assert rows["norway-only"]["state"] == "current"
    r = run_lia("--home", str(ws.home), "render", "--stale", "--no-pdf", env=env, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "rendered" in r.stdout and "sweden-only/v1-r2" in r.stdout
    assert "norway-only" not in r.stdout
    r = run_lia("--home", str(ws.home), "render", "--stale", "--no-pdf", env=env)
    assert r.returncode == 0 and "no stale reports" in r.stdout


@pytest.fixture
def keys_for(tmp_path: Path) -> Any:
    """Sign a report folder with a fresh trusted assessor key of that workspace."""
    from lia.reports.keylog import new_key
    from lia.reports.signing import sign_report

    def sign(ws: Workspace, d: Path) -> None:
        k = new_key(ws, "signer", "assessor", tmp_path / "keys")
        sign_report(ws, d, Path(k["private_key"]))

    return sign
