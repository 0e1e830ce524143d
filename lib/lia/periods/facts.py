"""The per-call step of the recording-period analysis, as SQL: calls -> agent-days and age bins.

This is the only step that touches every call; it runs in DuckDB over the log's parts
(:meth:`lia.periods.calllog.CallLog.sql`), out of core and on all cores, and returns
small tables (one row per agent, team and local day; one per team and age in days).
Everything else in :func:`lia.periods.analysis.analyse` reads those. The same SQL
(with ``timezone()`` for the local day) runs on any engine that speaks SQL; see
docs/periods.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .calllog import CallLog
from .limits import Limits

__all__ = ["facts_sql", "ages_sql", "run_facts", "local_day_sql"]

_US_DAY = 86_400_000_000
_Q = 900_000_000  # 15 minutes: every time-zone transition falls on a quarter hour
_MAX_TRANSITIONS = 400


def local_day_sql(col: str, tz: str, lo_us: int | None, hi_us: int | None) -> str:
    """SQL for the local calendar day (days since 1970-01-01 in ``tz``) of the UTC microseconds ``col``.

    The zone's offsets over the log's span are looked up once here, so the SQL is a
    CASE over the transitions (two a year); with very many transitions, DuckDB's own
    ``timezone()`` is used instead.
    """
    if lo_us is None or hi_us is None:
        return f"floor({col} / {_US_DAY}.0)::BIGINT"
    lo, hi = lo_us // _Q, hi_us // _Q + 1
    if hi - lo <= 4_000_000:
        bins = pd.DatetimeIndex((np.arange(lo, hi + 1, dtype=np.int64) * _Q).view("datetime64[us]")).tz_localize("UTC")
        local = bins.tz_convert(tz).tz_localize(None)
        unit = np.datetime_data(local.dtype)[0]
        off = ((local.asi8 - bins.tz_localize(None).asi8) * {"ns": 1e-3, "us": 1, "ms": 1e3, "s": 1e6}[unit]).astype(np.int64)
        change = np.flatnonzero(off[1:] != off[:-1]) + 1
        if change.size <= _MAX_TRANSITIONS:
            when = " ".join(f"WHEN {col} < {(lo + int(i)) * _Q} THEN {int(off[i - 1])}" for i in change)
            shift = f"CASE {when} ELSE {int(off[-1])} END" if change.size else str(int(off[0]))
            return f"floor(({col} + {shift}) / {_US_DAY}.0)::BIGINT"
    tzs = tz.replace("'", "''")
    return f"(CAST(timezone('{tzs}', to_timestamp({col} / 1e6)) AS DATE) - DATE '1970-01-01')::BIGINT"


def _in(col: str, values: list[str]) -> str:
    if not values:
        return "false"
    return f"{col} IN ({', '.join(chr(39) + v.replace(chr(39), chr(39) * 2) + chr(39) for v in values)})"


def facts_sql(log: CallLog, limits: Limits, now_us: int, tz: str, forbidden: set[str]) -> str:
    """The one query over every call: per (agent, team, day) and per (team, age) the counts the analysis needs."""

    day = local_day_sql("start_us", tz, log.meta.get("start_min_us"), log.meta.get("start_max_us"))
    no = [v for v, c in log.consent_codes.items() if c == 1 and v is not None]
    not_asked = [v for v, c in log.consent_codes.items() if c == 2 and v is not None]
    bad_types = [v for v, t in log.call_type_names.items() if t is not None and _type_key(t) in forbidden]
    R = limits.retention
    if R is None:
        past = "false"
    else:
        months = R.years * 12 + R.months
        limit = f"epoch_us(make_timestamp(start_us) + INTERVAL {months} MONTH)" if months else "start_us"
        past = f"end_us > {limit} + {R.days * _US_DAY}"
    G = float(limits.withdrawal_deletion_days)
    return f"""
WITH calls AS ({log.sql()}),
c AS (SELECT agent, team, recorded, {day} AS day, deleted_us IS NULL AS kept_now, withdrawn_us IS NOT NULL AS withdrawn,
             {_in('consent', no)} AS declined, {_in('consent', not_asked)} AS not_asked,
             {_in('call_type', bad_types)} AS forbidden,
             (coalesce(deleted_us, {now_us}) - start_us) / {_US_DAY}.0 AS age,
             (coalesce(deleted_us, {now_us}) - withdrawn_us) / {_US_DAY}.0 AS delay,
             {past.replace('end_us', f'coalesce(deleted_us, {now_us})')} AS past
      FROM calls)
SELECT agent, team, day,
       count(*) AS calls, count(*) FILTER (recorded) AS recorded_calls,
       count(*) FILTER (declined) AS declined_all, count(*) FILTER (recorded AND declined) AS declined_rec,
       count(*) FILTER (recorded AND not_asked) AS not_asked_rec,
       count(*) FILTER (recorded AND forbidden) AS forbidden_rec,
       count(*) FILTER (recorded AND past) AS kept, max(age) FILTER (recorded AND past) AS kept_max,
       max(age) FILTER (recorded AND kept_now) AS oldest,
       count(*) FILTER (recorded AND withdrawn) AS withdrawals, max(delay) FILTER (recorded AND withdrawn) AS w_max,
       count(*) FILTER (recorded AND withdrawn AND delay > {G}) AS late,
       max(delay) FILTER (recorded AND withdrawn AND delay > {G}) AS late_max
FROM c GROUP BY agent, team, day"""


def ages_sql(log: CallLog, now_us: int) -> str:
    """Recordings per team and age in whole days (deletion, or ``now`` if kept, minus start): the retention chart."""
    return f"""SELECT team, floor((coalesce(deleted_us, {now_us}) - start_us) / {_US_DAY}.0)::BIGINT AS age_days,
                      count(*) AS recordings FROM ({log.sql()}) WHERE recorded GROUP BY ALL"""


def run_facts(log: CallLog, limits: Limits, now_us: int, tz: str, forbidden: set[str]) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    """(agent-day facts, retention age bins per team, median withdrawal-to-deletion days) of the log."""
    con = log.connect()
    try:
        ad = con.sql(facts_sql(log, limits, now_us, tz, forbidden)).df()
        ages = con.sql(ages_sql(log, now_us)).df()
        median = None
        if len(ad) and ad["withdrawals"].sum():
            median = con.sql(f"""SELECT median((coalesce(deleted_us, {now_us}) - withdrawn_us) / {_US_DAY}.0)
                                 FROM ({log.sql()}) WHERE recorded AND withdrawn_us IS NOT NULL""").fetchall()[0][0]
    finally:
        con.close()
    for c in ad.columns:
        if c not in ("agent", "team", "kept_max", "oldest", "w_max", "late_max"):
            ad[c] = ad[c].astype(np.int64)
    ages = pd.DataFrame({"team": ages["team"].astype(str).to_numpy(), "age_days": ages["age_days"].astype(np.int64).to_numpy(),
                         "recordings": ages["recordings"].astype(np.int64).to_numpy()})
    ages = ages.sort_values(["team", "age_days"], kind="stable").reset_index(drop=True)
    return ad, ages, median


def _type_key(value: str) -> str:
    """A call_type value as compared: ``private``, ``private_call`` and ``private_calls`` are one type."""
    v = value.casefold()
    for suffix in ("_calls", "_call"):
        if v.endswith(suffix):
            return v[: -len(suffix)]
    return v
