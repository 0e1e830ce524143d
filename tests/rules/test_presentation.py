"""The one presentation model of an evaluation (lia.rules.presentation), built from the example assessment."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest

from lia.errors import InputError, LiaError
from lia.i18n import LANGS
from lia.levels import RISK_LEVELS
from lia.rules import evaluate
from lia.rules.presentation import SEVERITIES, STEPS, EvaluationView, FindingView
from lia.rules.texts import ui


@pytest.fixture(scope="module")
def example() -> tuple[dict[str, Any], dict[str, Any]]:
    """The example assessment's metadata and its last version's answers (what `lia example` saves)."""
    from lia.answers_file import read_answers_file
    from lia.example import example_dir, example_versions
    from lia.loaders import load_data_file

    meta = load_data_file(example_dir() / "assessment.yaml", what="example metadata")
    answers, _ = read_answers_file(example_versions()[-1][0])
    return meta, answers


@pytest.fixture(scope="module")
def evaluations(example: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    meta, answers = example
    return {lang: evaluate(meta, answers, lang=lang, as_of="2026-11-30") for lang in LANGS}


def test_the_view_says_what_the_evaluation_says(evaluations: dict[str, Any]) -> None:
    ev = evaluations["en"]
    js = ev.to_json("en")
    view = EvaluationView.from_result(ev, "en")
    assert [v.step for v in view.verdicts] == list(STEPS)
    for v in view.verdicts:
        assert (v.verdict, v.label) == (js["lia"][v.step]["verdict"], js["lia"][v.step]["label"])
        assert [r.text for r in v.reasons] == [r["text"] for r in js["lia"][v.step]["reasons"]]
    assert view.verdict("overall").verdict == "conditional"
    # findings worst first, each severity in the evaluation's order, with their legal sources
    assert [f.rule for f in view.findings] == [f["rule"] for s in SEVERITIES for f in js["findings"]
                                               if f["severity"] == s]
    assert view.counts == js["counts"] and sum(view.counts.values()) == len(view.findings) > 0
    first = view.findings[0]
    src = js["findings"][0]
    assert (first.message, first.citation, first.remediation) == (src["message"], src["citation"], src["remediation"])
    assert dict(first.answers) == src["answers"]
    assert first.sources and all(s.url and s.url.startswith("https://") for s in first.sources)
    assert first.sources[0].name == f'{src["sources"][0]["instrument"]} {src["sources"][0]["provision"]}'
    # the screening: WP248 criteria with their titles from templates/rules/dpia_criteria.yaml
    assert view.screening.required is True and view.screening.status == "required"
    assert list(view.screening.met) == js["dpia"]["criteria_met"] and len(view.screening.criteria) == 9
    assert view.screening.met_titles()["systematic_monitoring"] == "Systematic monitoring"
    assert list(view.screening.reasons) == js["dpia"]["reasons"]
    # the risk register: levels on the one scale of lia.levels
    assert [r.ref for r in view.risks.rows] == [r["ref"] for r in js["risks"]["register"]]
    assert all(lv in RISK_LEVELS for r in view.risks.rows
               for lv in (r.severity_before, r.likelihood_before, r.severity_after, r.likelihood_after))
    assert view.risks.prior_consultation is js["risks"]["prior_consultation"]
    # groups and purposes, the law applied
    assert [g.group for g in view.groups] == [g["group"] for g in js["groups"]]
    assert view.law_as_of == "2026-11-30" and ("eu", "1.1.0") in view.packs


def test_the_view_is_frozen(evaluations: dict[str, Any]) -> None:
    view = EvaluationView.from_result(evaluations["en"], "en")
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.findings = ()  # type: ignore[misc]
    assert isinstance(view.findings, tuple) and isinstance(view.verdicts, tuple)


def test_stored_json_gives_the_same_view(evaluations: dict[str, Any]) -> None:
    """A report folder's evaluation JSON, read back, shows what the evaluation showed when it was made."""
    ev = evaluations["sv"]
    stored = json.loads(json.dumps(ev.to_json("sv")))
    assert EvaluationView.from_json(stored) == EvaluationView.from_result(ev, "sv")


@pytest.mark.parametrize("lang", LANGS)
def test_each_languages_labels(evaluations: dict[str, Any], lang: str) -> None:
    view = EvaluationView.from_result(evaluations[lang], lang)
    assert view.lang == lang
    assert view.verdict("overall").label == ui("verdict.conditional", lang)
    assert view.screening.status_label(lang) == ui("cli.dpia.required", lang)
    assert {f.severity_label(lang) for f in view.findings} <= {ui(f"severity.{s}", lang) for s in SEVERITIES}
    row = view.risks.rows[0]
    assert row.level_label(row.severity_after, lang) == ui(f"level.{row.severity_after}", lang)
    titles = view.screening.met_titles()
    assert titles and all(titles.values())
    others = [EvaluationView.from_result(evaluations[x], x) for x in LANGS if x != lang]
    # the rules' own words are in the reader's language, not another's
    assert all(view.findings[0].message != o.findings[0].message for o in others)
    assert all(view.screening.met_titles() != o.screening.met_titles() for o in others)


def _broken(js: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(js)
    target: Any = doc
    for k in path[:-1]:
        target = target[k]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


@pytest.mark.parametrize("path,value,code,where,says", [
    (("findings", 1, "severity"), "fatal", "errors.evaluation_choice", "findings[1].severity",
     "expected one of blocker, warning, info"),
    (("findings", 0), "a finding", "errors.evaluation_field", "findings[0]", "expected a mapping"),
    (("findings",), {"rule": "x"}, "errors.evaluation_field", "findings", "expected a list"),
    (("lia", "overall"), KeyError, "errors.evaluation_field", "lia.overall", "expected a mapping"),
    (("lia", "balancing", "verdict"), 3, "errors.evaluation_field", "lia.balancing.verdict", "expected text"),
    (("dpia", "required"), "yes", "errors.evaluation_field", "dpia.required", "expected true/false"),
    (("dpia", "status"), "maybe", "errors.evaluation_choice", "dpia.status", "not_screened"),
    (("risks", "register", 0, "after", "severity"), "huge", "errors.evaluation_choice",
     "risks.register[0].after.severity", "negligible, limited, significant, maximum"),
    (("findings", 2, "sources", 0, "url"), ["https://x"], "errors.evaluation_field", "findings[2].sources[0].url",
     "expected text"),
])
def test_malformed_json_is_refused_naming_the_place(evaluations: dict[str, Any], path: tuple[Any, ...], value: Any,
                                                    code: str, where: str, says: str) -> None:
    js = json.loads(json.dumps(evaluations["en"].to_json("en")))
    with pytest.raises(InputError) as exc:
        EvaluationView.from_json(_broken(js, path, value), source="reports/cc/1/evaluation.json")
    err = exc.value
    assert err.code == code
    assert err.file == "reports/cc/1/evaluation.json" and err.where == where
    assert says in str(err)
    assert err.params["got"]  # says what it found


def test_malformed_json_reads_in_the_readers_language(evaluations: dict[str, Any]) -> None:
    from lia.messages import translate_error

    js = json.loads(json.dumps(evaluations["en"].to_json("en")))
    with pytest.raises(LiaError) as exc:
        EvaluationView.from_json(_broken(js, ("dpia", "required"), "ja"))
    assert "väntade true/false" in translate_error(exc.value, "sv")
    assert "forventet true/false" in translate_error(exc.value, "nb")


def test_not_an_evaluation_at_all() -> None:
    with pytest.raises(InputError) as exc:
        EvaluationView.from_json([1, 2], source="statement.json")
    assert exc.value.code == "errors.evaluation_field" and exc.value.where == "evaluation"


def test_a_stored_finding_reads_in_the_pages_language_while_its_wording_is_the_rules(
        evaluations: dict[str, Any]) -> None:
    """The viewer shows a report's findings in the page's language when the report kept the rule's words."""
    en = evaluations["en"].to_json("en")["findings"][0]
    sv = evaluations["sv"].to_json("sv")["findings"][0]
    texts = {en["rule"]: {"message": {"en": en["message"], "sv": sv["message"], "nb": "nb"},
                          "citation": {"en": en["citation"], "sv": sv["citation"], "nb": "nb"}}}
    f = FindingView.from_json(en, "sv", texts=texts.get)
    assert (f.message, f.citation) == (sv["message"], sv["citation"])
    own = FindingView.from_json({**en, "message": "The DPO's own words"}, "sv", texts=texts.get)
    assert own.message == "The DPO's own words"
    assert FindingView.from_json({**en, "message": {"en": "a", "sv": "b", "nb": "c"}}, "nb").message == "c"
