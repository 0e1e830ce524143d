"""Breaches found in an access log: what happened, by whom, to whose recordings, when, against which limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["KINDS", "ROLE_KINDS", "USER_KINDS", "AccessBreach", "sort_breaches"]

#: Per role (``role`` set, no ``user``).
ROLE_KINDS = ("undeclared_role", "too_many_users")
#: Per user (``user`` and ``role`` set; ``agent`` when the breach concerns one agent's recordings).
USER_KINDS = ("download_not_allowed", "listen_not_allowed", "not_recorded", "declined_caller", "after_deletion",
              "after_withdrawal", "after_retention", "undeclared_purpose", "reason_missing", "agent_concentration",
              "listened_outside_training")
KINDS = ROLE_KINDS + USER_KINDS
_UNITS = {"undeclared_role": "accesses", "too_many_users": "users", "agent_concentration": "recordings"}


@dataclass(frozen=True)
class AccessBreach:
    """One breach. ``value`` is measured against ``limit`` in ``unit``; ``accesses`` counts the events involved."""

    kind: str
    start: date
    end: date
    value: float
    limit: float
    role: str | None = None
    user: str | None = None
    agent: str | None = None
    accesses: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown access breach kind {self.kind!r}; expected one of {', '.join(KINDS)}")

    @property
    def unit(self) -> str:
        return _UNITS.get(self.kind, "accesses")

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What identifies a breach for comparisons: kind, role, user, agent."""
        return (self.kind, (self.role or "").lower(), self.user or "", self.agent or "")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind}
        for k in ("user", "role", "agent"):
            if getattr(self, k) is not None:
                d[k] = getattr(self, k)
        d["period"] = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        d["value"] = _num(self.value)
        d["limit"] = _num(self.limit)
        d["unit"] = self.unit
        if self.accesses is not None:
            d["accesses"] = int(self.accesses)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "AccessBreach":
        return cls(kind=d["kind"], start=date.fromisoformat(d["period"]["start"]),
                   end=date.fromisoformat(d["period"]["end"]), value=d["value"], limit=d["limit"],
                   role=d.get("role"), user=d.get("user"), agent=d.get("agent"), accesses=d.get("accesses"))


def _num(x: float) -> int | float:
    x = float(x)
    return int(x) if x.is_integer() else round(x, 1)


def sort_breaches(breaches: list[AccessBreach]) -> list[AccessBreach]:
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(breaches, key=lambda b: (order[b.kind], b.role or "", b.user or "", b.agent or "", b.start))
