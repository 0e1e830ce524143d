"""A breach: one place where the call log goes beyond a limit the assessment declares.

Breaches are results, not errors. Each names who (a pseudonymous agent id or a
team), when (a period of local dates), what was measured and the limit it was
measured against, so the reasoning can weigh evidence, not only declared policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["Breach", "KINDS", "AGENT_KINDS", "TEAM_KINDS", "sort_breaches"]

#: Every breach kind, in the order reports list them, with the unit of its value.
KINDS: dict[str, str] = {
    "consecutive_days": "working_days",
    "whole_week": "weeks",
    "days_per_month": "days",
    "outside_training_period": "days",
    "share_recorded": "percent",
    "retention_exceeded": "days",
    "withdrawal_not_deleted": "days",
    "declined_recorded": "calls",
    "not_asked_recorded": "calls",
    "never_recorded_type": "calls",
}

#: Kinds measured per agent (the breach names the agent and, for filtering, its team).
AGENT_KINDS = frozenset({"consecutive_days", "whole_week", "days_per_month", "outside_training_period", "declined_recorded",
                         "not_asked_recorded", "never_recorded_type"})
#: Kinds measured per team.
TEAM_KINDS = frozenset({"share_recorded", "retention_exceeded", "withdrawal_not_deleted"})


@dataclass(frozen=True)
class Breach:
    """One breach of a limit.

    ``agent`` is set for per-agent kinds (then ``team`` is the agent's team in that
    period, for filtering); only ``team`` is set for per-team kinds. ``value`` is
    what was measured, ``limit`` what the assessment allows, both in ``unit``.
    ``calls`` is the number of calls involved where that is meaningful.
    """

    kind: str
    start: date
    end: date
    value: float
    limit: float
    unit: str
    agent: str | None = None
    team: str | None = None
    calls: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown breach kind {self.kind!r}; expected one of: {', '.join(KINDS)}")

    @property
    def who(self) -> str:
        """The agent id for per-agent kinds, else the team."""
        return self.agent if self.agent is not None else (self.team or "")

    def key(self) -> tuple[str, str, str, str]:
        """What identifies a breach: kind, who, period (used by tests and diffs)."""
        return (self.kind, self.who, self.start.isoformat(), self.end.isoformat())

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: kind, agent (and team) or team, period, value, limit, unit[, calls]."""
        d: dict[str, Any] = {"kind": self.kind}
        if self.agent is not None:
            d["agent"] = self.agent
        if self.team is not None:
            d["team"] = self.team
        d["period"] = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        d["value"] = _num(self.value)
        d["limit"] = _num(self.limit)
        d["unit"] = self.unit
        if self.calls is not None:
            d["calls"] = int(self.calls)
        return d


def _num(x: float) -> int | float:
    f = float(x)
    return int(f) if f.is_integer() else round(f, 2)


def sort_breaches(breaches: list[Breach]) -> list[Breach]:
    """Breaches in report order: by kind (as in KINDS), then who, then start."""
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(breaches, key=lambda b: (order[b.kind], b.who, b.start, b.end))
