"""Rule packs against the questionnaires: ids, types, choice ids and columns must match."""

from __future__ import annotations

from pathlib import Path

import pytest

from lia.loaders import load_data_file
from lia.model import validate_answers
from lia.questionnaire import load_questionnaires
from lia.rules.content import check_references
from lia.rules.packs import load_pack

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def qset():
    return load_questionnaires(ROOT / "templates" / "questionnaires")


def test_every_reference_matches_the_questionnaires(qset) -> None:
    problems = check_references(qset)
    assert not problems, "\n".join(problems)


def test_a_typo_is_caught(qset, tmp_path: Path) -> None:
    text = (ROOT / "templates" / "rules" / "eu.yaml").read_text(encoding="utf-8")
    text = text.replace("{equals: [information.callers_told, may_be_recorded]}",
                        "{equals: [information.callers_told, maybe_recorded]}", 1)
    text = text.replace("{is_false: access.logged}", "{is_false: access.scope}", 1)
    text = text.replace("{table_sum_gt: [access.roles, people, 5]}", "{table_sum_gt: [access.roles, persons, 5]}")
    path = tmp_path / "eu.yaml"
    path.write_text(text, encoding="utf-8")
    problems = check_references(qset, packs=[load_pack(path)])
    joined = "\n".join(problems)
    assert "['maybe_recorded'] not among the choices of information.callers_told" in joined
    assert "question access.scope is choice; is_false reads yes_no" in joined
    assert len(problems) == 2


def test_baseline_answers_are_valid_and_complete(qset) -> None:
    answers = load_data_file(ROOT / "tests" / "scenarios" / "_baseline.yaml")
    problems = validate_answers(qset, answers, complete=True)
    assert not problems, [str(p) for p in problems]


def test_scenario_answers_are_valid(qset) -> None:
    for path in sorted((ROOT / "tests" / "scenarios").glob("[0-9]*.yaml")):
        data = load_data_file(path)
        answers = {k: v for k, v in (data.get("answers") or {}).items() if v is not None}
        problems = validate_answers(qset, answers)
        assert not problems, f"{path.name}: {[str(p) for p in problems]}"
