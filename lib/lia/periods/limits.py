"""The recording-period limits an assessment declares, read from its answers.

The question ids are fixed in docs/question-ids.md (sections ``periods`` and
``retention``). An unanswered question means "no limit declared": the matching
check is not run and the summary says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping

from lia.duration import Duration
from lia.errors import InputError, Message

__all__ = ["Limits", "TrainingPeriod", "Duration", "parse_duration"]

_ALL_GROUPS = frozenset({"*", "all"})


def parse_duration(value: str, where: str = "retention.period") -> Duration:
    """:meth:`lia.duration.Duration.parse`, naming the retention question by default."""
    return Duration.parse(value, where=where)


@dataclass(frozen=True)
class TrainingPeriod:
    """A date range (inclusive) in which recording of ``group`` is planned.

    ``group`` matches a team name or an agent id (case-insensitive), or everyone
    when it is ``*`` or ``all``.
    """

    group: str
    start: date
    end: date

    def applies_to(self, team: str, agent: str) -> bool:
        """Whether this period covers calls of ``agent`` in ``team``."""
        g = self.group.casefold()
        return g in _ALL_GROUPS or g == team.casefold() or g == agent.casefold()


@dataclass(frozen=True)
class Limits:
    """The limits the call-log analysis checks. ``None`` means: not declared, not checked."""

    training_periods: tuple[TrainingPeriod, ...] = ()
    max_consecutive_days: int | None = None
    max_days_per_month: int | None = None
    share_recorded_percent: float | None = None
    continuous: bool | None = None
    retention: Duration | None = None
    never_recorded: tuple[str, ...] = ()
    #: The callers' legal basis (``context.legal_basis_callers``); with ``consent``, recording a caller
    #: who was never asked is a breach.
    callers_basis: str | None = None
    #: Whole ISO weeks (all five working days) recorded in a row allowed per agent.
    #: 0 follows the Swedish guidance (IMY/Datainspektionen): not whole weeks in a row.
    max_whole_weeks: int = 0
    #: Days from a caller's withdrawal of consent to deletion of the recording.
    #: 30 follows GDPR Art. 12(3) (without undue delay, at the latest within one month).
    withdrawal_deletion_days: int = 30

    @property
    def checks_training_periods(self) -> bool:
        """Recording outside training periods is checked when periods are declared and recording is not continuous."""
        return bool(self.training_periods) and self.continuous is not True

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any], **overrides: Any) -> "Limits":
        """Build limits from an assessment's answers (question id -> value).

        Raises InputError naming the question id when an answer has the wrong shape
        (a training period that ends before it starts, a negative limit, a duration
        that is not ISO 8601).
        """
        a = dict(answers or {})
        continuous = _bool(a.get("periods.continuous"), "periods.continuous")
        periods = _periods(a.get("periods.training_periods"))
        kw: dict[str, Any] = dict(
            training_periods=periods,
            max_consecutive_days=_int(a.get("periods.max_consecutive_days"), "periods.max_consecutive_days"),
            max_days_per_month=_int(a.get("periods.max_days_per_month"), "periods.max_days_per_month", hi=31),
            share_recorded_percent=_num(a.get("periods.share_recorded_percent"), "periods.share_recorded_percent", hi=100),
            continuous=continuous,
            retention=(
                None if a.get("retention.period") in (None, "") else parse_duration(a["retention.period"])
            ),
            never_recorded=tuple(_list(a.get("periods.never_recorded"), "periods.never_recorded")),
            callers_basis=(str(a["context.legal_basis_callers"]) if a.get("context.legal_basis_callers") not in (None, "")
                           else None),
        )
        kw.update(overrides)
        return cls(**kw)


def _bool(v: Any, where: str) -> bool | None:
    if v is None or isinstance(v, bool):
        return v
    raise InputError(Message("errors.limits_bool", value=repr(v)), where=where)


def _num(v: Any, where: str, hi: float | None = None) -> float | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise InputError(Message("errors.limits_number", value=repr(v)), where=where)
    if v < 0 or (hi is not None and v > hi):
        raise InputError(Message("errors.limits_number_range", hi=str(hi) if hi is not None else Message("errors.frag_any"),
                                 value=repr(v)), where=where)
    return float(v)


def _int(v: Any, where: str, hi: int | None = None) -> int | None:
    f = _num(v, where, hi)
    if f is None:
        return None
    if not float(f).is_integer():
        raise InputError(Message("errors.limits_days", value=repr(v)), where=where)
    return int(f)


def _list(v: Any, where: str) -> list[str]:
    if v is None:
        return []
    if not isinstance(v, (list, tuple)) or not all(isinstance(x, str) for x in v):
        raise InputError(Message("errors.limits_choices", value=repr(v)), where=where)
    return [x for x in v if x != "none"]


def _date(v: Any, where: str) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v.strip())
        except ValueError:
            pass
    raise InputError(Message("errors.limits_date", value=repr(v)), where=where)


def _periods(rows: Any) -> tuple[TrainingPeriod, ...]:
    where = "periods.training_periods"
    if rows is None or rows == "":
        return ()
    if not isinstance(rows, (list, tuple)):
        raise InputError(Message("errors.limits_table", type=type(rows).__name__), where=where)
    out = []
    for i, row in enumerate(rows, start=1):
        w = f"{where}[{i}]"
        if not isinstance(row, Mapping):
            raise InputError(Message("errors.limits_row", value=repr(row)), where=w)
        missing = [k for k in ("group", "start", "end") if row.get(k) in (None, "")]
        if missing:
            raise InputError(Message("errors.limits_row_missing", missing=", ".join(missing)), where=w)
        group = str(row["group"]).strip()
        start, end = _date(row["start"], w + ".start"), _date(row["end"], w + ".end")
        if end < start:
            raise InputError(Message("errors.limits_row_order", end=end.isoformat(), start=start.isoformat()), where=w)
        out.append(TrainingPeriod(group=group, start=start, end=end))
    return tuple(out)
