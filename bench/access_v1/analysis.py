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

from lia.errors import InputError
from lia.access.breaches import AccessBreach, sort_breaches
from lia.access.limits import DOWNLOAD_ACTIONS, LISTEN_ACTIONS, PURPOSES, AccessLimits
from .log import AccessLog, _ident, _sql_str

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
    """Load the call log's columns needed here into the DuckDB table ``calls``; returns its rows.

    ``validate`` first reads it with :func:`lia.periods.calllog.read_call_log`, so a bad call
    log gets the same errors as in ``lia periods``.
    """
    from lia.periods.calllog import COLUMNS as CCOLS
    from lia.periods.calllog import _match_columns, read_call_log

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
    con.execute(f"""CREATE OR REPLACE TABLE calls AS SELECT CAST({c('call_id')} AS VARCHAR) AS id,
        trim(CAST({c('agent')} AS VARCHAR)) AS agent, trim(CAST({c('team')} AS VARCHAR)) AS team,
        {ts('start')} AS start, {recorded} AS recorded, lower(trim(CAST({c('caller_consent')} AS VARCHAR))) = 'no' AS declined,
        {ts('deleted_at')} AS deleted_at, {ts('consent_withdrawn_at')} AS withdrawn_at FROM {src}""")
    return int(con.execute("SELECT count(*) FROM calls").fetchone()[0])


def _check(status: str, **info: Any) -> dict[str, Any]:
    return {"status": status, **info}


def _day(v: Any) -> date:
    return v if isinstance(v, date) and not hasattr(v, "hour") else v.date() if hasattr(v, "date") else date.fromisoformat(str(v)[:10])


def analyse(log: AccessLog, limits: AccessLimits, *, calls: bool = False, tz: str = DEFAULT_TZ) -> AccessReport:
    """Run every check on ``log.con``'s ``events`` (and ``calls`` when ``calls`` is true)."""
    con = log.con
    try:
        con.execute(f"SET TimeZone = '{_sql_str(tz)}'")
    except Exception:  # noqa: BLE001 - duckdb raises its own error types
        raise InputError(f"unknown time zone {tz!r}; expected an IANA name such as Europe/Stockholm", where="--tz") from None
    L = limits
    breaches: list[AccessBreach] = []
    checks: dict[str, dict[str, Any]] = {}
    declared = {r.key: r for r in L.roles}
    # -- step 1: one pass over the events, down to users x roles x actions x months x purposes
    ua = con.execute("""
        SELECT "user", role_key, any_value(role) AS role, action, strftime(CAST(ts AS DATE), '%Y-%m') AS month,
               CASE WHEN reason IS NULL THEN NULL ELSE lower(trim(split_part(reason, ':', 1))) END AS purpose,
               count(*) AS n, CAST(min(ts) AS DATE) AS first, CAST(max(ts) AS DATE) AS last
        FROM events GROUP BY ALL""").fetchall()
    roles_seen: dict[str, dict[str, Any]] = {}
    per_user: dict[tuple[str, str, str], list[Any]] = {}  # (check, user, role_key) -> [n, first, last]
    users_month: dict[tuple[str, str], set[str]] = {}
    role_month: dict[tuple[str, str, str], int] = {}
    first_day, last_day = None, None
    for user, rk, role, action, month, purpose, n, first, last in ua:
        r = roles_seen.setdefault(rk, {"role": declared[rk].name if rk in declared else role, "accesses": 0,
                                       "users": set(), "first": first, "last": last, "declared": rk in declared})
        r["accesses"] += n
        r["users"].add(user)
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
        breaches += _with_calls(con, L, checks, roles_seen, agent_users, overview_calls, tz)
    else:
        for k in _LIFE + ("agent_concentration", "listened_outside_training"):
            checks[k] = _check("no_call_log")
    users_total = con.execute('SELECT count(DISTINCT "user") FROM events').fetchone()[0]
    overview = {
        "source": Path(log.source).name, "events": log.rows, "users": int(users_total), "roles": len(roles_seen),
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

    DuckDB reduces to one row per user, agent and recording (only pairs with more than N
    recordings in all); the sliding window then runs in numpy over one sort (a window
    function over millions of small partitions is several times slower).
    """
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import numpy as np
    import pyarrow.compute as pc

    tbl = con.sql(f"""
        WITH cand AS (SELECT "user", agent FROM au GROUP BY ALL HAVING sum(recs) > {N})
        SELECT "user", agent, min(role_key) AS rk, epoch(min(t_first))::BIGINT AS t, sum(n_use)::BIGINT AS n
        FROM fo SEMI JOIN cand USING ("user", agent) WHERE n_use > 0
        GROUP BY "user", agent, recording_id""").to_arrow_table()
    if tbl.num_rows == 0:
        return []
    u = pc.dictionary_encode(tbl["user"]).combine_chunks()
    a = pc.dictionary_encode(tbl["agent"]).combine_chunks()
    pair = u.indices.to_numpy().astype(np.int64) * len(a.dictionary) + a.indices.to_numpy()
    t = tbl["t"].to_numpy()
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
    zone = ZoneInfo(tz)
    out: list[AccessBreach] = []
    best: dict[int, int] = {}
    for i in hits.tolist():  # the first row with the highest count per pair
        p = int(pair[i])
        if p not in best or k[i] > k[best[p]]:
            best[p] = i
    rk = tbl["rk"].to_numpy(zero_copy_only=False)[order]
    uu, aa = u.dictionary.to_pylist(), a.dictionary.to_pylist()
    nd = len(aa)
    for p, i in sorted(best.items()):
        day = lambda s: datetime.fromtimestamp(int(s), zone).date()  # noqa: E731
        out.append(AccessBreach("agent_concentration", day(t[lo[i]]), day(t[i]), int(k[i]), N,
                                role=roles_seen[rk[i]]["role"], user=uu[p // nd], agent=aa[p % nd], accesses=int(acc[i])))
    return out


def _interval(d: Any) -> str:
    return f"INTERVAL '{d.years} years {d.months} months {d.days} days'"


def _with_calls(con: Any, L: AccessLimits, checks: dict, roles_seen: dict, agent_users: list, ov: dict,
                tz: str) -> list[AccessBreach]:
    out: list[AccessBreach] = []
    la = ", ".join(repr(a) for a in LISTEN_ACTIONS)
    ret = f"WHEN e.ts > c.start + {_interval(L.retention)} THEN 'after_retention'" if L.retention is not None else ""
    # the events joined with the calls, reduced at once to users x roles x recordings (few aggregates: each
    # FILTER aggregate costs a pass's worth of work at this size)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE fo AS
        SELECT e."user", e.role_key, e.recording_id, any_value(c.agent) AS agent, any_value(c.team) AS team,
               bool_or(c.id IS NULL) AS unknown, count(*) AS n,
               count(*) FILTER (WHERE e.action IN ({la})) AS n_use,
               min(e.ts) FILTER (WHERE e.action IN ({la})) AS t_first
        FROM events e LEFT JOIN calls c ON e.recording_id = c.id GROUP BY e."user", e.role_key, e.recording_id""")
    unknown, = con.execute("SELECT coalesce(sum(n) FILTER (WHERE unknown), 0) FROM fo").fetchone()
    ov["calls_in_log"] = int(con.execute("SELECT count(*) FROM calls").fetchone()[0])
    ov["events_without_call"] = int(unknown)
    for k in _LIFE:
        checks[k] = _check("checked", limit=0)
    if L.retention is None:
        checks["after_retention"] = _check("not_declared", question="retention.period")
    # recordings that should not exist or should be gone: one pass, only the offending events leave it
    rows = con.execute(f"""
        WITH j AS (SELECT e."user", e.role_key, e.ts, c.agent,
            CASE WHEN e.action = 'delete' OR c.id IS NULL THEN NULL
                 WHEN c.declined THEN 'declined_caller'
                 WHEN NOT c.recorded THEN 'not_recorded'
                 WHEN e.ts > c.deleted_at THEN 'after_deletion'
                 WHEN e.ts > c.withdrawn_at THEN 'after_withdrawal'
                 {ret} END AS life
            FROM events e LEFT JOIN calls c ON e.recording_id = c.id)
        SELECT life, "user", role_key, count(*), CAST(min(ts) AS DATE), CAST(max(ts) AS DATE),
               count(DISTINCT agent), any_value(agent)
        FROM j WHERE life IS NOT NULL GROUP BY ALL""").fetchall()
    for life, user, rk, n, first, last, n_agents, agent in rows:
        out.append(AccessBreach(life, first, last, n, 0, role=roles_seen[rk]["role"], user=user,
                                agent=agent if n_agents == 1 else None, accesses=int(n)))
    # who opened which agent's recordings
    con.execute("""CREATE OR REPLACE TEMP TABLE au AS SELECT agent, any_value(team) AS team, "user", role_key,
            count(*) AS recs, sum(n_use) AS n FROM fo WHERE agent IS NOT NULL AND n_use > 0
            GROUP BY agent, "user", role_key""")
    for agent, team, user, rk, recs, n in con.execute(
            'SELECT * FROM au ORDER BY agent, "user", role_key').fetchall():
        agent_users.append([agent, team, user, roles_seen[rk]["role"], int(recs), int(n)])
    # one user, many recordings of one agent in a short time: only pairs with more than N recordings in all
    # can breach; for those, a window over the first opening of each recording
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
        con.execute("CREATE OR REPLACE TEMP TABLE tp (g VARCHAR, s DATE, e DATE)")
        con.executemany("INSERT INTO tp VALUES (?, ?, ?)",
                        [[p.group.strip().lower(), p.start, p.end] for p in L.training_periods])
        tr = ", ".join(f"'{_sql_str(k)}'" for k in troles)
        rows = con.execute(f"""
            WITH x AS (SELECT e."user", e.role_key, c.agent, c.team, CAST(e.ts AS DATE) AS d
                       FROM events e JOIN calls c ON e.recording_id = c.id
                       WHERE e.role_key IN ({tr}) AND e.action IN ({la}))
            SELECT "user", role_key, agent, count(*), min(d), max(d) FROM x
            WHERE NOT EXISTS (SELECT 1 FROM tp WHERE (tp.g IN ('*', 'all') OR tp.g = lower(x.team) OR tp.g = lower(x.agent))
                              AND x.d BETWEEN tp.s AND tp.e)
            GROUP BY ALL""").fetchall()
        for user, rk, agent, n, d0, d1 in rows:
            out.append(AccessBreach("listened_outside_training", d0, d1, n, 0, role=roles_seen[rk]["role"], user=user,
                                    agent=agent, accesses=n))
    con.execute("DROP TABLE IF EXISTS fo")
    con.execute("DROP TABLE IF EXISTS au")
    return out
