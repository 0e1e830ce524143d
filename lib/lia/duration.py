"""ISO 8601 date durations: the one parser and the one meaning of "how many days".

Answers of type ``duration`` (``retention.period``, ``retention.training_clips_period``), rule-pack
limits (``duration_gt: [retention.period, P180D]``), the recording-period and access limits and the
evidence files all write durations as ISO 8601 *date* durations: ``P`` followed by years, months,
weeks and days in that order, at least one of them, whole numbers only: ``P90D``, ``P2W``,
``P3M``, ``P1Y``, ``P1Y6M``. Times (``PT24H``), fractions and signs are not accepted. The
designators may be written in lower case (``p30d``); :func:`str` gives the canonical upper-case text.

Two ways to measure a duration, each with one definition:

* **On the calendar from a date** (:meth:`Duration.add_to`): years and months move the calendar
  (31 January + ``P1M`` = 28 or 29 February), weeks and days add 7 and 1 days. Checks against real
  events (a recording kept past its retention period) use this.
* **As a number of days without a date** (:attr:`Duration.nominal_days`): a year is 365.25 days
  and a month a twelfth of that, 30.4375 days (shown rounded as 30.44), a week 7 days. Comparisons
  between two durations (the rule predicates ``duration_gt`` / ``duration_le``) and every "N days"
  shown for a limit use this, so ``P6M`` (182.6 days) is longer than ``P180D`` and ``P3M``
  (91.3 days) longer than ``P90D``, as they are on every real calendar.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Duration", "parse_duration", "parse_or_none", "DAYS_PER_YEAR", "DAYS_PER_MONTH", "EXAMPLES"]

#: A year as a number of days (the Julian year: the average of the leap-year cycle of four years).
DAYS_PER_YEAR = 365.25
#: A month as a number of days: a twelfth of :data:`DAYS_PER_YEAR`.
DAYS_PER_MONTH = DAYS_PER_YEAR / 12

#: What an error message offers as the expected form.
EXAMPLES = "an ISO 8601 duration such as P90D (90 days), P2W (2 weeks), P3M (3 months), P1Y (1 year) or P1Y6M"

_GRAMMAR = re.compile(r"P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 date duration.

    ``days`` is the whole day part, weeks included (``P2W`` has ``days=14``); ``weeks`` only
    remembers how many of those days were written as weeks, so that ``str()`` gives back what was
    written (``P2W``, not ``P14D``). Two durations are equal when their years, months and days are:
    ``P2W == P14D``.
    """

    years: int = 0
    months: int = 0
    days: int = 0
    weeks: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        for name in ("years", "months", "days", "weeks"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"Duration.{name} must be a whole number of 0 or more, got {v!r}")
        if self.weeks * 7 > self.days:
            raise ValueError(f"Duration.weeks ({self.weeks}) counts days that days ({self.days}) does not hold")

    @classmethod
    def parse(cls, value: Any, where: str | None = None, file: Any = None) -> "Duration":
        """Parse ``P90D``, ``P2W``, ``P1Y6M``... Raises :class:`lia.errors.InputError` naming ``file``
        and ``where`` (a question id, a column, a setting) and the form expected."""
        d = parse_or_none(value)
        if d is None:
            from .errors import InputError, Message, excerpt

            got = repr(excerpt(value)) if isinstance(value, str) else excerpt(repr(value))
            raise InputError(Message("errors.duration_invalid", value=got), file=file, where=where)
        return d

    @property
    def nominal_days(self) -> float:
        """Length in days without a date: a year 365.25 days, a month 30.4375 days (365.25 / 12)."""
        return self.years * DAYS_PER_YEAR + self.months * DAYS_PER_MONTH + self.days

    def add_to(self, day: _dt.date) -> _dt.date:
        """``day`` plus this duration on the calendar: years and months first, keeping the day of
        the month where the month has it, else its last day (2025-01-31 + P1M = 2025-02-28); then
        the days. A :class:`datetime.datetime` keeps its time and zone."""
        months = day.month - 1 + self.months + 12 * self.years
        year, month = day.year + months // 12, months % 12 + 1
        last = (_dt.date(year + (month == 12), month % 12 + 1, 1) - _dt.timedelta(days=1)).day
        return day.replace(year=year, month=month, day=min(day.day, last)) + _dt.timedelta(days=self.days)

    def parts(self) -> list[tuple[int, str]]:
        """The parts as written, largest first: ``P1Y6M`` -> ``[(1, "Y"), (6, "M")]``;
        ``P0D`` -> ``[(0, "D")]``. For showing a duration to people (``lia.i18n.format_duration``)."""
        out = [(n, u) for n, u in ((self.years, "Y"), (self.months, "M"), (self.weeks, "W"),
                                   (self.days - 7 * self.weeks, "D")) if n]
        return out or [(0, "D")]

    def in_one_unit(self) -> tuple[int, str] | None:
        """The same duration as one amount of one unit, exactly, where there is one: ``P1Y6M`` ->
        ``(18, "M")``, ``P1W3D`` -> ``(10, "D")``, ``P2W`` -> ``(2, "W")``, ``P1Y`` -> ``(1, "Y")``.
        None when calendar and day parts are mixed (``P1M15D``): no one unit holds that exactly."""
        parts = self.parts()
        if len(parts) == 1:
            return parts[0]
        if self.days == 0:
            return (12 * self.years + self.months, "M")
        if self.years == 0 and self.months == 0:
            return (self.days, "D")
        return None

    def __str__(self) -> str:
        return "P" + "".join(f"{n}{u}" for n, u in self.parts())

    def iso(self) -> str:
        """The ISO 8601 text, as :func:`str`."""
        return str(self)


def parse_or_none(value: Any) -> Duration | None:
    """:meth:`Duration.parse` that gives None for anything that is not an ISO 8601 date duration."""
    if isinstance(value, Duration):
        return value
    if not isinstance(value, str):
        return None
    m = _GRAMMAR.fullmatch(value.strip().upper())
    if not m:
        return None
    y, mo, w, d = (int(g) if g else 0 for g in m.groups())
    return Duration(years=y, months=mo, days=7 * w + d, weeks=w)


def parse_duration(value: Any, where: str | None = None, file: Any = None) -> Duration:
    """:meth:`Duration.parse` as a function."""
    return Duration.parse(value, where=where, file=file)
