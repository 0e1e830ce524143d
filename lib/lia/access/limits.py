"""What the assessment declares about access to recordings, read from its answers.

``AccessLimits.from_answers(answers)`` reads the question ids of the access,
purpose, retention and recording-period sections (docs/question-ids.md). An
unanswered question means "not declared": the check that needs it is skipped
and the summary says which answer is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..errors import InputError, Message
from ..periods.limits import Duration, TrainingPeriod, _periods, parse_duration

__all__ = ["ACTIONS", "DOWNLOAD_ACTIONS", "LISTEN_ACTIONS", "PURPOSES", "Role", "AccessLimits"]

#: The actions an access log may record.
ACTIONS = ("listen", "download", "export", "share", "view_transcript", "delete")
#: Actions that take a copy out of the recording system: allowed only to roles that may download.
DOWNLOAD_ACTIONS = ("download", "export", "share")
#: Actions that use the content of a recording (everything but deleting it).
LISTEN_ACTIONS = ("listen", "download", "export", "share", "view_transcript")
#: Purpose ids a ``reason`` may start with (the choices of ``purpose.purposes``).
PURPOSES = ("training", "quality_assurance", "dispute_evidence", "legal_obligation", "fraud_prevention",
            "customer_analytics", "performance_evaluation", "ai_model_training")


@dataclass(frozen=True)
class Role:
    """One row of ``access.roles``: who may access recordings, how many people, listen / download."""

    name: str
    people: int
    can_listen: bool
    can_download: bool
    training_periods_only: bool = False

    @property
    def key(self) -> str:
        return self.name.strip().lower()


@dataclass(frozen=True)
class AccessLimits:
    """The declared access policy the access-log analysis checks. ``None`` / empty: not declared."""

    roles: tuple[Role, ...] = ()
    purposes: tuple[str, ...] | None = None
    retention: Duration | None = None
    reason_required: bool | None = None
    training_periods: tuple[TrainingPeriod, ...] = ()
    continuous: bool | None = None
    #: More distinct recordings of one agent than this, opened by one user within
    #: ``agent_window_days`` days, is a pattern the works council is to hear about.
    max_recordings_per_agent: int | None = None
    agent_window_days: int | None = None
    #: Days from a caller's withdrawal of consent after which a recording must be gone
    #: (GDPR Art. 12(3) and 17, as in the call-log analysis). Any use after withdrawal is flagged.
    withdrawal_deletion_days: int = 30

    @property
    def roles_declared(self) -> bool:
        return bool(self.roles)

    def role(self, name: str) -> Role | None:
        k = name.strip().lower()
        return next((r for r in self.roles if r.key == k), None)

    @property
    def checks_training_periods(self) -> bool:
        return bool(self.training_periods) and self.continuous is not True and any(r.training_periods_only for r in self.roles)

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any], **overrides: Any) -> "AccessLimits":
        """Build the limits from an assessment's answers; InputError naming the question on a bad shape."""
        a = dict(answers or {})
        roles = _roles(a.get("access.roles"))
        purposes = a.get("purpose.purposes")
        if purposes is not None and not (isinstance(purposes, list) and all(isinstance(p, str) for p in purposes)):
            raise InputError(Message("errors.limits_purposes", value=repr(purposes)), where="purpose.purposes")
        cont = a.get("periods.continuous")
        kw: dict[str, Any] = dict(
            roles=roles,
            purposes=tuple(purposes) if purposes else None,
            retention=None if a.get("retention.period") in (None, "") else parse_duration(a["retention.period"]),
            reason_required=a.get("access.reason_required") if isinstance(a.get("access.reason_required"), bool) else None,
            training_periods=_periods(a.get("periods.training_periods")),
            continuous=cont if isinstance(cont, bool) else None,
            max_recordings_per_agent=_int(a.get("access.max_recordings_per_agent"), "access.max_recordings_per_agent"),
            agent_window_days=_int(a.get("access.agent_window_days"), "access.agent_window_days", lo=1),
        )
        kw.update(overrides)
        return cls(**kw)

    def to_dict(self) -> dict[str, Any]:
        """The limits as JSON (stored in the evidence)."""
        return {
            "roles": [{"role": r.name, "people": r.people, "can_listen": r.can_listen, "can_download": r.can_download,
                       "training_periods_only": r.training_periods_only} for r in self.roles],
            "purposes": list(self.purposes) if self.purposes is not None else None,
            "retention": self.retention.iso() if self.retention is not None else None,
            "reason_required": self.reason_required,
            "training_periods": [{"group": p.group, "start": p.start.isoformat(), "end": p.end.isoformat()}
                                 for p in self.training_periods],
            "continuous": self.continuous,
            "max_recordings_per_agent": self.max_recordings_per_agent,
            "agent_window_days": self.agent_window_days,
            "withdrawal_deletion_days": self.withdrawal_deletion_days,
        }


def _int(v: Any, where: str, lo: int = 0) -> int | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v) or v < lo:
        raise InputError(Message("errors.limits_min_int", lo=str(lo), value=repr(v)), where=where)
    return int(v)


def _roles(rows: Any) -> tuple[Role, ...]:
    if rows in (None, ""):
        return ()
    if not isinstance(rows, list):
        raise InputError(Message("errors.limits_roles_table", value=repr(rows)), where="access.roles")
    out: list[Role] = []
    seen: set[str] = set()
    for i, r in enumerate(rows, start=1):
        where = f"access.roles row {i}"
        if not isinstance(r, dict) or not isinstance(r.get("role"), str) or not r["role"].strip():
            raise InputError(Message("errors.limits_role_row", value=repr(r)), where=where)
        people = r.get("people")
        if isinstance(people, bool) or not isinstance(people, (int, float)) or people < 0 or people != int(people):
            raise InputError(Message("errors.limits_people", value=repr(people)), where=where)
        role = Role(name=r["role"].strip(), people=int(people), can_listen=r.get("can_listen") is not False,
                    can_download=r.get("can_download") is True,
                    training_periods_only=r.get("training_periods_only") is True)
        if role.key in seen:
            raise InputError(Message("errors.limits_role_twice", role=repr(role.name)), where=where)
        seen.add(role.key)
        out.append(role)
    return tuple(out)
