"""Rule packs: content quality, selection by jurisdiction, and errors that name file, rule and expectation."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lia.errors import InputError
from lia.rules.packs import LIA_STEPS, RulePackError, load_pack, load_packs, packs_for
from lia.rules.predicates import PREDICATES

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def all_rules():
    return [(p, r) for p in load_packs() for r in p.rules]


def test_three_packs_with_version_headers() -> None:
    packs = {p.id: p for p in load_packs()}
    assert set(packs) == {"eu", "se", "no"}
    for p in packs.values():
        assert re.fullmatch(r"\d+\.\d+\.\d+", p.version)
        assert p.digest.startswith("sha256:") and len(p.digest) == 71
        assert p.jurisdiction == p.id.upper()


def test_every_rule_has_citation_and_three_languages() -> None:
    for pack, cr in all_rules():
        r = cr.rule
        assert r.refs and r.citation.render("en").strip(), r.id
        for lang in ("en", "sv", "nb"):
            assert r.citation.render(lang).strip(), r.id
        for field in (r.message, r.remediation):
            texts = {lang: field.get(lang).strip() for lang in ("en", "sv", "nb")}
            assert all(texts.values()), f"{r.id}: empty text"
            # a copy of the English text is not a translation
            assert texts["sv"] != texts["en"] and texts["nb"] != texts["en"] and texts["sv"] != texts["nb"], r.id


def test_rule_ids_unique_and_prefixed_by_pack() -> None:
    seen = set()
    for pack, cr in all_rules():
        assert cr.id not in seen
        seen.add(cr.id)
        assert cr.id.startswith(pack.id + ".")


def test_hard_stops_are_balancing_blockers() -> None:
    ids = {cr.id: cr.rule for _, cr in all_rules()}
    for rid in ("eu.hard_stop.emotion_recognition", "no.hard_stop.not_party",
                "eu.hard_stop.special_categories_without_art9", "eu.hard_stop.callers_not_told"):
        assert ids[rid].severity == "blocker" and ids[rid].step == "balancing", rid
    assert "ai_act#Art. 5(1)(f)" in ids["eu.hard_stop.emotion_recognition"].sources
    assert any("205" in s for s in ids["no.hard_stop.not_party"].sources)


def test_norway_pack_does_not_cite_camera_surveillance_regulation() -> None:
    text = (TEMPLATES / "rules" / "no.yaml").read_text(encoding="utf-8").lower()
    assert "kameraovervåk" not in text and "personopplysningsforskriften" not in text


def test_every_step_has_rules() -> None:
    steps = {cr.rule.step for _, cr in all_rules()}
    assert set(LIA_STEPS) | {"screening", "consistency"} <= steps


def test_packs_follow_jurisdictions() -> None:
    assert [p.id for p in packs_for([])] == ["eu"]
    assert [p.id for p in packs_for(["SE"])] == ["eu", "se"]
    assert [p.id for p in packs_for(["EU", "NO", "SE"])] == ["eu", "se", "no"]


# ---------------------------------------------------------------------------- broken packs


def _pack_with(tmp_path: Path, rule_yaml: str, name: str = "eu.yaml") -> Path:
    text = (TEMPLATES / "rules" / "eu.yaml").read_text(encoding="utf-8")
    head, _, _ = text.partition("rules:\n")
    path = tmp_path / name
    path.write_text(head + "rules:\n" + rule_yaml, encoding="utf-8")
    return path


GOOD_RULE = """
  - id: eu.test.rule
    severity: warning
    step: balancing
    factor: access
    weighs: against
    weight: medium
    groups: [callers, agents]
    question: access.logged
    when: {is_false: access.logged}
    sources: [gdpr#Art. 32(1)]
    message: {en: m, sv: m sv, nb: m nb}
    remediation: {en: r, sv: r sv, nb: r nb}
"""


def test_good_minimal_pack_loads(tmp_path: Path) -> None:
    pack = load_pack(_pack_with(tmp_path, GOOD_RULE))
    assert [r.id for r in pack.rules] == ["eu.test.rule"]


def test_unknown_predicate_is_rejected_with_known_list(tmp_path: Path) -> None:
    path = _pack_with(tmp_path, GOOD_RULE.replace("{is_false: access.logged}", "{is_fals: access.logged}"))
    with pytest.raises(RulePackError) as exc:
        load_pack(path)
    msg = str(exc.value)
    assert str(path) in msg and "eu.test.rule" in msg and "'is_fals'" in msg
    assert "known predicates:" in msg
    for name in ("is_false", "equals", "includes_any", "table_sum_gt", "evidence", "all", "not"):
        assert name in msg
    assert isinstance(exc.value, InputError)


def test_eval_like_text_is_just_an_unknown_predicate(tmp_path: Path) -> None:
    path = _pack_with(tmp_path, GOOD_RULE.replace("{is_false: access.logged}", '{"__import__(\'os\')": x}'))
    with pytest.raises(RulePackError, match="unknown predicate"):
        load_pack(path)


@pytest.mark.parametrize(
    "when, expected",
    [
        ("{is_false: [access.logged, extra]}", "expected 1 argument"),
        ("{in: [access.scope]}", "expected 2 argument"),
        ("{number_gt: [periods.max_consecutive_days, five]}", "expected a number"),
        ("{duration_gt: [retention.period, 90 days]}", "ISO 8601 duration"),
        ("{equals: [Access Logged, true]}", "question id"),
        ("{all: []}", "non-empty list of conditions"),
        ("{is_false: access.logged, is_true: access.logged}", "exactly one predicate"),
        ("{lia_verdict: [overall, maybe]}", "expected one of"),
    ],
)
def test_bad_conditions_say_what_was_expected(tmp_path: Path, when: str, expected: str) -> None:
    path = _pack_with(tmp_path, GOOD_RULE.replace("{is_false: access.logged}", when))
    with pytest.raises(RulePackError) as exc:
        load_pack(path)
    assert expected in str(exc.value) and "eu.test.rule" in str(exc.value) and str(path) in str(exc.value)


def test_malformed_rule_names_file_rule_line_and_expected(tmp_path: Path) -> None:
    bad = GOOD_RULE.replace("severity: warning", "severity: fatal").replace(
        "    sources: [gdpr#Art. 32(1)]\n", ""
    )
    path = _pack_with(tmp_path, GOOD_RULE.replace("eu.test.rule", "eu.test.first") + bad)
    with pytest.raises(RulePackError) as exc:
        load_pack(path)
    msg = str(exc.value)
    assert str(path) in msg
    assert "2 problem(s)" in msg  # every problem reported together
    assert "rule eu.test.rule (line" in msg
    assert "severity" in msg and "'blocker', 'warning' or 'info'" in msg and "'fatal'" in msg
    assert "sources: required field is missing" in msg


def test_missing_language_is_rejected(tmp_path: Path) -> None:
    path = _pack_with(tmp_path, GOOD_RULE.replace("message: {en: m, sv: m sv, nb: m nb}", "message: {en: m, sv: m sv}"))
    with pytest.raises(RulePackError, match=r"message\.nb: required field is missing"):
        load_pack(path)


@pytest.mark.parametrize(
    "edit, expected",
    [
        (("    weighs: against\n", ""), "must say whether it weighs"),
        (("    factor: access\n", ""), "must name the factor"),
        (("    weight: medium\n", ""), "must declare its weight"),
        (("    weight: medium\n", "    weight: huge\n"), "'low', 'medium', 'high' or 'severe'"),
        (("    groups: [callers, agents]\n", "    groups: [customers]\n"), "'callers', 'agents' or 'third_parties'"),
        (("step: balancing", "step: screening"), "only balancing rules weigh"),
        (("id: eu.test.rule", "id: se.test.rule"), "must start with the pack id 'eu.'"),
        (("{is_false: access.logged}", "{lia_verdict: [overall, 'no']}"), "only be used by step 'consistency'"),
    ],
)
def test_structural_checks(tmp_path: Path, edit: tuple[str, str], expected: str) -> None:
    path = _pack_with(tmp_path, GOOD_RULE.replace(*edit))
    with pytest.raises(RulePackError, match=re.escape(expected)):
        load_pack(path)


def test_duplicate_rule_id_rejected(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="duplicate rule id"):
        load_pack(_pack_with(tmp_path, GOOD_RULE + GOOD_RULE))


def test_invalid_yaml_names_line(tmp_path: Path) -> None:
    path = tmp_path / "eu.yaml"
    path.write_text("kind: rule_pack\nid: eu\nrules: [\n  - {id: x\n", encoding="utf-8")
    with pytest.raises(RulePackError) as exc:
        load_pack(path)
    assert str(path) in str(exc.value) and "line" in str(exc.value)


def test_missing_pack_for_jurisdiction(tmp_path: Path) -> None:
    shutil.copytree(TEMPLATES / "rules", tmp_path / "rules")
    (tmp_path / "rules" / "no.yaml").unlink()
    with pytest.raises(RulePackError, match="jurisdiction NO not found"):
        packs_for(["NO"], tmp_path)


def test_vocabulary_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    for name in PREDICATES:
        assert f"`{name}" in doc, f"predicate {name} missing from docs/rules.md"
