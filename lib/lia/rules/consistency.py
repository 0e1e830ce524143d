"""Consistency checks: contradictions inside an assessment.

Most contradictions are plain rules in the packs (step ``consistency``), e.g.
a retention period while deletion is "manual, when needed", consent as the
legal basis without an affirmative act, continuous recording while training
periods are listed. This module adds what those rules need beyond the answers:

- ``lia_verdict(step, verdict)``: reads the computed LIA verdict, so a pack can
  say "the assessor concluded yes while a step failed". Rules using it run in a
  second pass, after the verdict (phase 1), and may not be blockers, so they
  never change the verdict they read.

The risk-register checks (a rating lowered on a dimension no measure addresses,
a risk rated after measures without a measure, measures for unknown risks) are
predicates of :mod:`lia.rules.dpia`.
"""

from __future__ import annotations

from ..errors import Message
from .predicates import Context, register

__all__ = ["VERDICT_VALUES"]

VERDICT_VALUES = {
    "purpose": ("pass", "fail", "needs_refinement", "not_assessed"),
    "necessity": ("pass", "fail", "needs_scope_reduction", "not_assessed", "not_reached"),
    "balancing": ("pass", "fail", "pass_with_measures", "not_assessed", "not_reached", "not_applicable"),
    "overall": ("yes", "no", "conditional", "not_assessed", "unlawful", "not_applicable"),
}


def _check(step: str, verdict: str) -> None:
    if step not in VERDICT_VALUES or verdict not in VERDICT_VALUES[step]:
        known = "; ".join(f"{k}: {', '.join(v)}" for k, v in VERDICT_VALUES.items())
        raise ValueError(Message("errors.when_verdict", step=repr(step), verdict=repr(verdict), known=known))


@register("lia_verdict", "string", "string", phase=1, validate=_check)
def _lia_verdict(ctx: Context, step: str, verdict: str) -> bool:
    """The computed verdict of an LIA step (purpose, necessity, balancing, overall) is the value."""
    lia = ctx.derived.get("lia") or {}
    got = lia.get(step)
    return got is not None and got.verdict == verdict
