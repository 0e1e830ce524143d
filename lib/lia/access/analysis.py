"""Who listened: an access log checked against the declared access policy and the call log.

Every check is a SQL step in DuckDB over the validated ``events`` table (and the
call log's ``calls`` table): the analysis runs out of core in bounded memory
(``memory_limit``, ``threads``), and only small aggregates come back to Python.

Checks (each skipped, with the missing answer named, when its limit is not declared):

===========================  ==========================================================================
undeclared_role              accesses by a role that ``access.roles`` does not list (per role)
too_many_users               more distinct users in a role in a calendar month than its declared people
download_not_allowed         download, export or share by a role whose ``can_download`` is no (per user)
listen_not_allowed           listen or view_transcript by a role whose ``can_listen`` is no (per user)
undeclared_purpose           a ``reason`` that starts with a purpose id not in ``purpose.purposes``
reason_missing               no reason, where ``access.reason_required`` is yes
declined_caller              access to a call whose caller declined recording (should not exist; needs ``--calls``)
not_recorded                 access to a call the call log says was not recorded
after_deletion               access after the call log's ``deleted_at`` (a copy survived deletion)
after_withdrawal             access after the caller withdrew consent
after_retention              access after start + ``retention.period``
agent_concentration          one user opened more than ``access.max_recordings_per_agent`` recordings of
                             one agent within ``access.agent_window_days`` days
listened_outside_training    a role limited to training periods (``training_periods_only``) used a
                             recording on a day outside every training period of the agent's team
===========================  ==========================================================================

For one event only the first of declined_caller, not_recorded, after_deletion,
after_withdrawal, after_retention applies (in that order); ``delete`` events are
never breaches of those (deleting is what should happen). Days are local
calendar days in ``tz``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..errors import InputError, Message, excerpt
from .breaches import AccessBreach, sort_breaches
from .limits import DOWNLOAD_ACTIONS, LISTEN_ACTIONS, PURPOSES, AccessLimits
from .log import OTHER_PURPOSE, AccessLog, _ident, _sql_str

__all__ = ["AccessReport", "analyse", "load_calls", "CHECKS", "DEFAULT_TZ"]

DEFAULT_TZ = "Europe/Stockholm"
CHECKS = ("undeclared_role", "too_many_users", "download_not_allowed", "listen_not_allowed", "undeclared_purpose",
          "reason_missing", "not_recorded", "declined_caller", "after_deletion", "after_withdrawal",
          "after_retention", "agent_concentration", "listened_outside_training")
_LIFE = ("declined_caller", "not_recorded", "after_deletion", "after_withdrawal", "after_retention")
ROLE_MONTH_COLUMNS = ["role", "month", "action", "accesses", "users"]
AGENT_USER_COLUMNS = ["agent", "team", "user", "role", "recordings", "accesses"]


@dataclass
class AccessReport:
    """The result: overview, what each check did, the breaches and two small tables for the charts."""

    overview: dict[str, Any]
    checks: dict[str, dict[str, Any]]
    breaches: list[AccessBreach]
    role_month: list[list[Any]]
    agent_users: list[list[Any]]
    limits: AccessLimits
    roles: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"overview": self.overview, "checks": self.checks, "roles": self.roles}

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "breaches": [b.to_dict() for b in self.breaches]}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def load_calls(con: Any, path: str | Path, validate: bool = True) -> int:
    """Load the call log's columns needed here into the DuckDB table ``calls``; returns the log's rows.

    ``validate`` first reads it with :func:`lia.periods.calllog.read_call_log`, so a bad call
    log gets the same errors as in ``lia periods``. When the access log's ``events`` are already
    on ``con`` (as after :func:`lia.access.log.read_access_log`), only the calls they refer to are
    kept (a few per cent of a long log): the join in :func:`analyse` then builds its hash table over
    those, not over every call. The log's number of calls is kept in the table ``calls_log``.
    """
    from ..periods.calllog import COLUMNS as CCOLS
    from ..periods.calllog import _match_columns, read_call_log

    p = Path(path)
    if validate:
        log = read_call_log(p)
        del log
    with open(p, "rb") as f:
        head = f.read(65536)
    if head[:4] == b"PAR1":
        import pyarrow.parquet as pq

        names = pq.ParquetFile(p).schema_arrow.names
        src = f"read_parquet('{_sql_str(str(p))}')"
    else:
        text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
        first = text.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace")
        delim = max((",", ";", "\t"), key=first.count)
        import csv as _csv
        import io

        names = next(_csv.reader(io.StringIO(first), delimiter=delim), [])
        src = (f"read_csv('{_sql_str(str(p))}', header = true, all_varchar = true, delim = '{delim}', quote = '\"', "
               f"escape = '\"', max_line_size = 16777216)")
    cols = _match_columns(names, str(p), "column")
    assert set(CCOLS) <= set(cols)
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {src})").fetchall())

    def c(name: str) -> str:
        return _ident(cols[name])

    def ts(name: str) -> str:
        t = types.get(cols[name], "VARCHAR")
        return f"{c(name)}::TIMESTAMPTZ" if t.startswith("TIMESTAMP") else f"CAST(nullif(trim({c(name)}), '') AS TIMESTAMPTZ)"

    rt = types.get(cols["recorded"], "VARCHAR")
    recorded = (c("recorded") if rt == "BOOLEAN" else f"({c('recorded')} = 1)" if "INT" in rt
                else f"lower(trim({c('recorded')})) IN ('yes', 'true', '1')")
    # agents and teams as ENUMs (a small integer per call): 10 million calls and their join stay in memory;
    # their values and the log's number of calls in one pass
    con.execute("DROP TABLE IF EXISTS calls")
    con.execute("DROP TABLE IF EXISTS calls_log")
    agents, teams, n = con.execute(f"""SELECT list(DISTINCT trim(CAST({c('agent')} AS VARCHAR))),
        list(DISTINCT trim(CAST({c('team')} AS VARCHAR))), count(*) FROM {src}""").fetchone()
    for name, vals in (("lia_access_agent", agents), ("lia_access_team", teams)):
        con.execute(f"DROP TYPE IF EXISTS {name}")
        con.execute(f"CREATE TYPE {name} AS ENUM (SELECT v FROM unnest(?::VARCHAR[]) t(v) WHERE v IS NOT NULL ORDER BY v)",
                    [vals])
    con.execute("CREATE TABLE calls_log AS SELECT ?::BIGINT AS calls", [int(n)])
    has_events = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'events' AND NOT temporary").fetchone()[0]
    only = (f" WHERE CAST({c('call_id')} AS VARCHAR) IN (SELECT DISTINCT recording_id FROM events)" if has_events else "")
    con.execute(f"""CREATE TABLE calls AS SELECT CAST({c('call_id')} AS VARCHAR) AS id,
        CAST(trim(CAST({c('agent')} AS VARCHAR)) AS lia_access_agent) AS agent,
        CAST(trim(CAST({c('team')} AS VARCHAR)) AS lia_access_team) AS team,
        {ts('start')} AS start, {recorded} AS recorded, lower(trim(CAST({c('caller_consent')} AS VARCHAR))) = 'no' AS declined,
        {ts('deleted_at')} AS deleted_at, {ts('consent_withdrawn_at')} AS withdrawn_at FROM {src}{only}""")
    return int(n)


def _check(status: str, **info: Any) -> dict[str, Any]:
    return {"status": status, **info}


_DAY_US = 86_400_000_000
#: Days are counted from 0001-01-01 so that the integer division in SQL never sees a negative number.
_BIAS_DAYS = 719_162
_EPOCH = date(1970, 1, 1)


def _offsets(con: Any, tz: str) -> list[tuple[int, int]] | None:
    """(from epoch microsecond, UTC offset in microseconds) of ``tz`` over the events' time range.

    None when the events span more than a century (the time zone's own rules are then applied per row).
    """
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    lo, hi = con.execute("SELECT epoch_us(min(ts)), epoch_us(max(ts)) FROM events").fetchone()
    if lo is None:
        return [(0, 0)]

    def off(us: int) -> int:
        dt = datetime.fromtimestamp(us / 1e6, timezone.utc).astimezone(zone)
        o = dt.utcoffset()
        return int(o.total_seconds()) * 1_000_000 if o is not None else 0

    step = 24 * 3600 * 1_000_000  # zones change their offset at most a few times a year, never twice a day
    if hi - lo > 100 * 366 * step:
        return None
    out = [(lo, off(lo))]
    t = lo
    while t < hi:
        nxt = min(t + step, hi)
        if off(nxt) != out[-1][1]:
            a, b = t, nxt  # the change lies in (a, b]: bisect to the second
            while b - a > 1_000_000:
                m = (a + b) // 2
                if off(m) == out[-1][1]:
                    a = m
                else:
                    b = m
            out.append((b, off(b)))
        t = nxt
    return out


def _day_sql(offsets: list[tuple[int, int]] | None, col: str = "ts") -> str:
    """SQL: the local calendar day of ``col`` as days since 1970-01-01, without per-row time-zone lookups."""
    if offsets is None:  # the connection's TimeZone is the analysis's
        return f"(CAST({col} AS DATE) - DATE '1970-01-01')::INTEGER"
    us = f"epoch_us({col})"
    if len(offsets) == 1:
        o = str(offsets[0][1])
    else:
        o = "CASE " + " ".join(f"WHEN {us} < {t} THEN {prev}" for (t, _), (_, prev) in zip(offsets[1:], offsets)) \
            + f" ELSE {offsets[-1][1]} END"
    return f"(({us} + {o} + {_BIAS_DAYS * _DAY_US}::BIGINT) // {_DAY_US} - {_BIAS_DAYS})::INTEGER"


def _date(days: int) -> date:
    return _EPOCH + timedelta(days=int(days))


def analyse(log: AccessLog, limits: AccessLimits, *, calls: bool = False, tz: str = DEFAULT_TZ) -> AccessReport:
    """Run every check on ``log.con``'s ``events`` (and ``calls`` when ``calls`` is true)."""
    from zoneinfo import ZoneInfo

    con = log.con
    try:
        ZoneInfo(tz)
        con.execute(f"SET TimeZone = '{_sql_str(tz)}'")
    except Exception:  # noqa: BLE001 - duckdb and zoneinfo raise their own error types
        raise InputError(Message("errors.tz_unknown", tz=excerpt(tz))) from None  # one code with `lia periods --tz`
    L = limits
    breaches: list[AccessBreach] = []
    checks: dict[str, dict[str, Any]] = {}
    declared = {r.key: r for r in L.roles}
    day = _day_sql(_offsets(con, tz))
    names = dict(con.execute("SELECT role_key, role FROM access_roles").fetchall())
    # -- step 1: one pass over the events, down to users x roles x actions x months x purposes
    ua = con.execute(f"""
        SELECT "user", role_key, action, strftime(month, '%Y-%m'), purpose, n, first, last FROM (
            SELECT "user", role_key, action, date_trunc('month', DATE '1970-01-01' + d) AS month, purpose,
                   count(*) AS n, min(d) AS first, max(d) AS last
            FROM (SELECT "user", role_key, action, purpose, {day} AS d FROM events) GROUP BY ALL)""").fetchall()
    roles_seen: dict[str, dict[str, Any]] = {}
    per_user: dict[tuple[str, str, str], list[Any]] = {}  # (check, user, role_key) -> [n, first, last]
    users_month: dict[tuple[str, str], set[str]] = {}
    role_month: dict[tuple[str, str, str], int] = {}
    users_all: set[str] = set()
    first_day, last_day = None, None
    for user, rk, action, month, purpose, n, first, last in ua:
        first, last = _date(first), _date(last)
        if purpose == OTHER_PURPOSE:
            purpose = ""  # a reason that names no purpose id: not judged, but not missing either
        r = roles_seen.setdefault(rk, {"role": declared[rk].name if rk in declared else names[rk], "accesses": 0,
                                       "users": set(), "first": first, "last": last, "declared": rk in declared})
        r["accesses"] += n
        r["users"].add(user)
        users_all.add(user)
        r["first"], r["last"] = min(r["first"], first), max(r["last"], last)
        first_day = first if first_day is None else min(first_day, first)
        last_day = last if last_day is None else max(last_day, last)
        users_month.setdefault((rk, month), set()).add(user)
        role_month[(r["role"], month, action)] = role_month.get((r["role"], month, action), 0) + n
        role_decl = declared.get(rk)
        hits = []
        if role_decl is not None and not role_decl.can_download and action in DOWNLOAD_ACTIONS:
            hits.append("download_not_allowed")
        if role_decl is not None and not role_decl.can_listen and action in ("listen", "view_transcript"):
            hits.append("listen_not_allowed")
        if L.purposes is not None and purpose in PURPOSES and purpose not in L.purposes:
            hits.append("undeclared_purpose")
        if L.reason_required and purpose is None and action in LISTEN_ACTIONS:
            hits.append("reason_missing")
        for h in hits:
            acc = per_user.setdefault((h, user, rk), [0, first, last])
            acc[0] += n
            acc[1], acc[2] = min(acc[1], first), max(acc[2], last)
    if L.roles_declared:
        checks["undeclared_role"] = _check("checked", limit=0, declared=[r.name for r in L.roles])
        checks["too_many_users"] = _check("checked")
        checks["download_not_allowed"] = _check("checked", limit=0)
        checks["listen_not_allowed"] = _check("checked", limit=0)
        for rk, r in roles_seen.items():
            if rk not in declared:
                breaches.append(AccessBreach("undeclared_role", r["first"], r["last"], r["accesses"], 0, role=r["role"],
                                             accesses=r["accesses"]))
        for (rk, month), users in users_month.items():
            if rk in declared and len(users) > declared[rk].people:
                y, m = int(month[:4]), int(month[5:])
                start = date(y, m, 1)
                end = (date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1))
                breaches.append(AccessBreach("too_many_users", start, end, len(users), declared[rk].people,
                                             role=declared[rk].name))
    else:
        for k in ("undeclared_role", "too_many_users", "download_not_allowed", "listen_not_allowed"):
            checks[k] = _check("not_declared", question="access.roles")
    checks["undeclared_purpose"] = (_check("checked", limit=list(L.purposes)) if L.purposes is not None
                                    else _check("not_declared", question="purpose.purposes"))
    checks["reason_missing"] = (_check("checked") if L.reason_required else
                                _check("not_required" if L.reason_required is False else "not_declared",
                                       question="access.reason_required"))
    for (kind, user, rk), (n, first, last) in per_user.items():
        breaches.append(AccessBreach(kind, first, last, n, 0, role=roles_seen[rk]["role"], user=user, accesses=n))

    # -- step 2: the events joined with the call log
    agent_users: list[list[Any]] = []
    overview_calls: dict[str, Any] = {}
    if calls:
        breaches += _with_calls(con, L, checks, roles_seen, agent_users, overview_calls, day, tz)
    else:
        for k in _LIFE + ("agent_concentration", "listened_outside_training"):
            checks[k] = _check("no_call_log")
    overview = {
        "source": Path(log.source).name, "events": log.rows, "users": len(users_all), "roles": len(roles_seen),
        "first_day": first_day.isoformat() if first_day else None,
        "last_day": last_day.isoformat() if last_day else None, "time_zone": tz, **overview_calls,
    }
    users_per_rm = {(roles_seen[rk]["role"], m): len(u) for (rk, m), u in users_month.items()}
    rm_rows = sorted([[role, month, action, n, users_per_rm[(role, month)]] for (role, month, action), n in role_month.items()])
    roles = sorted(({"role": r["role"], "declared": r["declared"],
                     "people": declared[k].people if k in declared else None, "users": len(r["users"]),
                     "accesses": r["accesses"]} for k, r in roles_seen.items()), key=lambda d: d["role"])
    for declared_role in L.roles:
        if declared_role.key not in roles_seen:
            roles.append({"role": declared_role.name, "declared": True, "people": declared_role.people,
                          "users": 0, "accesses": 0})
    return AccessReport(overview=overview, checks=checks, breaches=sort_breaches(breaches), role_month=rm_rows,
                        agent_users=agent_users, limits=L, roles=roles)


def _concentration(con: Any, N: int, days: int, roles_seen: dict, tz: str) -> list[AccessBreach]:
    """Per user and agent, the most distinct recordings first opened within ``days`` calendar-length days.

    A window of ``days`` days lies within two consecutive ``days``-long buckets, so only the user
    and agent pairs with more than N uses in some two neighbouring buckets can breach (a count
    per user, agent and bucket, over small integers). For those, DuckDB reduces to one row per
    user, agent and recording, and the sliding window runs in numpy over one sort.
    """
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import numpy as np
    import pyarrow.compute as pc

    width = days * _DAY_US
    tbl = con.sql(f"""
        WITH b AS (SELECT "user", agent, epoch_us(ts) // {width} AS k, count(*) AS n FROM j
                   WHERE use GROUP BY ALL),
        cand AS (SELECT DISTINCT b."user", b.agent FROM b LEFT JOIN b AS b2
                 ON b2."user" = b."user" AND b2.agent = b.agent AND b2.k = b.k + 1
                 WHERE b.n + coalesce(b2.n, 0) > {N})
        SELECT "user"::VARCHAR AS "user", agent::VARCHAR AS agent, min(role_key)::VARCHAR AS rk,
               (epoch_us(min(ts)) + 500000) // 1000000 AS t, count(*)::BIGINT AS n
        FROM j SEMI JOIN cand USING ("user", agent) WHERE use
        GROUP BY "user", agent, rec""").to_arrow_table()
    if tbl.num_rows == 0:
        return []
    u = pc.dictionary_encode(tbl["user"]).combine_chunks()
    a = pc.dictionary_encode(tbl["agent"]).combine_chunks()
    pair = u.indices.to_numpy().astype(np.int64) * len(a.dictionary) + a.indices.to_numpy()
    t = tbl["t"].to_numpy()  # seconds, as the window is counted
    n = tbl["n"].to_numpy()
    order = np.lexsort((t, pair))
    pair, t, n = pair[order], t[order], n[order]
    t0 = int(t.min())
    key = pair * np.int64(1 << 31) + (t - t0)  # seconds in a pair never reach the next pair's keys
    lo = np.searchsorted(key, key - (days * 86400 - 1), side="left")
    k = np.arange(len(key)) - lo + 1
    cum = np.concatenate([[0], np.cumsum(n)])
    acc = cum[1:] - cum[lo]
    hits = np.flatnonzero(k > N)
    if hits.size == 0:
        return []
    best: dict[int, int] = {}
    for i in hits.tolist():  # the first row with the highest count per pair
        p = int(pair[i])
        if p not in best or k[i] > k[best[p]]:
            best[p] = i
    rk = tbl["rk"].to_numpy(zero_copy_only=False)[order]
    uu, aa = u.dictionary.to_pylist(), a.dictionary.to_pylist()
    nd = len(aa)
    zone = ZoneInfo(tz)
    out: list[AccessBreach] = []
    for p, i in sorted(best.items()):
        day = lambda s: datetime.fromtimestamp(int(s), zone).date()  # noqa: E731
        out.append(AccessBreach("agent_concentration", day(t[lo[i]]), day(t[i]),
                                int(k[i]), N, role=roles_seen[rk[i]]["role"], user=uu[p // nd], agent=aa[p % nd],
                                accesses=int(acc[i])))
    return out


def _interval(d: Any) -> str:
    return f"INTERVAL '{d.years} years {d.months} months {d.days} days'"


def _with_calls(con: Any, L: AccessLimits, checks: dict, roles_seen: dict, agent_users: list, ov: dict,
                day: str, tz: str) -> list[AccessBreach]:
    out: list[AccessBreach] = []
    la = ", ".join(repr(a) for a in LISTEN_ACTIONS)
    if L.retention is not None:
        d = L.retention
        # a cheap bound first (a month is at least 28 days; two days' margin for daylight saving), then the
        # calendar arithmetic in the time zone only for the events near or past the end
        bound = max(0, d.years * 365 + d.months * 28 + d.days - 2) * _DAY_US
        ret = (f"WHEN epoch_us(e.ts) - epoch_us(c.start) > {bound} AND e.ts > c.start + {_interval(d)} "
               f"THEN {_LIFE.index('after_retention') + 1}")
    else:
        ret = ""
    life = {k: _LIFE.index(k) + 1 for k in _LIFE}
    # the one join of events and calls: a narrow table of small integers (ENUMs, the call's row id, the
    # lifecycle breach if any), from which every check below counts
    con.execute(f"""CREATE OR REPLACE TEMP TABLE j AS
        SELECT e."user", e.role_key, e.action IN ({la}) AS use, e.ts, c.rowid::UINTEGER AS rec, c.agent, c.team,
            CASE WHEN c.id IS NULL OR e.action = 'delete' THEN 0
                 WHEN c.declined THEN {life['declined_caller']}
                 WHEN NOT c.recorded THEN {life['not_recorded']}
                 WHEN e.ts > c.deleted_at THEN {life['after_deletion']}
                 WHEN e.ts > c.withdrawn_at THEN {life['after_withdrawal']}
                 {ret} ELSE 0 END::UTINYINT AS life
        FROM events e LEFT JOIN calls c ON e.recording_id = c.id""")
    unknown, = con.execute("SELECT count(*) FILTER (WHERE rec IS NULL) FROM j").fetchone()
    ov["calls_in_log"] = int(con.execute("SELECT calls FROM calls_log").fetchone()[0])
    ov["events_without_call"] = int(unknown)
    for k in _LIFE:
        checks[k] = _check("checked", limit=0)
    if L.retention is None:
        checks["after_retention"] = _check("not_declared", question="retention.period")
    # recordings that should not exist or should be gone: only the offending events are counted
    rows = con.execute(f"""
        SELECT life, "user", role_key, count(*), min({day}), max({day}), count(DISTINCT agent), any_value(agent)
        FROM j WHERE life > 0 GROUP BY ALL""").fetchall()
    for lf, user, rk, n, first, last, n_agents, agent in rows:
        out.append(AccessBreach(_LIFE[lf - 1], _date(first), _date(last), n, 0, role=roles_seen[rk]["role"], user=user,
                                agent=agent if n_agents == 1 else None, accesses=int(n)))
    # who opened which agent's recordings
    for agent, team, user, rk, recs, n in con.execute("""
            SELECT agent, any_value(team), "user", role_key, count(DISTINCT rec), count(*) FROM j
            WHERE use AND agent IS NOT NULL GROUP BY agent, "user", role_key
            ORDER BY agent::VARCHAR, "user"::VARCHAR, role_key::VARCHAR""").fetchall():
        agent_users.append([agent, team, user, roles_seen[rk]["role"], int(recs), int(n)])
    # one user, many recordings of one agent in a short time
    if L.max_recordings_per_agent is not None and L.agent_window_days is not None:
        N = int(L.max_recordings_per_agent)
        checks["agent_concentration"] = _check("checked", limit=N, days=L.agent_window_days)
        out += _concentration(con, N, int(L.agent_window_days), roles_seen, tz)
    else:
        q = "access.max_recordings_per_agent" if L.max_recordings_per_agent is None else "access.agent_window_days"
        checks["agent_concentration"] = _check("not_declared", question=q)
    # roles limited to training periods
    troles = [r.key for r in L.roles if r.training_periods_only]
    if not troles:
        checks["listened_outside_training"] = _check("not_declared", question="access.roles")
    elif L.continuous is True:
        checks["listened_outside_training"] = _check("continuous", question="periods.continuous")
    elif not L.training_periods:
        checks["listened_outside_training"] = _check("not_declared", question="periods.training_periods")
    else:
        checks["listened_outside_training"] = _check("checked", limit=0, roles=[r.name for r in L.roles if r.training_periods_only])
        out += _outside_training(con, L, troles, roles_seen, day)
    con.execute("DROP TABLE IF EXISTS j")
    return out


def _outside_training(con: Any, L: AccessLimits, troles: list[str], roles_seen: dict, day: str) -> list[AccessBreach]:
    """Uses by training-only roles on a day outside every training period of the agent's team (or the agent).

    The uses are first counted per user, role, agent, team and day (few rows); the periods become one row
    per group and day, so "inside a period" is three equality joins (everyone, the team, the agent).
    """
    star: set[int] = set()
    per_group: set[tuple[str, int]] = set()
    for p in L.training_periods:
        g = p.group.strip().lower()
        d0, d1 = (p.start - _EPOCH).days, (p.end - _EPOCH).days
        if g in ("*", "all"):
            star.update(range(d0, d1 + 1))
        else:
            per_group.update((g, d) for d in range(d0, d1 + 1))
    con.execute("CREATE OR REPLACE TEMP TABLE tp_day (g VARCHAR, d INTEGER)")
    con.execute("CREATE OR REPLACE TEMP TABLE tp_star (d INTEGER)")
    if per_group:
        con.execute("INSERT INTO tp_day SELECT unnest(?::VARCHAR[]), unnest(?::INTEGER[])",
                    [[g for g, _ in per_group], [d for _, d in per_group]])
    if star:
        con.execute("INSERT INTO tp_star SELECT unnest(?::INTEGER[])", [sorted(star)])
    codes = ", ".join(f"'{_sql_str(k)}'" for k in troles if k in roles_seen)
    if not codes:
        return []
    rows = con.execute(f"""
        WITH x AS (SELECT "user", role_key, agent, team, {day} AS d, count(*) AS n FROM j
                   WHERE use AND agent IS NOT NULL AND role_key IN ({codes}) GROUP BY ALL),
        y AS (SELECT *, lower(team::VARCHAR) AS tk, lower(agent::VARCHAR) AS ak FROM x
              ANTI JOIN tp_star s ON s.d = x.d)
        SELECT "user", role_key, agent, sum(n)::BIGINT, min(d), max(d) FROM y
        WHERE NOT EXISTS (SELECT 1 FROM tp_day t WHERE t.g = y.tk AND t.d = y.d)
          AND NOT EXISTS (SELECT 1 FROM tp_day t WHERE t.g = y.ak AND t.d = y.d)
        GROUP BY ALL""").fetchall()
    con.execute("DROP TABLE IF EXISTS tp_day")
    con.execute("DROP TABLE IF EXISTS tp_star")
    return [AccessBreach("listened_outside_training", _date(d0), _date(d1), n, 0, role=roles_seen[rk]["role"],
                         user=user, agent=agent, accesses=n) for user, rk, agent, n, d0, d1 in rows]
