"""One ISO 8601 duration type (issue 13): one grammar, one month length, calendar arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest

from lia.duration import DAYS_PER_MONTH, Duration, parse_duration, parse_or_none
from lia.errors import InputError, LiaError


@pytest.mark.parametrize("text, expected, canonical", [
    ("P90D", Duration(days=90), "P90D"),
    ("P2W", Duration(days=14, weeks=2), "P2W"),
    ("P3M", Duration(months=3), "P3M"),
    ("P1Y", Duration(years=1), "P1Y"),
    ("P1Y6M", Duration(years=1, months=6), "P1Y6M"),
    ("P1Y2M3W4D", Duration(1, 2, 25, 3), "P1Y2M3W4D"),
    (" p30d ", Duration(days=30), "P30D"),
    ("P0D", Duration(), "P0D"),
])
def test_parse_and_write_back(text, expected, canonical):
    d = parse_duration(text)
    assert d == expected and str(d) == canonical and d.iso() == canonical


def test_weeks_are_seven_days_and_equal_as_durations():
    assert parse_duration("P2W") == parse_duration("P14D") and parse_duration("P2W").days == 14


@pytest.mark.parametrize("bad", ["90 days", "P", "PT24H", "P-3D", "", "P3X", "P1.5M", "P1D2M", None, 90])
def test_a_bad_duration_names_where_and_what_was_expected(bad):
    with pytest.raises(InputError) as ei:
        parse_duration(bad, where="retention.period", file="limits.yaml")
    msg = str(ei.value)
    assert msg.startswith("limits.yaml, retention.period: ") and "P90D" in msg and "P1Y6M" in msg
    assert isinstance(ei.value, LiaError) and parse_or_none(bad) is None


def test_one_month_length_without_a_date():
    # the one definition: a month is a twelfth of 365.25 days, shown as 30.44
    assert DAYS_PER_MONTH == 365.25 / 12 and round(DAYS_PER_MONTH, 2) == 30.44
    assert parse_duration("P1Y").nominal_days == 365.25
    assert parse_duration("P1Y6M").nominal_days == 365.25 * 1.5
    assert parse_duration("P2W3D").nominal_days == 17
    # six months are longer than 180 days and three months longer than 90, as on every calendar
    assert parse_duration("P6M").nominal_days > 180 and parse_duration("P3M").nominal_days > 90


@pytest.mark.parametrize("start, text, end", [
    (dt.date(2025, 1, 31), "P1M", dt.date(2025, 2, 28)),
    (dt.date(2024, 1, 31), "P1M", dt.date(2024, 2, 29)),
    (dt.date(2025, 11, 15), "P1Y6M", dt.date(2027, 5, 15)),
    (dt.date(2025, 12, 31), "P1M1D", dt.date(2026, 2, 1)),
    (dt.date(2025, 3, 1), "P2W", dt.date(2025, 3, 15)),
    (dt.date(2024, 2, 29), "P1Y", dt.date(2025, 2, 28)),
])
def test_add_to_moves_the_calendar(start, text, end):
    assert parse_duration(text).add_to(start) == end


def test_add_to_keeps_time_and_zone():
    t = dt.datetime(2025, 1, 31, 14, 5, tzinfo=dt.timezone.utc)
    assert parse_duration("P1M").add_to(t) == dt.datetime(2025, 2, 28, 14, 5, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("text, one", [
    ("P1Y6M", (18, "M")), ("P90D", (90, "D")), ("P2W", (2, "W")), ("P1W3D", (10, "D")), ("P1Y", (1, "Y")),
    ("P1M15D", None),
])
def test_in_one_unit_is_exact_or_none(text, one):
    assert parse_duration(text).in_one_unit() == one


def test_parts_for_people():
    assert parse_duration("P1Y6M").parts() == [(1, "Y"), (6, "M")]
    assert parse_duration("P1W3D").parts() == [(1, "W"), (3, "D")]
    assert parse_duration("P0D").parts() == [(0, "D")]


def test_the_model_the_rules_the_periods_and_the_wizard_read_durations_alike():
    from lia.model import parse_duration_days
    from lia.periods.limits import Limits
    from lia.rules.predicates import duration_days
    from lia.pages.wizard.schema import parse_duration as wizard_parse

    for text in ("P90D", "P3M", "P1Y6M", "P2W"):
        d = parse_duration(text)
        assert duration_days(text) == parse_duration_days(text) == d.nominal_days
        assert Limits.from_answers({"retention.period": text}).retention == d
        amount, unit = wizard_parse(text)
        assert parse_duration(f"P{amount}{unit}").nominal_days == d.nominal_days


def test_the_wizard_opens_a_year_and_a_half():
    """P1Y6M (written by `lia save` or a YAML file) used to open as an empty duration field in the
    wizard, and typing anything into it lost the saved value. It opens as 18 months now."""
    from lia.pages.wizard.schema import Field
    from lia.pages.wizard.strings import Strings
    from lia.pages.wizard.widgets import make_control

    seen = []
    c = make_control(Field(id="retention.period", type="duration"), Strings("en"), seen.append, value="P1Y6M")
    assert (c.amount.value, c.unit.value) == ("18", "M")
    assert seen == [] and parse_duration(c.value) == parse_duration("P18M")
    c.set("P2W")
    assert (c.amount.value, c.unit.value) == ("2", "W") and c.value == "P2W"
