"""Reports with attached access-log evidence: weighed by the evaluation, shown with its charts in the access
section, named in the statement by its SHA-256, and the report goes stale when it is attached, changed or removed."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from lia.example import EXAMPLE_ID
from lia.workspace import Workspace

from .conftest import make_workspace, render_one


def _attach(ws: Workspace, tmp: Path, seed: int, inject: tuple[str, ...]) -> Any:
    from lia.access.analysis import analyse, load_calls
    from lia.access.evidence import attach
    from lia.access.limits import AccessLimits
    from lia.access.log import read_access_log
    from lia.access.synth import generate_access
    from lia.periods.synth import generate
    from lia.store import Store

    calls = generate(seed=seed, weeks=12, teams=3, agents_per_team=4, calls_per_agent_day=8,
                     inject=("declined_recorded",))
    acc = generate_access(calls, seed=seed, inject=inject)
    cpath = calls.write_parquet(tmp / f"calls-{seed}.parquet")
    apath = acc.write_parquet(tmp / f"access-{seed}.parquet")
    log = read_access_log(apath)
    load_calls(log.con, cpath)
    rep = analyse(log, AccessLimits.from_answers(acc.answers), calls=True, tz="Europe/Stockholm")
    log.close()
    return attach(ws, EXAMPLE_ID, rep, version=Store(ws).load(EXAMPLE_ID), source=apath, calls=cpath,
                  tz="Europe/Stockholm")


def _states(ws: Workspace, tdir: Path) -> dict[str, tuple[str, list[str]]]:
    from lia.reports.status import report_status

    return {r.dir.name: (r.state, r.reasons) for r in report_status(ws, tdir)}


@pytest.fixture
def setup(tmp_path: Path, templates_copy: Path, pool: Any) -> dict[str, Any]:
    ws = make_workspace(tmp_path / "ws", templates_copy)
    first = render_one(ws, EXAMPLE_ID, templates_copy, pool)
    return {"ws": ws, "templates": templates_copy, "pool": pool, "first": first, "tmp": tmp_path}


def test_access_evidence_is_weighed_shown_listed_and_makes_reports_stale(setup: dict[str, Any]) -> None:
    from conftest import run_lia

    ws, tdir = setup["ws"], setup["templates"]
    html = (setup["first"] / "report.html").read_text(encoding="utf-8")
    assert "No access log was analysed" in html
    assert json.loads((setup["first"] / "statement.json").read_text())["predicate"]["access_evidence"] is None

    ev = _attach(ws, setup["tmp"], 3, ("undeclared_role", "declined_caller", "agent_concentration"))
    path = ws.assessments_dir / EXAMPLE_ID / "evidence" / "access.json"
    reason = f"access-log evidence attached ({EXAMPLE_ID}/evidence/access.json)"
    assert _states(ws, tdir)[setup["first"].name] == ("stale", [reason])

    r = run_lia("--home", str(ws.home), "render", "--stale", "--no-pdf", env={"LIA_TEMPLATES": str(tdir)}, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    new = ws.reports_dir / EXAMPLE_ID / f"{setup['first'].name}-r2"
    assert _states(ws, tdir)[new.name] == ("current", [])
    st = json.loads((new / "statement.json").read_text(encoding="utf-8"))
    evp = st["predicate"]["access_evidence"]
    assert evp["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert evp["analysis_digest"] == ev.analysis_digest and evp["breaches"] == len(ev.breaches)
    evaluation = json.loads((new / "evaluation.json").read_text(encoding="utf-8"))
    rules = {f["rule"] for f in evaluation["findings"]}
    assert {"eu.access.evidence_unauthorised", "eu.access.evidence_should_be_gone", "se.access.evidence_not_few"} <= rules

    html = (new / "report.html").read_text(encoding="utf-8")
    section = html[html.index('id="access"'):html.index('id="union"')]
    assert "Access-log evidence" in section and ev.source["sha256"] in section and ev.analysis_digest in section
    for name in ("Access by a role not declared", "Access to a call whose caller declined recording",
                 "One person opening many recordings of one agent"):
        assert name in section
    charts = re.findall(r"<svg.*?</svg>", section, flags=re.S)
    assert any("Accesses per role and month" in c for c in charts)
    assert any("Recordings of each agent opened, by user" in c for c in charts)

    # changed, then removed: stale each time, with the reason
    _attach(ws, setup["tmp"], 4, ("undeclared_role",))
    assert _states(ws, tdir)[new.name] == ("stale", [f"access-log evidence changed ({EXAMPLE_ID}/evidence/access.json)"])
    from lia.access.evidence import detach

    detach(ws, EXAMPLE_ID)
    assert _states(ws, tdir)[new.name] == ("stale", [f"access-log evidence removed ({EXAMPLE_ID}/evidence/access.json)"])
