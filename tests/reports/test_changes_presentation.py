"""What changed between two reports is drawn from two presentation models, never from JSON by hand.

``changes.json`` / ``changes.md`` (``lia render``) and the viewer compare two reports' stored
``evaluation.json``. Both evaluations are read through :class:`lia.rules.presentation.EvaluationView`,
so one that is malformed is refused with its file and place instead of being compared in part, and
the comparison itself is a typed :class:`~lia.rules.presentation.ChangesView`.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from lia.errors import InputError
from lia.rules.changes_view import ChangesView, FindingChange, VerdictChange
from lia.rules.presentation import EvaluationView, FindingView


@pytest.fixture(scope="module")
def docs() -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored evaluations of the example's first and last answers versions (as a report folder holds them)."""
    from lia.answers_file import read_answers_file
    from lia.example import example_dir, example_versions
    from lia.loaders import load_data_file
    from lia.rules import evaluate

    meta = load_data_file(example_dir() / "assessment.yaml", what="example metadata")
    versions = example_versions()
    out = []
    for path, *_ in (versions[0], versions[-1]):
        answers, _ = read_answers_file(path)
        out.append(json.loads(json.dumps(evaluate(meta, answers, lang="en", as_of="2026-11-30").to_json("en"))))
    return out[0], out[1]


def test_the_changes_are_typed_values_from_two_views(docs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    from lia.reports.changes import changes_between

    old, new = docs
    reworded = copy.deepcopy(new)
    kept = next(f for f in reworded["findings"] if f["rule"] in {g["rule"] for g in old["findings"]})
    kept["message"], kept["severity"] = "Reworded.", "blocker"
    ch = ChangesView.between(EvaluationView.from_json(old), EvaluationView.from_json(reworded))
    assert all(isinstance(v, VerdictChange) for v in ch.verdicts) and ch.verdicts
    assert VerdictChange("overall", old["lia"]["overall"]["verdict"], new["lia"]["overall"]["verdict"]) in ch.verdicts \
        or old["lia"]["overall"]["verdict"] == new["lia"]["overall"]["verdict"]
    assert all(isinstance(f, FindingView) for f in ch.added + ch.removed) and ch.added and ch.removed
    (changed,) = [c for c in ch.changed if c.rule == kept["rule"]]
    assert isinstance(changed, FindingChange)
    assert [(p.part, p.new) for p in changed.parts][:2] == [("severity", "blocker"), ("message", "Reworded.")]
    # changes.json holds the findings added and removed as their evaluation stored them, word for word
    js = changes_between(old, reworded)
    assert js == ch.to_json()
    assert js["added"] == sorted([f for f in reworded["findings"] if f["rule"] not in {g["rule"] for g in old["findings"]}],
                                 key=lambda f: f["rule"])
    # no earlier evaluation: every verdict and finding is new
    first = ChangesView.between(None, EvaluationView.from_json(old))
    assert {v.step for v in first.verdicts} >= {"purpose", "necessity", "balancing", "overall", "dpia_required"}
    assert len(first.added) == len(old["findings"]) and not first.removed


def test_a_malformed_stored_evaluation_is_refused_with_its_file_and_place(
        docs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    from lia.reports.changes import changes_between

    old, new = docs
    broken = copy.deepcopy(new)
    broken["findings"][1]["severity"] = "fatal"
    with pytest.raises(InputError) as e:
        changes_between(old, broken, old_source="reports/cc/v1/evaluation.json",
                        new_source="reports/cc/v2/evaluation.json")
    assert e.value.code == "errors.evaluation_choice"
    assert str(e.value).startswith("reports/cc/v2/evaluation.json, findings[1].severity: expected one of blocker")
    gone = copy.deepcopy(old)
    del gone["lia"]["balancing"]
    with pytest.raises(InputError, match=r"^reports/cc/v1/evaluation.json, lia.balancing: expected a mapping"):
        changes_between(gone, new, old_source="reports/cc/v1/evaluation.json")


def test_the_viewers_comparison_refuses_a_malformed_report_evaluation(
        tmp_path: Path, docs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """The viewer's source reads each report's evaluation.json through the model: a report whose
    evaluation lost its overall verdict, or is not JSON, is named with its file - never compared in part."""
    from lia.dashboards.sources import Sources

    old, new = docs
    a, b = tmp_path / "reports" / "cc" / "v1", tmp_path / "reports" / "cc" / "v2"
    for d, doc in ((a, old), (b, new)):
        d.mkdir(parents=True)
        (d / "evaluation.json").write_text(json.dumps(doc), "utf-8")
    broken = copy.deepcopy(new)
    del broken["lia"]["overall"]
    (b / "evaluation.json").write_text(json.dumps(broken), "utf-8")
    with pytest.raises(InputError) as e:
        Sources().changes(tmp_path, a, b)
    assert e.value.file == str(b / "evaluation.json") and "lia.overall" in str(e.value)
    (b / "evaluation.json").write_text('{"lia": ', "utf-8")
    with pytest.raises(InputError) as e:
        Sources().changes(tmp_path, a, b)
    assert e.value.code == "errors.json_invalid" and e.value.file == str(b / "evaluation.json")


def test_a_stored_comparison_reads_back_as_the_same_typed_changes(docs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """What changes.json holds, read through ChangesView.from_json (as the viewer does), is the comparison
    that was made; a comparison whose changed finding has no rule is refused with its place."""
    old, new = docs
    ch = ChangesView.between(EvaluationView.from_json(old), EvaluationView.from_json(new))
    stored = json.loads(json.dumps(ch.to_json()))
    back = ChangesView.from_json(stored, "en")
    assert back.verdicts == ch.verdicts and back.added == ch.added and back.removed == ch.removed
    assert back.changed == ch.changed and not back.empty
    stored["changed"] = [{"changes": {"severity": {"old": "info", "new": "warning"}}}]
    with pytest.raises(InputError, match=r"changes.changed\[0\].rule: expected text"):
        ChangesView.from_json(stored, "en")


@pytest.mark.parametrize("damage", ["not json", "not an evaluation"])
def test_a_rerender_over_a_damaged_earlier_evaluation_is_refused_naming_it(
        tmp_path: Path, templates_copy: Path, pool: Any, damage: str) -> None:
    """lia render compares with the earlier report's evaluation in full or not at all: whether its
    evaluation.json is cut short or is JSON that is no evaluation, the render fails naming that file
    (as the viewer does) and no new report folder appears - it is never compared in part."""
    from lia.reports.render import RenderJob, render_many

    from .conftest import make_workspace, render_one

    ws = make_workspace(tmp_path / "ws", templates_copy)
    first = render_one(ws, "contact-centre-recording", templates_copy, pool)
    (first / "evaluation.json").write_text('{"lia": ' if damage == "not json" else '{"lia": []}', "utf-8")
    before = sorted(p.name for p in first.parent.iterdir())
    res = render_many(ws, [RenderJob("contact-centre-recording", None, "en")], templates=templates_copy, pool=pool,
                      pdf=False, progress=False)[0]
    assert res.dir is None and res.error is not None
    assert f"{first.name}/evaluation.json" in str(res.error)
    assert sorted(p.name for p in first.parent.iterdir() if not p.name.endswith(".failed")) == before
