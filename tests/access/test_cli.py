"""`lia access ID --log FILE [--calls FILE] [--json] [--attach]`: the declared policy from the store, summary
or JSON, evidence attached (the analysis, never the log) with its digest, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lia.access.evidence import evidence_path, load_evidence
from lia.access.synth import INJECTABLE, generate_access
from lia.periods.synth import generate
from lia.store import Store
from lia.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


def run_lia(*args: str, env: dict) -> subprocess.CompletedProcess:
    full = dict(os.environ, PYTHONPATH=str(ROOT / "lib"), **env)
    full.pop("LIA_DEBUG", None)
    full.pop("LIA_TEMPLATES", None)
    return subprocess.run([sys.executable, "-m", "lia", *args], capture_output=True, text=True, env=full, timeout=300)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    home = tmp / "ws"
    home.mkdir()
    calls = generate(seed=3, weeks=20, inject=("declined_recorded", "withdrawal_not_deleted"))
    acc = generate_access(calls, seed=5, inject=INJECTABLE)
    store = Store(Workspace(home))
    store.create({"id": "cc-rec", "title": "Call recording", "jurisdictions": ["EU", "SE", "NO"]}, author="test")
    store.save("cc-rec", acc.answers, author="test", message="access policy")
    return {"acc": acc, "calls": calls.write_parquet(tmp / "calls.parquet"), "log": acc.write_csv(tmp / "access.csv"),
            "env": {"LIA_HOME": str(home)}, "ws": Workspace(home), "tmp": tmp}


def test_json_lists_exactly_the_planted_breaches(setup):
    s = setup
    res = run_lia("access", "cc-rec", "--log", str(s["log"]), "--calls", str(s["calls"]), "--json", env=s["env"])
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out) == {"assessment", "summary", "breaches"}
    assert out["breaches"] == [b.to_dict() for b in s["acc"].injected]
    for b in out["breaches"]:
        assert {"kind", "period", "value", "limit", "unit"} <= set(b) and ("user" in b or "role" in b)


def test_text_summary_first_in_swedish(setup):
    s = setup
    res = run_lia("access", "cc-rec", "--log", str(s["log"]), "--calls", str(s["calls"]), "--lang", "sv", env=s["env"])
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert out.splitlines()[0].startswith("Åtkomstlogg för cc-rec")
    assert out.index("Roller") < out.index("Kontroller:") < out.index(f"{len(s['acc'].injected)} avvikelser:")
    assert "En person som öppnar många inspelningar av samma medarbetare" in out


def test_a_bad_log_exits_2_with_file_line_and_column_and_nothing_attached(setup):
    s = setup
    bad = s["tmp"] / "bad.csv"
    bad.write_text("event_id,recording_id,user,role,action,at\nE1,C000000001,U1,qa,listen,2025-03-03T09:15:00\n")
    res = run_lia("access", "cc-rec", "--log", str(bad), "--attach", env=s["env"])
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert f"{bad}, line 2, column at" in res.stderr and "UTC offset" in res.stderr
    assert not evidence_path(s["ws"], "cc-rec").exists()


def test_attach_keeps_the_analysis_with_its_digest_never_the_log_and_detach_removes_it(setup):
    s = setup
    res = run_lia("access", "cc-rec", "--log", str(s["log"]), "--calls", str(s["calls"]), "--attach", env=s["env"])
    assert res.returncode == 0, res.stderr
    ev = load_evidence(s["ws"], "cc-rec")
    assert ev is not None and [b for b in ev.breaches] == [b.to_dict() for b in s["acc"].injected]
    assert ev.analysis_digest.startswith("sha256:")
    raw = evidence_path(s["ws"], "cc-rec").read_text()
    assert "E0000000001" not in raw, "no event of the log is kept"
    import hashlib

    assert ev.source["sha256"] == hashlib.sha256(s["log"].read_bytes()).hexdigest()
    assert ev.calls_source["sha256"] == hashlib.sha256(s["calls"].read_bytes()).hexdigest()
    res = run_lia("access", "cc-rec", "--detach", env=s["env"])
    assert res.returncode == 0 and "Removed the access-log evidence" in res.stdout
    assert not evidence_path(s["ws"], "cc-rec").exists()


def test_a_hand_edited_analysis_is_refused_by_its_digest(setup):
    s = setup
    assert run_lia("access", "cc-rec", "--log", str(s["log"]), "--attach", env=s["env"]).returncode == 0
    p = evidence_path(s["ws"], "cc-rec")
    doc = json.loads(p.read_text())
    doc["breaches"] = doc["breaches"][1:]  # someone hides a breach
    p.write_text(json.dumps(doc))
    from lia.errors import InputError

    with pytest.raises(InputError) as ei:
        load_evidence(s["ws"], "cc-rec")
    assert str(p) in str(ei.value) and "analysis_digest" in str(ei.value)
    res = run_lia("evaluate", "cc-rec", env=s["env"])
    assert res.returncode == 2 and "analysis_digest" in res.stderr
    run_lia("access", "cc-rec", "--detach", env=s["env"])


def test_attached_access_evidence_changes_lia_evaluate(setup):
    s = setup
    res = run_lia("evaluate", "cc-rec", "--json", env=s["env"])
    assert res.returncode == 0, res.stderr
    before = json.loads(res.stdout)
    assert before["access_evidence_source"] is None
    assert not [f for f in before["findings"] if f["rule"].startswith(("eu.access.evidence", "se.access.evidence", "no.access.evidence"))]
    assert run_lia("access", "cc-rec", "--log", str(s["log"]), "--calls", str(s["calls"]), "--attach",
                   env=s["env"]).returncode == 0
    res = run_lia("evaluate", "cc-rec", "--json", env=s["env"])
    after = json.loads(res.stdout)
    rules = {f["rule"] for f in after["findings"]}
    assert {"eu.access.evidence_unauthorised", "eu.access.evidence_too_many_people", "eu.access.evidence_should_be_gone",
            "eu.access.evidence_undeclared_purpose", "se.access.evidence_not_few",
            "no.access.evidence_disproportionate"} <= rules
    src = after["access_evidence_source"]
    assert src["attached"] and src["breaches"] == len(s["acc"].injected) and src["analysis_digest"].startswith("sha256:")
    text = run_lia("evaluate", "cc-rec", "--lang", "sv", env=s["env"]).stdout
    assert "Underlag från åtkomstloggen vägt in: access.csv" in text
    run_lia("access", "cc-rec", "--detach", env=s["env"])
