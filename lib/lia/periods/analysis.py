"""Recording-period analysis: what the recording system did, measured against the declared limits.

The calls are read once, out of core, by the SQL of :mod:`lia.periods.facts` (DuckDB
over the log's files): they are reduced to agent-days (and per-team age bins), and
everything about periods (runs, weeks, months, training periods), retention and
consent is computed from those small tables with numpy and pandas. See
docs/periods.md for the steps, the measured comparison with a plain DuckDB query and
with a naive pandas loop, and how the same SQL would run on a distributed engine.

Definitions (also in docs/periods.md):

* a *recorded day* of an agent is a local calendar day (``tz``) with at least one
  recorded call of that agent;
* *working days* are Monday to Friday. A run of consecutive recorded working days
  continues over a weekend (Friday then Monday is a run of two); recorded weekend
  days count as recorded days and per month, not in runs. Public holidays are not
  known to the analysis and count as working days;
* a *whole week* is an ISO week (Monday to Sunday) in which the agent was recorded
  on all five working days; whole weeks in a row are reported as one breach;
* *outside a training period*: a recorded day of an agent in a team for which no
  training period (group = the team, the agent id, or ``*``) contains that date;
  consecutive such days (weekends bridged) form one breach;
* *retention*: a recording is kept past the retention period when its deletion
  time (or ``now`` if not deleted) is later than its start plus the period
  (calendar months and years for ``P3M``/``P1Y``);
* *withdrawal*: a recording whose caller withdrew consent must be deleted within
  ``Limits.withdrawal_deletion_days`` of the withdrawal;
* *declined*: a call whose caller_consent is ``no`` but which was recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any

import numpy as np
import pandas as pd

from .breaches import KINDS, Breach, sort_breaches
from .calllog import CallLog
from .facts import run_facts
from .limits import Limits

__all__ = ["analyse", "PeriodReport", "DEFAULT_TZ"]

DEFAULT_TZ = "Europe/Stockholm"
_US_DAY = 86_400_000_000
_EPOCH = date(1970, 1, 1).toordinal()


@dataclass
class PeriodReport:
    """The result of an analysis: summary tables, chart data and the breaches.

    Tables (pandas DataFrames, one row per agent / team / agent-day / run / age bin)
    only ever name agents by their pseudonymous id from the log.
    """

    limits: Limits
    breaches: list[Breach]
    overview: dict[str, Any]
    agents: pd.DataFrame
    teams: pd.DataFrame
    agent_days: pd.DataFrame  # agent, team, date, calls, recorded_calls (recorded > 0 or not)
    runs: pd.DataFrame  # agent, team, start, end, days, over_limit
    retention_ages: pd.DataFrame  # team, age_days, recordings
    #: per breach kind: {"status": checked | not_declared | not_applicable, "limit" or "question"}
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: What the reader should know although it is no breach: ``{"key": <periods.yaml key>, "args": {...}}``
    #: (a training-period group that matches no team or agent in the log).
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The JSON-ready summary: overview, checks, per-team and per-agent tables."""
        return {
            "overview": self.overview,
            "checks": self.checks,
            "teams": _records(self.teams),
            "agents": _records(self.agents),
        }

    def to_dict(self) -> dict[str, Any]:
        """``{"summary": ..., "breaches": [...]}`` as documented in docs/periods.md."""
        return {"summary": self.summary(), "breaches": [b.to_dict() for b in self.breaches]}

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON text (stable key order)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, sort_keys=False)

    def filter(self, team: str | None = None, start: date | None = None, end: date | None = None) -> "PeriodReport":
        """The same report restricted to one team and/or a date range (for dashboards and charts).

        Breaches are kept when they concern the team and overlap the range; summary
        tables other than the agent-days are not recomputed.
        """
        lo, hi = start or date.min, end or date.max

        def keep(b: Breach) -> bool:
            return (team is None or b.team == team) and b.end >= lo and b.start <= hi

        ad = self.agent_days
        ad = ad[(ad["date"] >= lo) & (ad["date"] <= hi)]
        runs = self.runs[(self.runs["end"] >= lo) & (self.runs["start"] <= hi)]
        ages, agents, teams = self.retention_ages, self.agents, self.teams
        if team is not None:
            ad, runs = ad[ad["team"] == team], runs[runs["team"] == team]
            ages, agents, teams = ages[ages["team"] == team], agents[agents["team"] == team], teams[teams["team"] == team]
        return replace(self, breaches=[b for b in self.breaches if keep(b)], agent_days=ad, runs=runs,
                       retention_ages=ages, agents=agents, teams=teams)


#: ``periods.never_recorded`` answers that name a kind of call, and the ``call_type`` value that marks it.
NEVER_RECORDED_TYPES = {"private_calls": "private", "union_representative_calls": "union_representative",
                        "occupational_health_calls": "occupational_health"}


def training_group_warnings(limits: Limits, teams: list[str], agents: list[str]) -> list[dict[str, Any]]:
    """A warning for each training-period group that names no team and no agent of the log.

    A typo (``suport`` for ``support``) would otherwise silently turn every recording of that
    team's training into a breach "outside a training period".
    """
    if not limits.checks_training_periods:
        return []
    known = {x.casefold() for x in teams} | {x.casefold() for x in agents}
    out, seen = [], set()
    for tp in limits.training_periods:
        g = tp.group.casefold()
        if g in ("*", "all") or g in known or g in seen:
            continue
        seen.add(g)
        out.append({"key": "warn_training_group_unmatched",
                    "args": {"group": tp.group, "teams": ", ".join(sorted(teams)) or "-"}})
    return out


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in df.to_dict(orient="records"):
        out.append({k: _jsonable(v) for k, v in row.items()})
    return out


def _jsonable(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return None if np.isnan(f) else round(f, 2)
    return v


# -- the analysis -------------------------------------------------------------------------

def analyse(log: CallLog, limits: Limits, now: datetime | None = None, tz: str = DEFAULT_TZ) -> PeriodReport:
    """Analyse a call log against the limits; breaches of the limits are results, not errors.

    ``now`` is the moment retention is measured at (default: the latest timestamp in
    the log - start, deletion or withdrawal); ``tz`` is the time zone whose calendar
    days count (default Europe/Stockholm).

    The calls are read once, by the SQL of :func:`facts_sql` (DuckDB, bounded memory,
    all cores): they are reduced to agent-days and per-team age bins. Everything about
    periods (runs, weeks, months, training periods) is then computed on those small tables.
    """
    n = len(log)
    if now is None:
        now_us = int(log.meta.get("max_us") or 0)
    else:
        now_us = int(now.astimezone(timezone.utc).timestamp() * 1_000_000)
    breaches: list[Breach] = []
    checks: dict[str, dict[str, Any]] = {}
    forbidden = {NEVER_RECORDED_TYPES[x] for x in limits.never_recorded if x in NEVER_RECORDED_TYPES}

    # 1. the calls reduced to (agent, team, day) and (team, age in days), in one scan
    facts, age_bins, median_delay = run_facts(log, limits, now_us, tz, forbidden)
    AG = sorted(set(facts["agent"]))
    TM = sorted(set(facts["team"]))
    A, T = len(AG), len(TM)
    facts["agent_code"] = pd.Categorical(facts["agent"], categories=AG).codes.astype(np.int32)
    facts["team_code"] = pd.Categorical(facts["team"], categories=TM).codes.astype(np.int32)
    ad = facts.sort_values(["agent_code", "team_code", "day"], kind="stable").reset_index(drop=True)
    dmin = int(ad["day"].min()) if n else 0
    D = (int(ad["day"].max()) - dmin + 1) if n else 1

    rd = ad[ad["recorded_calls"] > 0]
    # agent -> main team (most calls)
    at = ad.groupby(["agent_code", "team_code"], sort=False)["calls"].sum().reset_index()
    at = at.sort_values(["agent_code", "calls", "team_code"], ascending=[True, False, True]).drop_duplicates("agent_code")
    main_team = dict(zip(at["agent_code"], at["team_code"]))

    day_team: dict[tuple[int, int], int] = {}

    def team_on(agent_code: int, d: int) -> str:
        """The agent's team on day d (its main team if it had no recorded call that day)."""
        if not day_team and len(rd):
            keys = list(zip(rd["agent_code"].tolist(), rd["day"].tolist()))
            day_team.update(zip(keys[::-1], rd["team_code"].tolist()[::-1]))
        return TM[day_team.get((agent_code, d), main_team.get(agent_code, 0))]

    # 2. runs of recorded working days per agent
    days_a = rd[["agent_code", "day"]].drop_duplicates().sort_values(["agent_code", "day"])
    ag_arr, d_arr = days_a["agent_code"].to_numpy(), days_a["day"].to_numpy()
    wd = (d_arr + 3) % 7  # Monday = 0 (1970-01-01 was a Thursday)
    week = (d_arr + 3) // 7
    work = wd < 5
    wa, wdays, wweek = ag_arr[work], d_arr[work], week[work]
    wdi = wweek * 5 + wd[work]
    new = np.ones(wa.size, dtype=bool)
    new[1:] = (wa[1:] != wa[:-1]) | (wdi[1:] - wdi[:-1] != 1)
    run_id = np.cumsum(new) - 1
    run_len = np.bincount(run_id) if wa.size else np.zeros(0, dtype=np.int64)
    run_first = np.flatnonzero(new)
    run_last = np.r_[run_first[1:] - 1, wa.size - 1] if wa.size else run_first
    L = limits.max_consecutive_days
    runs = pd.DataFrame({
        "agent": [AG[a] for a in wa[run_first]],
        "team": [team_on(int(a), int(d)) for a, d in zip(wa[run_first], wdays[run_first])],
        "start": [_date(d) for d in wdays[run_first]],
        "end": [_date(d) for d in wdays[run_last]],
        "days": run_len,
    })
    runs["over_limit"] = (runs["days"] > L) if L is not None else False
    if L is None:
        checks["consecutive_days"] = _check("not_declared", question="periods.max_consecutive_days")
    else:
        checks["consecutive_days"] = _check("checked", limit=L)
        for r in runs[runs["over_limit"]].itertuples():
            breaches.append(Breach("consecutive_days", r.start, r.end, int(r.days), L, KINDS["consecutive_days"],
                                   agent=r.agent, team=r.team))
    longest = pd.Series(run_len, index=wa[run_first]).groupby(level=0).max() if wa.size else pd.Series(dtype=int)

    # 3. whole ISO weeks (all five working days), whole weeks in a row merged
    wk = pd.DataFrame({"a": wa, "w": wweek}).value_counts().reset_index(name="n")
    whole = wk[wk["n"] == 5].sort_values(["a", "w"])
    whole_count = whole.groupby("a").size()
    ww_a, ww_w = whole["a"].to_numpy(), whole["w"].to_numpy()
    if ww_a.size:
        wnew = np.ones(ww_a.size, dtype=bool)
        wnew[1:] = (ww_a[1:] != ww_a[:-1]) | (ww_w[1:] - ww_w[:-1] != 1)
        gid = np.cumsum(wnew) - 1
        glen = np.bincount(gid)
        gfirst = np.flatnonzero(wnew)
        for g, i in enumerate(gfirst):
            if glen[g] > limits.max_whole_weeks:
                mon = int(ww_w[i]) * 7 - 3
                fri = int(ww_w[i + glen[g] - 1]) * 7 - 3 + 4
                breaches.append(Breach("whole_week", _date(mon), _date(fri), int(glen[g]), limits.max_whole_weeks,
                                       KINDS["whole_week"], agent=AG[ww_a[i]], team=team_on(int(ww_a[i]), mon)))
    checks["whole_week"] = _check("checked", limit=limits.max_whole_weeks)

    # 4. recorded days per month
    month = d_arr.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    pm = pd.DataFrame({"a": ag_arr, "m": month, "d": d_arr}).groupby(["a", "m"])["d"].agg(["size", "min", "max"]).reset_index()
    M = limits.max_days_per_month
    if M is None:
        checks["days_per_month"] = _check("not_declared", question="periods.max_days_per_month")
    else:
        checks["days_per_month"] = _check("checked", limit=M)
        for r in pm[pm["size"] > M].itertuples():
            breaches.append(Breach("days_per_month", _date(r.min), _date(r.max), int(r.size), M, KINDS["days_per_month"],
                                   agent=AG[r.a], team=team_on(int(r.a), int(r.min))))
    max_month = pm.groupby("a")["size"].max()

    # 5. recorded outside any training period
    outside_days = pd.Series(dtype=int)
    if limits.checks_training_periods:
        checks["outside_training_period"] = _check("checked", limit=len(limits.training_periods))
        covered = np.zeros(len(rd), dtype=bool)
        rd_team = [TM[t] for t in rd["team_code"].to_numpy()]
        rd_agent = [AG[a] for a in rd["agent_code"].to_numpy()]
        rday = rd["day"].to_numpy()
        for tp in limits.training_periods:
            applies = np.fromiter((tp.applies_to(t, a) for t, a in zip(rd_team, rd_agent)), dtype=bool, count=len(rd))
            covered |= applies & (rday >= tp.start.toordinal() - _EPOCH) & (rday <= tp.end.toordinal() - _EPOCH)
        out = rd[~covered].sort_values(["agent_code", "day"]).drop_duplicates(["agent_code", "day"])
        oa, od = out["agent_code"].to_numpy(), out["day"].to_numpy()
        outside_days = out.groupby("agent_code").size()
        if oa.size:
            owd = ((od + 3) // 7) * 5 + np.minimum((od + 3) % 7, 4)  # weekend days join the Friday before
            onew = np.ones(oa.size, dtype=bool)
            onew[1:] = (oa[1:] != oa[:-1]) | (owd[1:] - owd[:-1] > 1)
            ogid = np.cumsum(onew) - 1
            olen = np.bincount(ogid)
            ofirst = np.flatnonzero(onew)
            olast = np.r_[ofirst[1:] - 1, oa.size - 1]
            tcodes = out["team_code"].to_numpy()
            for g in range(ofirst.size):
                i, j = ofirst[g], olast[g]
                breaches.append(Breach("outside_training_period", _date(od[i]), _date(od[j]), int(olen[g]), 0,
                                       KINDS["outside_training_period"], agent=AG[oa[i]], team=TM[tcodes[i]]))
    elif limits.continuous:
        checks["outside_training_period"] = _check("not_applicable", question="periods.continuous")
    else:
        checks["outside_training_period"] = _check("not_declared", question="periods.training_periods")


    # 6. share of calls recorded per team
    tcalls = np.bincount(ad["team_code"], weights=ad["calls"], minlength=T).astype(np.int64)
    trec = np.bincount(ad["team_code"], weights=ad["recorded_calls"], minlength=T).astype(np.int64)
    tshare = np.where(tcalls > 0, 100.0 * trec / np.maximum(tcalls, 1), 0.0)
    tdays = ad.groupby("team_code")["day"].agg(["min", "max"])
    S = limits.share_recorded_percent
    if S is None:
        checks["share_recorded"] = _check("not_declared", question="periods.share_recorded_percent")
    else:
        checks["share_recorded"] = _check("checked", limit=S)
        for t in range(T):
            if tcalls[t] and tshare[t] > S:
                breaches.append(Breach("share_recorded", _date(tdays.loc[t, "min"]), _date(tdays.loc[t, "max"]),
                                       round(float(tshare[t]), 2), S, KINDS["share_recorded"], team=TM[t]))

    # 7. retention, withdrawal and declined callers: counted per agent-day by the SQL
    R = limits.retention
    if R is None:
        checks["retention_exceeded"] = _check("not_declared", question="retention.period")
    else:
        checks["retention_exceeded"] = _check("checked", limit=R.iso())
        breaches += _team_breaches("retention_exceeded", ad, "kept", "kept_max", round(R.nominal_days, 1), TM)
    G = limits.withdrawal_deletion_days
    checks["withdrawal_not_deleted"] = _check("checked", limit=G)
    breaches += _team_breaches("withdrawal_not_deleted", ad, "late", "late_max", G, TM)
    checks["declined_recorded"] = _check("checked", limit=0, declared="declined_callers" in limits.never_recorded)

    def agent_breaches(kind: str, col: str) -> None:
        hit = ad[ad[col] > 0]
        g = hit.groupby("agent_code").agg(size=(col, "sum"), min=("day", "min"), max=("day", "max"))
        for a, r in g.iterrows():
            breaches.append(Breach(kind, _date(r["min"]), _date(r["max"]), int(r["size"]), 0, KINDS[kind],
                                   agent=AG[int(a)], team=team_on(int(a), int(r["min"])), calls=int(r["size"])))

    agent_breaches("declined_recorded", "declined_rec")

    # 7b. callers never asked, where the callers' basis is consent: no consent, so no basis for the recording
    if limits.callers_basis == "consent":
        checks["not_asked_recorded"] = _check("checked", limit=0)
        agent_breaches("not_asked_recorded", "not_asked_rec")
    elif limits.callers_basis is None:
        checks["not_asked_recorded"] = _check("not_declared", question="context.legal_basis_callers")
    else:
        checks["not_asked_recorded"] = _check("not_applicable", question="context.legal_basis_callers",
                                              basis=limits.callers_basis)

    # 7c. calls the assessment says are never recorded (private, union representative, occupational health)
    if not forbidden:
        checks["never_recorded_type"] = _check("not_declared", question="periods.never_recorded")
    elif not log.has_call_type:
        checks["never_recorded_type"] = _check("no_column", question="call_type", column="call_type")
    else:
        checks["never_recorded_type"] = _check("checked", limit=0, types=sorted(forbidden))
        agent_breaches("never_recorded_type", "forbidden_rec")

    # 8. summary tables
    def per(code: str, col: str, size: int) -> np.ndarray:
        return np.bincount(ad[code], weights=ad[col], minlength=size).astype(np.int64)

    acalls, arec, adecl = per("agent_code", "calls", A), per("agent_code", "recorded_calls", A), \
        per("agent_code", "declined_rec", A)
    rdays = days_a.groupby("agent_code").size()
    agents = pd.DataFrame({
        "agent": AG,
        "team": [TM[main_team.get(a, 0)] for a in range(A)],
        "calls": acalls,
        "recorded_calls": arec,
        "share_recorded_percent": np.where(acalls > 0, 100.0 * arec / np.maximum(acalls, 1), 0.0).round(2),
        "recorded_days": [int(rdays.get(a, 0)) for a in range(A)],
        "longest_run_working_days": [int(longest.get(a, 0)) for a in range(A)],
        "whole_weeks": [int(whole_count.get(a, 0)) for a in range(A)],
        "max_recorded_days_in_a_month": [int(max_month.get(a, 0)) for a in range(A)],
        "recorded_days_outside_training_periods": [int(outside_days.get(a, 0)) for a in range(A)],
        "declined_callers_recorded": adecl,
    }).sort_values("agent", kind="stable").reset_index(drop=True)
    kp_t, w_t, late_t = per("team_code", "kept", T), per("team_code", "withdrawals", T), per("team_code", "late", T)
    grp = agents.groupby("team")
    teams = pd.DataFrame({
        "team": TM,
        "agents": [int(grp.size().get(t, 0)) for t in TM],
        "calls": tcalls,
        "recorded_calls": trec,
        "share_recorded_percent": tshare.round(2),
        "recorded_agent_days": [int(grp["recorded_days"].sum().get(t, 0)) for t in TM],
        "longest_run_working_days": [int(grp["longest_run_working_days"].max().get(t, 0)) for t in TM],
        "whole_weeks": [int(grp["whole_weeks"].sum().get(t, 0)) for t in TM],
        "recorded_days_outside_training_periods": [int(grp["recorded_days_outside_training_periods"].sum().get(t, 0)) for t in TM],
        "recordings_kept_past_retention": kp_t,
        "withdrawals": w_t,
        "withdrawals_not_deleted_in_time": late_t,
    }).sort_values("team", kind="stable").reset_index(drop=True)

    agent_days = pd.DataFrame({
        "agent": ad["agent"].astype(str).to_numpy(),
        "team": ad["team"].astype(str).to_numpy(),
        "date": [_date(d) for d in ad["day"].to_numpy()],
        "calls": ad["calls"].to_numpy(),
        "recorded_calls": ad["recorded_calls"].to_numpy(),
    })
    retention_ages = age_bins
    withdrawals = int(ad["withdrawals"].sum())
    w_max = ad["w_max"].max() if withdrawals else None
    oldest = ad["oldest"].max() if n else np.nan
    overview = {
        "source": log.source,
        "calls": n,
        "recorded_calls": int(ad["recorded_calls"].sum()),
        "share_recorded_percent": round(100.0 * int(ad["recorded_calls"].sum()) / n, 2) if n else 0.0,
        "agents": A,
        "teams": T,
        "first_day": _date(dmin).isoformat() if n else None,
        "last_day": _date(dmin + D - 1).isoformat() if n else None,
        "now": datetime.fromtimestamp(now_us / 1e6, tz=timezone.utc).isoformat().replace("+00:00", "Z"),
        "time_zone": tz,
        "recordings_kept_past_retention": int(ad["kept"].sum()),
        "oldest_recording_kept_days": round(float(max(0.0, oldest if oldest == oldest else 0.0)), 1),
        "withdrawals": withdrawals,
        "withdrawal_to_deletion_days_median":
            round(float(median_delay), 1) if withdrawals and median_delay is not None else None,
        "withdrawal_to_deletion_days_max": round(float(w_max), 1) if withdrawals and w_max is not None else None,
        "declined_callers": int(ad["declined_all"].sum()),
        "declined_callers_recorded": int(ad["declined_rec"].sum()),
        "breaches": len(breaches),
    }
    return PeriodReport(limits=limits, breaches=sort_breaches(breaches), overview=overview, agents=agents,
                        teams=teams, agent_days=agent_days, runs=runs, retention_ages=retention_ages, checks=checks,
                        warnings=training_group_warnings(limits, [str(x) for x in TM], [str(x) for x in AG]))


def _check(status: str, **info: Any) -> dict[str, Any]:
    return {"status": status, **info}


def _team_breaches(kind: str, ad: pd.DataFrame, count: str, value: str, limit: float, teams: list[str]) -> list[Breach]:
    hit = ad[ad[count] > 0]
    if hit.empty:
        return []
    g = hit.groupby("team_code").agg(n=(count, "sum"), v=(value, "max"), lo=("day", "min"), hi=("day", "max"))
    return [Breach(kind, _date(r.lo), _date(r.hi), round(float(r.v), 1), limit, KINDS[kind], team=teams[int(t)],
                   calls=int(r.n)) for t, r in g.iterrows()]


def _date(d: int) -> date:
    return date.fromordinal(int(d) + _EPOCH)


