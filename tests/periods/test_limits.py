"""Limits.from_answers: the assessment's answers become the limits the analysis checks."""

from __future__ import annotations

from datetime import date

import pytest

from lia.errors import InputError
from lia.periods.limits import Duration, Limits, parse_duration


def test_empty_answers_declare_no_limits():
    lim = Limits.from_answers({})
    assert lim.max_consecutive_days is None and lim.max_days_per_month is None
    assert lim.share_recorded_percent is None and lim.retention is None
    assert lim.training_periods == () and not lim.checks_training_periods
    assert lim.max_whole_weeks == 0 and lim.withdrawal_deletion_days == 30


def test_full_answers():
    lim = Limits.from_answers({
        "periods.continuous": False,
        "periods.training_periods": [{"group": " Support ", "start": "2025-03-01", "end": "2025-03-21", "note": "spring"},
                                     {"group": "*", "start": date(2025, 9, 1), "end": "2025-09-05"}],
        "periods.max_consecutive_days": 3,
        "periods.max_days_per_month": 8,
        "periods.share_recorded_percent": 12.5,
        "periods.never_recorded": ["private_calls", "declined_callers"],
        "retention.period": "P90D",
    })
    assert [(p.group, p.start, p.end) for p in lim.training_periods] == [
        ("Support", date(2025, 3, 1), date(2025, 3, 21)), ("*", date(2025, 9, 1), date(2025, 9, 5))]
    assert lim.training_periods[0].applies_to("support", "A1") and not lim.training_periods[0].applies_to("sales", "A1")
    assert lim.training_periods[1].applies_to("sales", "A9")
    assert (lim.max_consecutive_days, lim.max_days_per_month, lim.share_recorded_percent) == (3, 8, 12.5)
    assert lim.retention == Duration(days=90) and lim.never_recorded == ("private_calls", "declined_callers")
    assert lim.checks_training_periods


def test_continuous_recording_switches_off_the_training_period_check():
    lim = Limits.from_answers({"periods.continuous": True,
                               "periods.training_periods": [{"group": "*", "start": "2025-01-01", "end": "2025-01-31"}]})
    assert not lim.checks_training_periods


def test_none_choice_is_dropped():
    assert Limits.from_answers({"periods.never_recorded": ["none"]}).never_recorded == ()


@pytest.mark.parametrize("text, expected", [
    ("P90D", Duration(days=90)), ("P2W", Duration(days=14)), ("P3M", Duration(months=3)),
    ("P1Y6M", Duration(years=1, months=6)), ("p30d", Duration(days=30)), ("P0D", Duration()),
])
def test_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("bad", ["90 days", "P", "PT24H", "P-3D", "", "P3X"])
def test_bad_durations_say_what_is_expected(bad):
    with pytest.raises(InputError) as ei:
        parse_duration(bad)
    assert "P90D" in str(ei.value) and ei.value.where == "retention.period"


@pytest.mark.parametrize("answers, where, fragment", [
    ({"periods.training_periods": [{"group": "a", "start": "2025-03-10", "end": "2025-03-01"}]},
     "periods.training_periods[1]", "before it starts"),
    ({"periods.training_periods": [{"group": "", "start": "2025-03-10", "end": "2025-03-11"}]},
     "periods.training_periods[1]", "missing group"),
    ({"periods.training_periods": [{"group": "a", "start": "10/3/2025", "end": "2025-03-11"}]},
     "periods.training_periods[1].start", "YYYY-MM-DD"),
    ({"periods.training_periods": "all year"}, "periods.training_periods", "expected a table"),
    ({"periods.max_consecutive_days": -1}, "periods.max_consecutive_days", "from 0"),
    ({"periods.max_consecutive_days": 2.5}, "periods.max_consecutive_days", "whole number"),
    ({"periods.max_days_per_month": 40}, "periods.max_days_per_month", "0 to 31"),
    ({"periods.share_recorded_percent": "ten"}, "periods.share_recorded_percent", "expected a number"),
    ({"periods.share_recorded_percent": True}, "periods.share_recorded_percent", "expected a number"),
    ({"periods.continuous": "no"}, "periods.continuous", "yes/no"),
    ({"periods.never_recorded": "private_calls"}, "periods.never_recorded", "list"),
    ({"retention.period": "3 months"}, "retention.period", "P3M"),
])
def test_bad_answers_name_the_question(answers, where, fragment):
    with pytest.raises(InputError) as ei:
        Limits.from_answers(answers)
    assert ei.value.where == where and fragment in str(ei.value)


def test_empty_retention_means_not_decided():
    assert Limits.from_answers({"retention.period": ""}).retention is None
