"""The legal source registry and the where/when of rules: every citation resolves, no rule
says the AI Act applies in Norway, and rules switch on at the dates of the law they cite."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from lia.rules import evaluate
from lia.rules.packs import RulePackError, load_pack, load_packs
from lia.rules.sources import SourceRegistryError, load_registry, registry

from rules_testlib import baseline

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

#: Where an official text lives: EUR-Lex, Lovdata, riksdagen.se, or the regulator / the EDPB.
OFFICIAL_LAW_HOSTS = ("eur-lex.europa.eu", "lovdata.no", "www.riksdagen.se")
REGULATOR_HOSTS = ("www.edpb.europa.eu", "ec.europa.eu", "digital-strategy.ec.europa.eu", "www.datatilsynet.no",
                   "www.datainspektionen.se", "www.imy.se", "ico.org.uk", "www.cnil.fr")


def _pack_with(tmp_path: Path, rule_yaml: str) -> Path:
    text = (TEMPLATES / "rules" / "eu.yaml").read_text(encoding="utf-8")
    head, _, _ = text.partition("rules:\n")
    path = tmp_path / "eu.yaml"
    path.write_text(head + "rules:\n" + rule_yaml, encoding="utf-8")
    return path


RULE = """
  - id: eu.test.rule
    severity: warning
    step: balancing
    factor: ai
    weighs: against
    weight: high
    groups: [agents]
    question: ai.uses
    when: {includes: [ai.uses, agent_emotion_recognition]}
    sources: [SOURCES]
    message: {en: m, sv: m sv, nb: m nb}
    remediation: {en: r, sv: r sv, nb: r nb}
"""


def test_every_source_has_three_titles_and_an_official_address() -> None:
    reg = registry()
    assert len(reg.sources) >= 20
    for src in reg.sources.values():
        host = urlparse(src.url).netloc
        if src.kind in ("law", "case"):
            assert host in OFFICIAL_LAW_HOSTS, f"{src.id}: {src.url} is not EUR-Lex, Lovdata or riksdagen.se"
        elif src.kind == "decision":
            assert host in REGULATOR_HOSTS, f"{src.id}: {src.url}"
        for lang in ("en", "sv", "nb"):
            assert src.instrument.get(lang).strip() and src.short.get(lang).strip()
        for p in src.provisions:
            assert len({p.title.en, p.title.sv, p.title.nb}) == 3, f"{src.id}#{p.ref}: not translated"


def test_unverified_entries_say_why() -> None:
    for src in registry().sources.values():
        if not src.verified:
            assert src.note and len(src.note) > 20, src.id
        for p in src.provisions:
            if not p.verified:
                assert p.note, f"{src.id}#{p.ref}"


def test_a_rule_citing_something_not_in_the_registry_fails(tmp_path: Path) -> None:
    path = _pack_with(tmp_path, RULE.replace("SOURCES", "gdpr#Art. 99(9), eu_ai_law#Art. 5"))
    with pytest.raises(RulePackError) as exc:
        load_pack(path)
    msg = str(exc.value)
    assert str(path) in msg and "eu.test.rule" in msg
    assert "gdpr has no provision 'Art. 99(9)'" in msg and "Art. 6(1)(f)" in msg  # lists what exists
    assert "unknown source 'eu_ai_law'" in msg and "ai_act" in msg


def test_free_text_citations_are_gone(tmp_path: Path) -> None:
    for name in ("eu.yaml", "se.yaml", "no.yaml"):
        text = (TEMPLATES / "rules" / name).read_text(encoding="utf-8")
        assert not re.search(r"^\s+citation:", text, re.M), name
    # the old field is refused with the list of fields a rule may have
    with pytest.raises(RulePackError, match="unknown field"):
        load_pack(_pack_with(tmp_path, RULE.replace("    sources: [SOURCES]\n",
                                                    "    citation: {instrument: GDPR, article: Art. 32}\n")))


def test_the_ai_act_cannot_be_said_to_apply_in_norway(tmp_path: Path) -> None:
    # an EU-pack rule applies in the EU and in Norway by default: citing the AI Act there is refused
    with pytest.raises(RulePackError) as exc:
        load_pack(_pack_with(tmp_path, RULE.replace("SOURCES", "ai_act#Art. 5(1)(f)")))
    assert "ai_act#Art. 5(1)(f) is not in force in NO" in str(exc.value)
    # declared for the EU only, it loads
    ok = RULE.replace("SOURCES", "ai_act#Art. 5(1)(f)").replace("    message:", "    applies_in: [EU]\n    message:")
    pack = load_pack(_pack_with(tmp_path, ok))
    assert pack.rules[0].applies_in == ("EU",)
    assert pack.rules[0].windows["EU"][0] == dt.date(2025, 2, 2)


def test_no_rule_that_applies_in_norway_rests_on_the_ai_act() -> None:
    for pack in load_packs():
        for r in pack.rules:
            if "NO" in r.applies_in:
                assert not any(ref.source.id == "ai_act" for ref in r.rule.refs), r.id


def test_a_rule_cannot_claim_to_be_in_force_before_its_law(tmp_path: Path) -> None:
    bad = RULE.replace("SOURCES", "ai_act#Art. 50(3)").replace(
        "    message:", "    applies_in: [EU]\n    in_force_from: 2024-01-01\n    message:")
    with pytest.raises(RulePackError, match="before the law it cites is in force"):
        load_pack(_pack_with(tmp_path, bad))


def test_a_broken_registry_names_file_and_source(tmp_path: Path) -> None:
    text = (TEMPLATES / "rules" / "sources.yaml").read_text(encoding="utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text(text.replace("url: https://eur-lex.europa.eu/eli/reg/2016/679/oj", "url: eur-lex"), encoding="utf-8")
    with pytest.raises(SourceRegistryError) as exc:
        load_registry(path)
    assert str(path) in str(exc.value) and "source gdpr" in str(exc.value) and "url" in str(exc.value)


def test_findings_carry_their_registry_sources_and_the_date_of_the_law() -> None:
    answers = baseline()
    answers["ai.uses"] = ["transcription", "agent_emotion_recognition"]
    ev = evaluate({"jurisdictions": ["EU", "SE"]}, answers, as_of="2026-11-30")
    js = ev.to_json("sv")
    assert js["law_as_of"] == "2026-11-30" and js["law"]["as_of"] == "2026-11-30"
    f = next(f for f in js["findings"] if f["rule"] == "eu.hard_stop.emotion_recognition")
    assert f["citation"].startswith("AI-förordningen artikel 5.1 f")  # as the Swedish AI Act writes it
    src = f["sources"][0]
    assert src["id"] == "ai_act#Art. 5(1)(f)" and src["url"].startswith("https://eur-lex.europa.eu/")
    assert src["title"] == "Förbud mot känsloigenkänning på arbetsplatser och i utbildning"
    assert src["from"] == "2025-02-02" and f["applies_in"] == ["EU"] and f["basis"] == "law"


def test_emotion_recognition_switches_on_on_2_february_2025() -> None:
    answers = baseline()
    answers["ai.uses"] = ["transcription", "agent_emotion_recognition"]
    before = evaluate({"jurisdictions": ["EU"]}, answers, as_of="2025-02-01")
    on = evaluate({"jurisdictions": ["EU"]}, answers, as_of=dt.date(2025, 2, 2))
    assert "eu.hard_stop.emotion_recognition" not in before.fired()
    assert before.not_applied["eu.hard_stop.emotion_recognition"] == "not_yet"
    assert "eu.hard_stop.emotion_recognition" in on.fired()


def test_a_bad_as_of_date_says_what_was_expected() -> None:
    from lia.errors import InputError

    with pytest.raises(InputError, match="expected a date YYYY-MM-DD"):
        evaluate({"jurisdictions": ["EU"]}, baseline(), as_of="30/11/2026")


def test_a_policy_stricter_than_the_law_is_labelled_policy() -> None:
    answers = baseline()
    answers["purpose.new_purpose_approval"] = False
    answers["periods.max_consecutive_days"] = 5
    js = evaluate({"jurisdictions": ["EU", "SE"]}, answers, as_of="2026-11-30").to_json("en")
    basis = {f["rule"]: f["basis"] for f in js["findings"]}
    assert basis["eu.purpose.no_change_control"] == "policy"
    assert basis["se.periods.whole_weeks"] == "guidance"  # the regulator's earlier view, not statute
    assert basis["eu.dpia.required"] == "law"


def test_art_88_is_not_cited_as_a_controllers_duty() -> None:
    """Art. 88 lets member states legislate (C-34/21); rules cite the national law instead."""
    for pack in load_packs():
        for r in pack.rules:
            assert not any(ref.key.startswith("gdpr#Art. 88") for ref in r.rule.refs), r.id


@pytest.mark.parametrize("rid, cited, not_cited", [
    ("eu.retention.evidence_withdrawal_not_deleted", ["gdpr#Art. 21(1)", "gdpr#Art. 17(1)(c)"], ["gdpr#Art. 21(3)"]),
    ("eu.safeguards.pseudonymised_training", ["gdpr#Art. 4(5)", "gdpr#Art. 25(1)", "gdpr#Art. 32(1)(a)"], ["gdpr#Art. 89(1)"]),
    ("eu.sensitivity.art9_condition_doubtful", ["gdpr#Art. 9(2)(b)"], []),
    ("se.lek.not_party", ["se_brb#4 kap. 9 a §"], []),
    ("se.expectations.telia", ["se_di_telia"], []),
    ("no.hard_stop.not_party", ["no_strl#§ 205 første ledd bokstav a"], []),
])
def test_review_corrections_cite_the_right_provisions(rid: str, cited: list[str], not_cited: list[str]) -> None:
    rules = {r.id: r for p in load_packs() for r in p.rules}
    keys = [ref.key for ref in rules[rid].rule.refs]
    assert all(c in keys for c in cited) and not any(n in keys for n in not_cited), keys


def test_the_telia_decision_has_its_date_and_reference() -> None:
    src = registry().sources["se_di_telia"]
    assert src.in_force == {"SE": dt.date(2016, 5, 10)} and "TeliaSonera Sverige AB" in src.short.en
    assert "120-2016" in src.short.en and "120-2016" in src.short.sv and "120-2016" in src.short.nb


@pytest.mark.parametrize("ref, sv, nb", [
    ("Art. 6(1)(f)", "artikel 6.1 f", "artikkel 6 nr. 1 bokstav f"),
    ("Recital 75", "skäl 75", "fortalepunkt 75"),
    ("Art. 5(2)", "artikel 5.2", "artikkel 5 nr. 2"),
    ("Art. 7", "artikel 7", "artikkel 7"),
    ("Art. 6(1) second subparagraph", "artikel 6.1 andra stycket", "artikkel 6 nr. 1 andre ledd"),
    ("Art. 35(7)(c)", "artikel 35.7 c", "artikkel 35 nr. 7 bokstav c"),
])
def test_gdpr_provisions_read_as_the_swedish_and_norwegian_language_versions_write_them(ref, sv, nb):
    """Issue 16 item 4: Swedish and Norwegian reports cited "GDPR Recital 75" and "Art. 6(1)(f)"."""
    from lia.rules.sources import render_refs

    r = registry().resolve(f"gdpr#{ref}")
    assert r.render("en") == f"GDPR {ref}"  # English unchanged, and the ref stays the stable key
    assert r.render("sv") == f"GDPR {sv}"
    assert r.render("nb") == f"GDPR {nb}"
    assert r.to_json("sv")["provision"] == ref and r.to_json("sv")["label"] == sv
    both = [r, registry().resolve("gdpr#Art. 5(1)(c)")]
    assert render_refs(both, "nb") == f"GDPR {nb}, artikkel 5 nr. 1 bokstav c"


def test_ai_act_annex_points_and_national_provisions_in_swedish_and_norwegian():
    reg = registry()
    assert reg.resolve("ai_act#Art. 5(1)(f)").render("sv") == "AI-förordningen artikel 5.1 f"
    assert reg.resolve("ai_act#Annex III point 4(b)").render("sv") == "AI-förordningen bilaga III punkt 4 b"
    assert reg.resolve("ai_act#Annex III point 4(b)").render("nb") == "KI-forordningen vedlegg III nr. 4 bokstav b"
    # national provisions are written in their own language already: shown as they are in every language
    assert reg.resolve("no_strl#§ 205 første ledd bokstav a").render("sv") == "Straffeloven § 205 første ledd bokstav a"
    assert reg.resolve("se_brb#4 kap. 9 a §").render("nb") == "Brottsbalken 4 kap. 9 a §"


def test_no_eu_provision_is_left_in_english_in_swedish_or_norwegian():
    from lia.rules.sources import provision_label

    english = re.compile(r"\b(Art\.|Recital|Annex|point|subparagraph)\b")
    left = [(s.id, p.ref, lang) for s in registry().sources.values() for p in s.provisions for lang in ("sv", "nb")
            if english.search(provision_label(p.ref, lang))]
    assert not left, left
