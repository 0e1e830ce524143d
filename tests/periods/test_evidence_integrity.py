"""Attached call-log evidence carries a digest; `lia check` and `lia evaluate` catch any change (issue 12, item 15).

Before, a breach deleted from evidence/periods.json or an edited count was accepted by both.
"""

from __future__ import annotations

import json

import pytest

from lia.errors import IntegrityError
from lia.periods.evidence import content_digest, evidence_path, load_evidence

from .helpers import run_lia
from .test_evidence import _attach, setup  # noqa: F401 - the fixture


def _edit(path, change) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")


EDITS = {
    "deleted_breach": lambda d: d["breaches"].pop(0),
    "edited_count": lambda d: d["tables"]["team_days"]["rows"][0].__setitem__(3, 1),
    "edited_value": lambda d: d["breaches"][0].__setitem__("value", 0),
    "edited_summary": lambda d: d["summary"]["overview"].__setitem__("calls", 1),
}


def test_attached_evidence_records_its_digest(setup):  # noqa: F811
    _, ev = _attach(setup)
    doc = json.loads(evidence_path(setup["ws"], "cc-rec").read_text(encoding="utf-8"))
    assert doc["format"] == 2 and doc["digest"] == content_digest(doc)
    assert load_evidence(setup["ws"], "cc-rec").breaches == ev.breaches


@pytest.mark.parametrize("how", sorted(EDITS))
def test_a_changed_evidence_file_is_refused(setup, how):  # noqa: F811
    _attach(setup)
    path = evidence_path(setup["ws"], "cc-rec")
    _edit(path, EDITS[how])
    with pytest.raises(IntegrityError, match="altered after it was attached"):
        load_evidence(setup["ws"], "cc-rec")


@pytest.mark.parametrize("how", ["deleted_breach", "edited_count"])
def test_check_and_evaluate_catch_the_change(setup, how):  # noqa: F811
    _attach(setup)
    path = evidence_path(setup["ws"], "cc-rec")
    assert run_lia("check", env=setup["env"]).returncode == 0
    _edit(path, EDITS[how])
    res = run_lia("check", env=setup["env"])
    assert res.returncode == 1, res.stdout + res.stderr
    assert "INTEGRITY CHECK FAILED" in res.stdout and "cc-rec evidence" in res.stdout
    assert "altered after it was attached" in res.stdout and "Traceback" not in res.stderr
    res = run_lia("evaluate", "cc-rec", "--json", env=setup["env"])
    assert res.returncode == 4 and res.stdout == ""
    assert "altered after it was attached" in res.stderr and "Traceback" not in res.stderr


def test_evidence_without_a_digest_is_refused(setup):  # noqa: F811
    _attach(setup)
    path = evidence_path(setup["ws"], "cc-rec")

    def old(d):
        d["format"] = 1
        del d["digest"]

    _edit(path, old)
    res = run_lia("check", env=setup["env"])
    assert res.returncode == 1 and "format 1 carries no digest" in res.stdout


def test_a_damaged_file_can_still_be_detached(setup):  # noqa: F811
    _attach(setup)
    path = evidence_path(setup["ws"], "cc-rec")
    _edit(path, EDITS["deleted_breach"])
    res = run_lia("periods", "cc-rec", "--detach", env=setup["env"])
    assert res.returncode == 0 and "damaged" in res.stdout and not path.exists()
