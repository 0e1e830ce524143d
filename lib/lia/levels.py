"""The level scales of the workbench, each defined once, with their labels from the catalogues.

Two scales, because they measure two different things and a DPO reads them apart:

* **Risk levels** (:data:`RISK_LEVELS`): the DPIA risk register rates each feared event for
  *severity* and *likelihood* on the four levels of the CNIL PIA method - negligible, limited,
  significant, maximum - before and after measures (``risks.register``; :mod:`lia.rules.dpia`,
  the risk-map charts, the portfolio, the report). They are ordered: a rating's number is its
  place on the scale, 1 to 4 (:func:`risk_number`).
* **Weights** (:data:`WEIGHTS`): the legitimate-interest balancing (EDPB Guidelines 1/2024) weighs
  a finding against the data subjects as low, medium or high, or *severe* - a finding that decides
  the balance alone, whatever the interest (a rule's ``weight`` in the packs). An *impact level* or
  an *interest level* (:data:`IMPACT_LEVELS`) is one of the first three: an impact is never
  "severe" itself, a severe finding is listed apart (``weighing.severe``).

Labels: ``level.<risk level>`` and ``weight.<weight>`` in ``templates/i18n/rules.yaml``.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "RiskLevel", "RISK_LEVELS", "risk_number", "risk_level", "risk_label",
    "Weight", "WEIGHTS", "ImpactLevel", "IMPACT_LEVELS", "weight_label", "lower_impact",
]

#: A severity or likelihood rating of the DPIA risk register (CNIL PIA method), in order.
RiskLevel = Literal["negligible", "limited", "significant", "maximum"]
RISK_LEVELS: tuple[str, ...] = get_args(RiskLevel)

#: How much a balancing finding weighs against the data subjects, in order; severe decides alone.
Weight = Literal["low", "medium", "high", "severe"]
WEIGHTS: tuple[str, ...] = get_args(Weight)

#: The level of an impact or of an interest in the balancing: a weight short of severe.
ImpactLevel = Literal["low", "medium", "high"]
IMPACT_LEVELS: tuple[str, ...] = get_args(ImpactLevel)
assert IMPACT_LEVELS == WEIGHTS[:3]


def risk_number(level: object) -> int | None:
    """``"negligible"`` -> 1 ... ``"maximum"`` -> 4; None for anything that is not a risk level."""
    return RISK_LEVELS.index(level) + 1 if isinstance(level, str) and level in RISK_LEVELS else None


def risk_level(number: int | None) -> str | None:
    """1 -> ``"negligible"`` ... 4 -> ``"maximum"``; None for None or 0."""
    return RISK_LEVELS[number - 1] if number else None


def lower_impact(level: str) -> str:
    """The impact level one step below ``level`` (low stays low): what a safeguard beyond compliance does."""
    return IMPACT_LEVELS[max(0, IMPACT_LEVELS.index(level) - 1)]


def risk_label(level: str, lang: str = "en") -> str:
    """A risk level in the reader's language (``level.<level>`` of the rules catalogue)."""
    from .rules.texts import ui

    return ui(f"level.{level}", lang)


def weight_label(weight: str, lang: str = "en") -> str:
    """A weight or impact level in the reader's language (``weight.<weight>`` of the rules catalogue)."""
    from .rules.texts import ui

    return ui(f"weight.{weight}", lang)
