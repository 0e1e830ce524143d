"""The questionnaire schema: problems are collected and named by section and question id."""

from __future__ import annotations

from pathlib import Path

import pytest

from lia.errors import LiaError, ValidationError
from lia.questionnaire import load_questionnaire, load_questionnaires

GOOD = """\
kind: questionnaire
id: q
version: 1.0.0
title: {en: T, sv: T, nb: T}
sections:
  - id: s
    title: {en: S, sv: S, nb: S}
    questions:
      - id: s.a
        type: yes_no
        text: {en: A, sv: A, nb: A}
        help: {en: H, sv: H, nb: H}
"""


def test_mini_questionnaire_loads_every_type(mini: Path) -> None:
    qs = load_questionnaires()
    assert {q.type for q in qs.questions.values()} == {
        "text", "choice", "multi_choice", "yes_no", "number", "date", "duration", "table",
    }
    q = qs.questions["basics.scope"]
    assert q.section == "basics" and q.questionnaire == "mini"
    assert qs.refs()[0]["digest"].startswith("sha256:")


def test_schema_problems_are_reported_together(tmp_path: Path) -> None:
    bad = GOOD.replace("title: {en: S, sv: S, nb: S}", "title: {en: S, sv: S}").replace(
        "type: yes_no", "type: yesno\n        colour: red"
    )
    p = tmp_path / "q.yaml"
    p.write_text(bad)
    with pytest.raises(ValidationError) as err:
        load_questionnaire(p)
    msg = str(err.value)
    assert str(p) in msg
    assert "sections[s].title" in msg and "nb" in msg
    assert "sections[s].questions[s.a].type" in msg
    assert "sections[s].questions[s.a].colour" in msg and "unknown key" in msg
    assert len(err.value.problems) >= 3


def test_choice_question_needs_choices(tmp_path: Path) -> None:
    p = tmp_path / "q.yaml"
    p.write_text(GOOD.replace("type: yes_no", "type: choice"))
    with pytest.raises(ValidationError, match="non-empty list of choices"):
        load_questionnaire(p)


def test_question_ids_unique_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD.replace("id: q\n", "id: r\n"))
    with pytest.raises(ValidationError, match="question id used twice"):
        load_questionnaires(tmp_path)


def test_show_if_must_name_an_existing_question(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD + "        show_if: {question: s.nope, in: [true]}\n")
    with pytest.raises(ValidationError, match="unknown question 's.nope'"):
        load_questionnaires(tmp_path)


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD.replace("version: 1.0.0", "version: [1.0.0"))
    with pytest.raises(LiaError) as err:
        load_questionnaires(tmp_path)
    assert "a.yaml, line" in str(err.value)
