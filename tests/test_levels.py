"""The level scales, each defined once (issue 13): risk levels (severity, likelihood) and balancing weights."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import lia
from lia.i18n import LANGS
from lia.levels import (IMPACT_LEVELS, RISK_LEVELS, WEIGHTS, lower_impact, risk_label, risk_level, risk_number,
                        weight_label)


def test_the_two_scales():
    assert RISK_LEVELS == ("negligible", "limited", "significant", "maximum")
    assert WEIGHTS == ("low", "medium", "high", "severe") and IMPACT_LEVELS == WEIGHTS[:3]


def test_risk_numbers_round_trip():
    assert [risk_number(lv) for lv in RISK_LEVELS] == [1, 2, 3, 4]
    assert [risk_level(n) for n in (1, 2, 3, 4)] == list(RISK_LEVELS)
    assert risk_number("high") is None and risk_number(None) is None and risk_level(None) is None


def test_a_safeguard_lowers_an_impact_one_step_and_low_stays_low():
    assert [lower_impact(lv) for lv in IMPACT_LEVELS] == ["low", "low", "medium"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_level_has_a_label_in_every_language(lang):
    risk = [risk_label(lv, lang) for lv in RISK_LEVELS]
    weights = [weight_label(w, lang) for w in WEIGHTS]
    assert all(risk) and all(weights) and len(set(risk)) == 4 and len(set(weights)) == 4
    assert risk_label("significant", "sv") == "betydande" and weight_label("severe", "nb") == "alvorlig"


def test_the_rules_define_no_scale_of_their_own():
    """Before: dpia.LEVELS, weighing.LEVELS, verdict.IMPACT_LEVELS and the packs' Literal each spelt a scale out."""
    rules = Path(lia.__file__).parent / "rules"
    spelt = re.compile(r'"negligible",\s*"limited"|"low",\s*"medium",\s*"high"')
    for f in sorted(rules.glob("*.py")):
        assert not spelt.search(f.read_text(encoding="utf-8")), f.name


def test_a_pack_rule_with_an_unknown_weight_is_refused_naming_the_weights():
    from pydantic import ValidationError

    from lia.rules.packs import Rule

    with pytest.raises(ValidationError) as ei:
        Rule.model_validate({"id": "eu.x", "severity": "warning", "step": "balancing", "when": {"answered": "a.b"},
                                 "weight": "huge", "sources": ["gdpr#Art. 6(1)(f)"],
                                 "message": {"en": "m", "sv": "m", "nb": "m"},
                                 "remediation": {"en": "r", "sv": "r", "nb": "r"}})
    assert "'low', 'medium', 'high' or 'severe'" in str(ei.value)
