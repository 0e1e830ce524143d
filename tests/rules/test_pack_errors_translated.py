"""Rule-pack errors as a Swedish or Norwegian reader sees them (issue 13 item 3).

Before, lia.rules.packs and lia.rules.predicates listed a broken pack's problems in plain English
("2 problem(s) in this rule pack", "rule x (line 3): duplicate rule id", "expected a number"),
shown in English on every page. Each broken pack here goes through load_pack; every problem must
read in sv and nb without the English template's words, and the English stays as it was.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lia.messages import translate_error
from lia.rules.packs import RulePackError, load_pack

from test_packs import GOOD_RULE, _pack_with

ENGLISH = re.compile(r"\b(problem\(s\)|this|rule|line|expected|got|duplicate|must|start|name|only|weigh|say|whether|"
                     r"declare|required|missing|unknown|predicates?|known|argument\(s\)|number|duration|such|list|"
                     r"conditions|exactly|with|as|in|field|can|be|reads?|computed|verdict|rests|"
                     r"law|cite|before|source|registry|has|provision|it)\b")

BROKEN = {
    "duplicate": GOOD_RULE + GOOD_RULE,
    "prefix": GOOD_RULE.replace("id: eu.test.rule", "id: se.test.rule"),
    "no factor": GOOD_RULE.replace("    factor: access\n", ""),
    "no weighs": GOOD_RULE.replace("    weighs: against\n", ""),
    "no weight": GOOD_RULE.replace("    weight: medium\n", ""),
    "not balancing": GOOD_RULE.replace("step: balancing", "step: screening"),
    "missing field": GOOD_RULE.replace("    sources: [gdpr#Art. 32(1)]\n", ""),
    "unknown field": GOOD_RULE.replace("    weight: medium\n", "    weight: medium\n    colour: red\n"),
    "bad literal": GOOD_RULE.replace("severity: warning", "severity: fatal"),
    "unknown predicate": GOOD_RULE.replace("{is_false: access.logged}", "{is_fals: access.logged}"),
    "argument count": GOOD_RULE.replace("{is_false: access.logged}", "{is_false: [access.logged, extra]}"),
    "not a number": GOOD_RULE.replace("{is_false: access.logged}", "{number_gt: [periods.max_consecutive_days, five]}"),
    "not a duration": GOOD_RULE.replace("{is_false: access.logged}", "{duration_gt: [retention.period, 90 days]}"),
    "not a question": GOOD_RULE.replace("{is_false: access.logged}", "{equals: [Access Logged, true]}"),
    "no conditions": GOOD_RULE.replace("{is_false: access.logged}", "{all: []}"),
    "two predicates": GOOD_RULE.replace("{is_false: access.logged}", "{is_false: access.logged, is_true: access.logged}"),
    "verdict value": GOOD_RULE.replace("{is_false: access.logged}", "{lia_verdict: [overall, maybe]}")
                              .replace("step: balancing", "step: consistency").replace("severity: warning", "severity: info"),
    "verdict step": GOOD_RULE.replace("{is_false: access.logged}", "{lia_verdict: [overall, 'no']}"),
    "unknown source": GOOD_RULE.replace("gdpr#Art. 32(1)", "no_such_law"),
    "unknown provision": GOOD_RULE.replace("gdpr#Art. 32(1)", "gdpr#Art. 999"),
    "basis": GOOD_RULE.replace("    sources: [gdpr#Art. 32(1)]\n", "    sources: [gdpr#Art. 32(1)]\n    basis: law\n")
                      .replace("gdpr#Art. 32(1)", "se_di_training_qa"),
}


def _words(shown: str, path: Path) -> list[str]:
    """English words left, leaving out the file, values ('...'), the known-predicate list and rule ids."""
    rest = re.sub(r"'[^']*'|\"[^\"]*\"|\{[^{}]*\}|\[[^\[\]]*\]", "", shown.replace(str(path), ""))
    rest = re.sub(r"\b(eu|se)\.[\w.]+|\bwhen\.[\w.\[\]]+", "", rest)
    rest = re.sub(r"\w+\([\w, .]*\)", "", rest)  # a predicate signature such as number_gt(question, number)
    rest = re.sub(r"(predikat|predikater): [\w, ]+", "", rest)
    rest = re.sub(r"\((registret|registeret) [\w.]+ (har|har): [^)]*\)|\((den har): [^)]*\)", "", rest)
    return ENGLISH.findall(rest)


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_every_rule_pack_problem_reads_in_the_readers_language(tmp_path: Path, lang: str) -> None:
    for what, rules in BROKEN.items():
        path = _pack_with(tmp_path, rules)
        with pytest.raises(RulePackError) as ei:
            load_pack(path)
        english = str(ei.value)
        assert "problem(s) in this rule pack" in english, (what, english)
        shown = translate_error(ei.value, lang)
        assert shown != english and shown.startswith(str(path)), (what, shown)
        assert not _words(shown, path), (what, lang, shown, _words(shown, path))


def test_the_english_is_what_pack_authors_read_before(tmp_path: Path) -> None:
    path = _pack_with(tmp_path, GOOD_RULE + GOOD_RULE + GOOD_RULE.replace("severity: warning", "severity: fatal"))
    with pytest.raises(RulePackError) as ei:
        load_pack(path)
    lines = str(ei.value).split("\n")
    assert lines[0] == f"{path}: 2 problem(s) in this rule pack"
    assert re.fullmatch(r"  - rule eu\.test\.rule \(line \d+\): duplicate rule id", lines[1]), lines[1]
    assert re.fullmatch(r"  - rule eu\.test\.rule \(line \d+\): severity: expected 'blocker', 'warning' or 'info' "
                        r"\(got 'fatal'\)", lines[2]), lines[2]


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_a_missing_or_unreadable_pack_reads_in_the_readers_language(tmp_path: Path, lang: str) -> None:
    from lia.rules.packs import packs_for

    with pytest.raises(RulePackError) as ei:
        packs_for(["SE"], tmp_path)
    assert str(ei.value).endswith("rule pack for jurisdiction EU not found")
    assert not _words(translate_error(ei.value, lang), tmp_path)
    path = tmp_path / "eu.yaml"
    path.write_text("kind: rule_pack\nid: eu\nrules: [\n  - {id: x\n", encoding="utf-8")
    with pytest.raises(RulePackError) as ei:
        load_pack(path)
    assert "(in a rule pack)" in str(ei.value)
    shown = translate_error(ei.value, lang)
    assert "(in a rule pack)" not in shown and shown.startswith(str(path)), shown
