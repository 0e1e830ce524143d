"""Realistic synthetic call logs, with optional deliberate breaches whose outcome is known.

The generated log follows a compliant plan unless told otherwise: teams with
training periods (three weeks a month), agents recorded on two adjacent working
days a week inside their team's periods, calls Monday to Friday in opening hours
(local time), lognormal durations, a consent mix in which callers who decline are
never recorded, deletion shortly before the retention period ends and prompt
deletion after a withdrawal of consent.

Each injected breach is built on purpose (a dedicated agent or team) and the
generator returns the exact breaches it expects an analysis to find, computed
by construction, not by the analysis code. Deterministic for a given seed.
Vectorised with numpy: ten million calls take a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Sequence
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from ..fsio import atomic_write_with
from .breaches import KINDS, Breach, sort_breaches

#: :func:`lia.fsio.atomic_write_with` under its older name (pages/call_logs.py and pages/access.py import it).
write_table_atomic = atomic_write_with

__all__ = ["SynthSpec", "SynthLog", "generate", "INJECTABLE", "write_table_atomic"]

#: Breach kinds the generator can inject.
INJECTABLE = (
    "whole_week",
    "consecutive_days",
    "days_per_month",
    "outside_training_period",
    "share_recorded",
    "retention_exceeded",
    "withdrawal_not_deleted",
    "declined_recorded",
)

_TEAM_NAMES = ["support", "sales", "billing", "tech", "claims", "retention", "business", "onboarding"]
_CONSENT = np.array(["yes", "no", "not_asked"])
_DAY_S = 86400


@dataclass(frozen=True)
class SynthSpec:
    """Parameters of a synthetic call log (all have realistic defaults)."""

    seed: int = 0
    start: date = date(2025, 1, 6)
    weeks: int = 26
    teams: int = 4
    agents_per_team: int = 10
    calls_per_agent_day: float = 30.0
    n_calls: int | None = None  # if set, overrides calls_per_agent_day (approximately this many calls)
    record_probability: float = 0.5  # per eligible call on a scheduled day
    consent_mix: tuple[float, float, float] = (0.7, 0.1, 0.2)  # yes, no, not_asked
    withdrawal_rate: float = 0.005  # share of recordings whose caller later withdraws consent
    tz: str = "Europe/Stockholm"
    open_hours: tuple[int, int] = (8, 17)
    # the limits declared in the generated assessment answers
    retention_days: int = 90
    max_consecutive_days: int = 3
    max_days_per_month: int = 8
    share_recorded_percent: float = 20.0
    withdrawal_deletion_days: int = 30
    # deliberate breaches
    inject: tuple[str, ...] = ()
    consecutive_n: int = 5
    declined_n: int = 3
    retention_n: int = 4
    withdrawal_n: int = 2


@dataclass
class SynthLog:
    """A generated log: the Arrow table, the assessment answers with its limits, and the injected breaches."""

    spec: SynthSpec
    table: pa.Table
    answers: dict[str, Any]
    injected: list[Breach]
    now: datetime
    agent_team: dict[str, str] = field(default_factory=dict)

    def write_parquet(self, path: str | Path) -> Path:
        """Write the log as Parquet (atomically: temporary file, fsync, rename)."""
        import pyarrow.parquet as pq

        return atomic_write_with(path, lambda tmp: pq.write_table(self.table, str(tmp), compression="zstd"))

    def write_csv(self, path: str | Path) -> Path:
        """Write the log as CSV with local timestamps and their UTC offset (atomically)."""
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv

        t = self.table
        cols = {}
        for name in t.column_names:
            col = t[name]
            if pa.types.is_timestamp(col.type):
                local = col.cast(pa.timestamp("s", tz=self.spec.tz))
                col = pc.strftime(local, format="%Y-%m-%dT%H:%M:%S%z")
            elif pa.types.is_boolean(col.type):
                col = pc.if_else(col, "yes", "no")
            elif pa.types.is_dictionary(col.type):
                col = col.cast(pa.string())
            cols[name] = col
        out = pa.table(cols)
        opts = pcsv.WriteOptions(quoting_style="needed")
        return atomic_write_with(path, lambda tmp: pcsv.write_csv(out, str(tmp), write_options=opts))


def generate(spec: SynthSpec | None = None, **overrides: Any) -> SynthLog:
    """Generate a call log; ``overrides`` replace fields of ``spec`` (or of the default spec)."""
    spec = replace(spec or SynthSpec(), **overrides)
    for k in spec.inject:
        if k not in INJECTABLE:
            raise ValueError(f"cannot inject {k!r}; expected one of: {', '.join(INJECTABLE)}")
    if len(set(spec.inject)) != len(spec.inject):
        raise ValueError("each breach kind can be injected once per log")
    return _Gen(spec).run()


class _Gen:
    def __init__(self, spec: SynthSpec) -> None:
        self.s = spec
        self.rng = np.random.default_rng(spec.seed)
        first = spec.start - timedelta(days=spec.start.weekday())
        all_days = [first + timedelta(days=i) for i in range(spec.weeks * 7)]
        self.days = [d for d in all_days if d.weekday() < 5]
        self.D = len(self.days)
        self.day_ord = np.array([d.toordinal() for d in self.days])
        self.weekday = np.array([d.weekday() for d in self.days])
        self.T = spec.teams
        self.team_names = [_TEAM_NAMES[i] if i < len(_TEAM_NAMES) else f"team-{i + 1:02d}" for i in range(self.T)]
        self.A = spec.teams * spec.agents_per_team
        self.agent_ids = [f"A{i + 1:04d}" for i in range(self.A)]
        self.agent_team = np.arange(self.A) // spec.agents_per_team
        self.expected: list[Breach] = []

    # -- plan -------------------------------------------------------------------------
    def training_periods(self) -> list[tuple[int, date, date]]:
        months = sorted({(d.year, d.month) for d in self.days})
        out = []
        for t in range(self.T):
            off = 0 if t % 2 == 0 else 7
            for y, m in months:
                s = date(y, m, 1) + timedelta(days=off)
                out.append((t, s, s + timedelta(days=20)))
        return out

    def in_period(self) -> np.ndarray:
        m = np.zeros((self.T, self.D), dtype=bool)
        for t, s, e in self.periods:
            m[t] |= (self.day_ord >= s.toordinal()) & (self.day_ord <= e.toordinal())
        return m

    def base_schedule(self) -> np.ndarray:
        pair = np.arange(self.A) % 4
        wd = self.weekday[None, :]
        on = (wd == pair[:, None]) | (wd == pair[:, None] + 1)
        return on & self.inperiod[self.agent_team]

    # -- injections on the schedule ------------------------------------------------------
    def _add(self, kind: str, who: int, days: list[int], value: float, limit: float, *, team: bool = False, calls: int | None = None) -> None:
        start, end = self.days[min(days)], self.days[max(days)]
        if team:
            b = Breach(kind, start, end, value, limit, KINDS[kind], team=self.team_names[who], calls=calls)
        else:
            b = Breach(kind, start, end, value, limit, KINDS[kind], agent=self.agent_ids[who],
                       team=self.team_names[self.agent_team[who]], calls=calls)
        self.expected.append(b)

    def _period_days(self, t: int) -> list[list[int]]:
        """Working-day indices of each training period of team t inside the log."""
        res = []
        for tt, s, e in self.periods:
            if tt == t:
                idx = [i for i in range(self.D) if s.toordinal() <= self.day_ord[i] <= e.toordinal()]
                if idx and self.day_ord[idx[0]] - s.toordinal() < 7 and e.toordinal() - self.day_ord[idx[-1]] < 7:
                    res.append(idx)  # the period lies (nearly) wholly inside the log
        return res

    def inject_pattern(self, kind: str, agent: int, sched: np.ndarray) -> None:
        s, L, M = self.s, self.s.max_consecutive_days, self.s.max_days_per_month
        t = self.agent_team[agent]
        sched[agent] = False
        for idx in self._period_days(t):
            wd = [self.weekday[i] for i in idx]
            if kind == "whole_week":
                mons = [j for j in range(len(idx) - 4) if wd[j] == 0 and idx[j + 4] - idx[j] == 4]
                if mons:
                    days = idx[mons[0]:mons[0] + 5]
                    sched[agent, days] = True
                    self._add("whole_week", agent, days, 1, 0)
                    if 5 > L:
                        self._add("consecutive_days", agent, days, 5, L)
                    return
            elif kind == "consecutive_days":
                n = s.consecutive_n
                if not (L < n <= min(8, M)):
                    raise ValueError(f"consecutive_n must be above max_consecutive_days ({L}) and at most min(8, max_days_per_month)")
                tues = [j for j in range(len(idx)) if wd[j] == 1 and j + n <= len(idx)]
                if tues:
                    days = idx[tues[0]:tues[0] + n]
                    sched[agent, days] = True
                    self._add("consecutive_days", agent, days, n, L)
                    return
            elif kind == "days_per_month":
                if L < 2 or M >= 9:
                    raise ValueError("days_per_month injection needs max_consecutive_days >= 2 and max_days_per_month < 9")
                days = [i for i, w in zip(idx, wd) if w in (0, 2, 4)]
                if len(days) >= 9:
                    days = days[:9]
                    sched[agent, days] = True
                    self._add("days_per_month", agent, days, len(days), M)
                    return
        if kind == "outside_training_period":
            if L < 2 or M < 2:
                raise ValueError("outside_training_period injection needs limits of at least 2 days")
            for i in range(self.D - 1):
                if self.weekday[i] == 0 and not self.inperiod[t, i] and not self.inperiod[t, i + 1]:
                    sched[agent, [i, i + 1]] = True
                    self._add("outside_training_period", agent, [i, i + 1], 2, 0)
                    return
        raise ValueError(f"the log is too short to inject {kind} (make weeks larger)")

    # -- generation ------------------------------------------------------------------------
    def run(self) -> SynthLog:
        s, rng = self.s, self.rng
        self.periods = self.training_periods()
        self.inperiod = self.in_period()
        sched = self.base_schedule()
        agent_kinds = [k for k in s.inject if k in ("whole_week", "consecutive_days", "days_per_month",
                                                     "outside_training_period", "declined_recorded")]
        team_kinds = [k for k in s.inject if k in ("share_recorded", "retention_exceeded", "withdrawal_not_deleted")]
        if len(agent_kinds) > self.A or len(team_kinds) > self.T:
            raise ValueError("not enough agents or teams for the injected breaches")
        teams = [int(x) for x in rng.permutation(self.T)[: len(team_kinds)]]
        # agents with their own pattern come from other teams than the over-recorded one where possible,
        # so that team's share stays clearly above the limit
        share_team = teams[team_kinds.index("share_recorded")] if "share_recorded" in team_kinds else -1
        perm = [int(x) for x in rng.permutation(self.A)]
        perm = [x for x in perm if self.agent_team[x] != share_team] + [x for x in perm if self.agent_team[x] == share_team]
        agents = perm[: len(agent_kinds)]
        who = dict(zip(agent_kinds, agents)) | dict(zip(team_kinds, teams))
        for k in agent_kinds:
            if k != "declined_recorded":
                self.inject_pattern(k, who[k], sched)

        # calls per agent-day
        lam = s.calls_per_agent_day if s.n_calls is None else s.n_calls / (self.A * self.D)
        counts = rng.poisson(lam, size=(self.A, self.D))
        counts = np.where(sched & (counts == 0), 1, counts)
        fi = np.repeat(np.arange(self.A * self.D, dtype=np.int64), counts.ravel())
        n = fi.size
        a = (fi // self.D).astype(np.int32)
        d = (fi % self.D).astype(np.int32)
        first = np.empty(n, dtype=bool)
        first[:1] = True
        first[1:] = fi[1:] != fi[:-1]
        del fi

        lo, hi = s.open_hours
        sec = rng.integers(lo * 3600, hi * 3600, size=n, dtype=np.int64)
        tz = ZoneInfo(s.tz)
        offs = np.array([int(datetime.combine(dd, time(12), tz).utcoffset().total_seconds()) for dd in self.days])
        midnight = (self.day_ord - date(1970, 1, 1).toordinal()).astype(np.int64) * _DAY_S
        start = midnight[d] + sec - offs[d]  # UTC seconds
        del sec
        consent = rng.choice(3, size=n, p=list(s.consent_mix)).astype(np.int8)
        p_team = np.full(self.T, s.record_probability)
        if "share_recorded" in who:
            p_team[who["share_recorded"]] = 1.0
        team = self.agent_team[a]
        on = sched[a, d]
        recorded = on & (consent != 1) & (rng.random(n) < p_team[team])
        forced = on & first
        consent[forced & (consent == 1)] = 0
        recorded |= forced
        del on, forced, first
        now = int(start.max())

        # deletion at retention, withdrawals with prompt deletion
        R, G = s.retention_days, s.withdrawal_deletion_days
        NaT = np.iinfo(np.int64).min
        cand = start + R * _DAY_S - rng.integers(1800, 72000, size=n)
        deleted = np.where(recorded & (cand <= now), cand, NaT)
        del cand
        wd_mask = recorded & (rng.random(n) < s.withdrawal_rate)
        wtime = start + rng.integers(3600, 10 * _DAY_S, size=n)
        wd_mask &= wtime <= now
        withdrawn = np.where(wd_mask, wtime, NaT)
        del wtime
        idx = np.flatnonzero(wd_mask)
        del2 = withdrawn[idx] + rng.integers(3600, 5 * _DAY_S, size=idx.size)
        cur = deleted[idx]
        new = np.where(cur == NaT, del2, np.minimum(cur, del2))
        deleted[idx] = np.where(new <= now, new, NaT)
        del wd_mask

        def local_day(ix: np.ndarray) -> list[int]:
            return [int(d[ix].min()), int(d[ix].max())]

        if "retention_exceeded" in who:
            t = who["retention_exceeded"]
            c = np.flatnonzero(recorded & (team == t) & (start < now - (R + 2) * _DAY_S) & (withdrawn == NaT))
            if c.size < s.retention_n:
                raise ValueError("the log is too short to inject retention_exceeded (weeks must span the retention period)")
            ch = rng.choice(c, size=s.retention_n, replace=False)
            deleted[ch] = NaT
            age = (now - start[ch]).max() / _DAY_S
            self._add("retention_exceeded", t, local_day(ch), round(age, 1), R, team=True, calls=len(ch))
        if "withdrawal_not_deleted" in who:
            t = who["withdrawal_not_deleted"]
            if R < G + 17:
                raise ValueError("withdrawal_not_deleted injection needs retention_days >= withdrawal_deletion_days + 17")
            c = np.flatnonzero(recorded & (team == t) & (withdrawn == NaT)
                               & (start >= now - (R - 5) * _DAY_S) & (start <= now - (G + 12) * _DAY_S))
            if c.size < s.withdrawal_n:
                raise ValueError("the log is too short to inject withdrawal_not_deleted")
            ch = rng.choice(c, size=s.withdrawal_n, replace=False)
            withdrawn[ch] = start[ch] + rng.integers(3600, 2 * _DAY_S, size=ch.size)
            deleted[ch] = NaT
            delay = (now - withdrawn[ch]).max() / _DAY_S
            self._add("withdrawal_not_deleted", t, local_day(ch), round(delay, 1), G, team=True, calls=len(ch))
        if "declined_recorded" in who:
            ag = who["declined_recorded"]
            c = np.flatnonzero(recorded & (a == ag))
            if c.size < s.declined_n:
                raise ValueError("the declined_recorded agent has too few recordings; raise calls_per_agent_day")
            ch = rng.choice(c, size=s.declined_n, replace=False)
            consent[ch] = 1
            self._add("declined_recorded", ag, local_day(ch), len(ch), 0, calls=len(ch))

        # shares per team: the injected team is expected over the limit, every other team must stay under it
        rec_t = np.bincount(team, weights=recorded, minlength=self.T)
        all_t = np.bincount(team, minlength=self.T)
        for t in range(self.T):
            share = 100.0 * rec_t[t] / max(all_t[t], 1)
            if who.get("share_recorded") == t:
                if share <= s.share_recorded_percent:
                    raise ValueError("share_recorded injection did not exceed the limit; lower share_recorded_percent")
                dd = d[team == t]
                self.expected.append(Breach("share_recorded", self.days[int(dd.min())], self.days[int(dd.max())],
                                            round(share, 2), s.share_recorded_percent, "percent", team=self.team_names[t]))
            elif share > s.share_recorded_percent:
                raise ValueError(f"team {self.team_names[t]} records {share:.1f}% of calls, above the declared "
                                 f"{s.share_recorded_percent}%; raise share_recorded_percent or lower record_probability")

        # the file order of a real export: by start time
        order = np.argsort(start, kind="stable")
        table = self.to_table(order, a, team, start, consent, recorded, deleted, withdrawn, rng)
        answers = self.answers()
        return SynthLog(spec=s, table=table, answers=answers, injected=sort_breaches(self.expected),
                        now=datetime.fromtimestamp(now, tz=ZoneInfo("UTC")),
                        agent_team={self.agent_ids[i]: self.team_names[self.agent_team[i]] for i in range(self.A)})

    def to_table(self, order, a, team, start, consent, recorded, deleted, withdrawn, rng) -> pa.Table:
        import pyarrow.compute as pc

        n = order.size
        ids = pc.binary_join_element_wise("C", pc.utf8_lpad(pa.array(np.arange(1, n + 1)).cast(pa.string()), 9, "0"), "")

        def ts(x: np.ndarray) -> pa.Array:
            x = x[order]
            return pa.array(x * 1_000_000, type=pa.int64(), mask=(x == np.iinfo(np.int64).min)).cast(pa.timestamp("us", tz="UTC"))

        def dic(codes: np.ndarray, names: Sequence[str]) -> pa.Array:
            return pa.DictionaryArray.from_arrays(pa.array(codes[order].astype(np.int32)), pa.array(list(names)))

        dur = np.clip(rng.lognormal(np.log(240), 0.7, size=n), 5, 4 * 3600).astype(np.int32)
        return pa.table({
            "call_id": ids,
            "agent": dic(a, self.agent_ids),
            "team": dic(team, self.team_names),
            "start": ts(start),
            "duration_s": pa.array(dur),
            "recorded": pa.array(recorded[order]),
            "caller_consent": dic(consent, list(_CONSENT)),
            "deleted_at": ts(deleted),
            "consent_withdrawn_at": ts(withdrawn),
        })

    def answers(self) -> dict[str, Any]:
        s = self.s
        return {
            "periods.continuous": False,
            "periods.training_periods": [
                {"group": self.team_names[t], "start": a.isoformat(), "end": b.isoformat()} for t, a, b in self.periods
            ],
            "periods.max_consecutive_days": s.max_consecutive_days,
            "periods.max_days_per_month": s.max_days_per_month,
            "periods.share_recorded_percent": s.share_recorded_percent,
            "periods.never_recorded": ["private_calls", "declined_callers"],
            "retention.period": f"P{s.retention_days}D",
            "retention.withdrawal_deletes": True,
        }
