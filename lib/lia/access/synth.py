"""Realistic synthetic access logs, consistent with a synthetic call log, with optional planted breaches.

``generate_access(calls)`` takes a :class:`lia.periods.synth.SynthLog` and builds
who listened to its recordings: quality analysts reviewing a sample days after
the call, trainers listening on the day of the call inside their team's training
periods, a complaints desk that may download, every event with a reason that
names a declared purpose. Normal events only touch recordings that exist at that
moment (recorded, caller did not decline, not withdrawn, before deletion and
before the retention period ends), and each role has enough people that no one
opens many recordings of one agent in a short time. So a clean log has no breach.

``inject`` plants breaches, each built on purpose (a dedicated recording, user or
role); ``AccessSynth.injected`` lists exactly the breaches an analysis must find,
computed by construction. Deterministic for a given seed; vectorised with numpy
(twenty million events take some seconds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Sequence
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from ..fsio import atomic_write_with
from ..periods.synth import SynthLog
from .breaches import AccessBreach, sort_breaches

__all__ = ["AccessSpec", "AccessSynth", "generate_access", "INJECTABLE"]

INJECTABLE = ("undeclared_role", "too_many_users", "download_not_allowed", "undeclared_purpose", "declined_caller",
              "not_recorded", "after_deletion", "after_withdrawal", "after_retention", "agent_concentration",
              "listened_outside_training")
_ACTIONS = ("listen", "download", "export", "share", "view_transcript", "delete")
_US = 1_000_000
_HOUR = 3600 * _US
_DAY = 86400 * _US
NAT = np.iinfo(np.int64).min


@dataclass(frozen=True)
class RoleSpec:
    name: str
    people: int
    can_download: bool
    training_only: bool
    share: float  # of the normal events
    actions: tuple[tuple[str, float], ...]
    reason: str


_ROLES = (
    RoleSpec("qa_analyst", 4, False, False, 0.55, (("listen", 0.8), ("view_transcript", 0.2)), "quality_assurance: sample review"),
    RoleSpec("trainer", 3, False, True, 0.35, (("listen", 1.0),), "training: coaching session"),
    RoleSpec("complaints", 2, True, False, 0.10, (("listen", 0.6), ("download", 0.3), ("export", 0.1)),
             "dispute_evidence: complaint case"),
)


@dataclass(frozen=True)
class AccessSpec:
    """Parameters of a synthetic access log (all have realistic defaults)."""

    seed: int = 0
    events: int | None = None  # default: accesses_per_recording x eligible recordings
    accesses_per_recording: float = 0.5
    max_delay_days: float = 20.0
    max_recordings_per_agent: int = 20
    agent_window_days: int = 7
    inject: tuple[str, ...] = ()


@dataclass
class AccessSynth:
    """A generated access log: the Arrow table, the answers (call-log answers + access policy), the injected breaches."""

    spec: AccessSpec
    table: pa.Table
    answers: dict[str, Any]
    injected: list[AccessBreach]
    tz: str
    users: dict[str, list[str]] = field(default_factory=dict)

    def write_parquet(self, path: str | Path) -> Path:
        import pyarrow.parquet as pq

        return atomic_write_with(path, lambda tmp: pq.write_table(self.table, str(tmp), compression="zstd"))

    def write_csv(self, path: str | Path) -> Path:
        """CSV with local timestamps and their UTC offset (atomically)."""
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv

        cols = {}
        for name in self.table.column_names:
            col = self.table[name]
            if pa.types.is_timestamp(col.type):
                col = pc.strftime(col.cast(pa.timestamp("s", tz=self.tz), safe=False), format="%Y-%m-%dT%H:%M:%S%z")
            elif pa.types.is_dictionary(col.type):
                col = col.cast(pa.string())
            cols[name] = col
        out = pa.table(cols)
        return atomic_write_with(path, lambda tmp: pcsv.write_csv(out, str(tmp), write_options=pcsv.WriteOptions(quoting_style="needed")))


def generate_access(calls: SynthLog, spec: AccessSpec | None = None, **overrides: Any) -> AccessSynth:
    """Generate an access log for the call log ``calls``; ``overrides`` replace fields of ``spec``."""
    spec = replace(spec or AccessSpec(), **overrides)
    for k in spec.inject:
        if k not in INJECTABLE:
            raise ValueError(f"cannot inject {k!r}; expected one of: {', '.join(INJECTABLE)}")
    return _Gen(calls, spec).run()


class _Gen:
    def __init__(self, calls: SynthLog, spec: AccessSpec) -> None:
        self.c, self.s = calls, spec
        self.tz = calls.spec.tz
        self.zone = ZoneInfo(self.tz)
        self.rng = np.random.default_rng(spec.seed + 7919)
        t = calls.table
        self.call_id = t["call_id"].combine_chunks()
        self.agent = t["agent"].combine_chunks()
        self.agent_codes = self.agent.indices.to_numpy().astype(np.int64)
        self.agent_names = self.agent.dictionary.to_pylist()
        self.team = t["team"].combine_chunks()
        self.team_codes = self.team.indices.to_numpy().astype(np.int64)
        self.team_names = self.team.dictionary.to_pylist()

        def us(col: str) -> np.ndarray:
            a = t[col].combine_chunks().cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
            return a.fill_null(NAT).to_numpy()

        self.start, self.deleted, self.withdrawn = us("start"), us("deleted_at"), us("consent_withdrawn_at")
        self.recorded = t["recorded"].combine_chunks().to_numpy(zero_copy_only=False)
        cons = t["caller_consent"].combine_chunks()
        self.declined = np.asarray(cons.dictionary.to_pylist())[cons.indices.to_numpy()] == "no"
        self.ret_us = calls.spec.retention_days * _DAY
        end = self.start + self.ret_us
        end = np.where(self.deleted != NAT, np.minimum(end, self.deleted), end)
        self.alive_until = end
        self.eligible = self.recorded & ~self.declined & (self.withdrawn == NAT) & (end - self.start > 3 * _HOUR)
        self.periods = [(p["group"], date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))
                        for p in calls.answers.get("periods.training_periods", [])]
        self.events: list[dict[str, np.ndarray | list]] = []
        self.expected: list[AccessBreach] = []
        self.users: dict[str, list[str]] = {}
        self.user_names: list[str] = []
        self.roles: list[str] = []
        self.reasons: list[str] = []

    # -- helpers ----------------------------------------------------------------------------
    def local_day(self, us: int) -> date:
        return datetime.fromtimestamp(us / _US, self.zone).date()

    def in_period(self, idx: np.ndarray) -> np.ndarray:
        """Whether the local day of each call's start lies in a training period of its team."""
        import pandas as pd

        days = pd.to_datetime(self.start[idx], unit="us", utc=True).tz_convert(self.tz).normalize().date
        days = np.array([d.toordinal() for d in days]) if len(idx) < 50_000 else \
            (pd.to_datetime(self.start[idx], unit="us", utc=True).tz_convert(self.tz).tz_localize(None)
             .values.astype("datetime64[D]").astype(np.int64) + date(1970, 1, 1).toordinal())
        ok = np.zeros(len(idx), dtype=bool)
        tnames = np.array([n.lower() for n in self.team_names])
        team_l = tnames[self.team_codes[idx]]
        for g, s, e in self.periods:
            gl = g.strip().lower()
            m = (days >= s.toordinal()) & (days <= e.toordinal())
            if gl not in ("*", "all"):
                m &= team_l == gl
            ok |= m
        return ok

    def new_users(self, n: int) -> list[str]:
        out = [f"U{len(self.user_names) + 1 + i:04d}" for i in range(n)]
        self.user_names += out
        return out

    def add(self, rec: np.ndarray, at: np.ndarray, user: Any, role: str, action: Any, reason: str | None) -> None:
        """Add events; ``user`` and ``action`` are a name (for all) or names, or int32 codes (normal use)."""
        n = len(rec)
        if role not in self.roles:
            self.roles.append(role)
        if reason and reason not in self.reasons:
            self.reasons.append(reason)

        def codes(v: Any, names: Sequence[str]) -> np.ndarray:
            if isinstance(v, np.ndarray) and v.dtype.kind == "i":
                return v.astype(np.int32)
            vals = [v] * n if isinstance(v, str) else list(v)
            return np.array([names.index(x) for x in vals], dtype=np.int32)

        self.events.append({"rec": np.asarray(rec, dtype=np.int64), "at": np.asarray(at, dtype=np.int64),
                            "user": codes(user, self.user_names), "role": np.full(n, self.roles.index(role), np.int32),
                            "action": codes(action, _ACTIONS),
                            "reason": np.full(n, self.reasons.index(reason) if reason else -1, np.int32)})

    # -- normal use ------------------------------------------------------------------------
    def run(self) -> AccessSynth:
        s, rng = self.s, self.rng
        elig = np.flatnonzero(self.eligible)
        total = s.events if s.events is not None else int(len(elig) * s.accesses_per_recording)
        span_days = max(1.0, (self.start.max() - self.start.min()) / _DAY) if len(self.start) else 1.0
        n_agents = max(1, len(self.agent_names))
        self.role_people: dict[str, int] = {}
        for r in _ROLES:
            n = int(round(total * r.share))
            # enough people that one person's share of one agent's recordings in a window stays far below the limit
            need = math.ceil(n * s.agent_window_days / (n_agents * span_days * max(1.0, s.max_recordings_per_agent / 8)))
            people = max(r.people, need)
            users = self.new_users(people)
            self.users[r.name] = users
            self.role_people[r.name] = people
            if n == 0 or len(elig) == 0:
                continue
            pool = elig
            if r.training_only:
                pool = elig[self.in_period(elig)]
                if len(pool) == 0:
                    continue
            rec = pool[rng.integers(0, len(pool), size=n)]
            room = self.alive_until[rec] - self.start[rec]
            if r.training_only:
                delay = rng.integers(10 * 60 * _US, 3 * _HOUR, size=n)
            else:
                hi = np.minimum(room - _HOUR, int(s.max_delay_days * _DAY))
                delay = _HOUR + (rng.random(n) * (hi - _HOUR)).astype(np.int64)
            at = self.start[rec] + delay
            names, probs = zip(*r.actions)
            act = np.array([_ACTIONS.index(a) for a in names], np.int32)[
                rng.choice(len(names), size=n, p=np.asarray(probs) / sum(probs))]
            u = (self.user_names.index(users[0]) + rng.integers(0, people, size=n)).astype(np.int32)
            self.add(rec, at, u, r.name, act, r.reason)
        self.auditor = self.new_users(1)
        self.users["auditor"] = self.auditor
        for kind in s.inject:
            getattr(self, "inject_" + kind)()
        return self.build()

    # -- planted breaches -------------------------------------------------------------------
    def pick(self, mask: np.ndarray, what: str) -> int:
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            raise ValueError(f"the call log has no {what}; generate it with a matching call-log injection")
        return int(idx[self.rng.integers(0, idx.size)])

    def user_breach(self, kind: str, user: str, role: str, ats: list[int], value: float, limit: float,
                    agent: str | None, accesses: int) -> None:
        days = [self.local_day(a) for a in ats]
        self.expected.append(AccessBreach(kind, min(days), max(days), value, limit, role=role, user=user, agent=agent,
                                          accesses=accesses))

    def _life(self, kind: str, rec: int, at: int) -> None:
        user = self.users["complaints"][0]
        self.add(np.array([rec]), np.array([at]), [user], "complaints", "listen", "dispute_evidence: complaint case")
        self.user_breach(kind, user, "complaints", [at], 1, 0, self.agent_names[self.agent_codes[rec]], 1)

    def inject_undeclared_role(self) -> None:
        recs = [self.pick(self.eligible, "recording that may be accessed") for _ in range(3)]
        ats = [int(self.start[r] + _HOUR) for r in recs]
        user = self.new_users(1)[0]
        self.add(np.array(recs), np.array(ats), [user] * 3, "it_admin", "listen", "quality_assurance: system check")
        days = [self.local_day(a) for a in ats]
        self.expected.append(AccessBreach("undeclared_role", min(days), max(days), 3, 0, role="it_admin", accesses=3))

    def inject_too_many_users(self) -> None:
        role = "qa_analyst"
        rc = self.roles.index(role) if role in self.roles else -1
        ev = [e for e in self.events if len(e["role"]) and e["role"][0] == rc]
        if not ev:
            raise ValueError("no quality-analyst events to add users to; generate more events")
        at = np.concatenate([e["at"] for e in ev])
        users = np.concatenate([e["user"] for e in ev])
        first = self.local_day(int(at.min()))
        y, m = first.year, first.month
        lo = datetime(y, m, 1, tzinfo=self.zone)
        hi = datetime(y + m // 12, m % 12 + 1, 1, tzinfo=self.zone)
        lo_us, hi_us = int(lo.timestamp() * _US), int(hi.timestamp() * _US)
        active = len(np.unique(users[(at >= lo_us) & (at < hi_us)]))
        extra = self.role_people[role] - active + 1
        alive = self.eligible & (self.start >= lo_us) & (self.start + 2 * _HOUR < hi_us) & (self.alive_until > self.start + 2 * _HOUR)
        new = self.new_users(extra)
        for u in new:
            r = self.pick(alive, "recording in the chosen month")
            self.add(np.array([r]), np.array([self.start[r] + _HOUR]), [u], role, "listen", "quality_assurance: sample review")
        self.users[role] = self.users[role] + new
        self.expected.append(AccessBreach("too_many_users", lo.date(), (hi - timedelta(days=1)).date(),
                                          self.role_people[role] + 1, self.role_people[role], role=role))

    def inject_download_not_allowed(self) -> None:
        user = self.users["qa_analyst"][0]
        recs = [self.pick(self.eligible, "recording that may be accessed") for _ in range(2)]
        ats = [int(self.start[r] + _HOUR) for r in recs]
        self.add(np.array(recs), np.array(ats), [user] * 2, "qa_analyst", "download", "quality_assurance: sample review")
        self.user_breach("download_not_allowed", user, "qa_analyst", ats, 2, 0, None, 2)

    def inject_undeclared_purpose(self) -> None:
        user = self.users["complaints"][-1]
        recs = [self.pick(self.eligible, "recording that may be accessed") for _ in range(2)]
        ats = [int(self.start[r] + _HOUR) for r in recs]
        self.add(np.array(recs), np.array(ats), [user] * 2, "complaints", "listen", "customer_analytics: campaign")
        self.user_breach("undeclared_purpose", user, "complaints", ats, 2, 0, None, 2)

    def inject_declined_caller(self) -> None:
        r = self.pick(self.declined, "call whose caller declined recording")
        self._life("declined_caller", r, int(self.start[r] + _HOUR))

    def inject_not_recorded(self) -> None:
        r = self.pick(~self.recorded & ~self.declined, "call that was not recorded")
        self._life("not_recorded", r, int(self.start[r] + _HOUR))

    def inject_after_deletion(self) -> None:
        r = self.pick(self.recorded & ~self.declined & (self.deleted != NAT) & (self.withdrawn == NAT), "deleted recording")
        self._life("after_deletion", r, int(self.deleted[r] + 2 * _DAY))

    def inject_after_withdrawal(self) -> None:
        ok = self.recorded & ~self.declined & (self.withdrawn != NAT) & ((self.deleted == NAT) | (self.deleted > self.withdrawn + 2))
        ok &= self.withdrawn < self.start + self.ret_us - 2
        r = self.pick(ok, "recording whose caller withdrew consent before deletion")
        end = self.deleted[r] if self.deleted[r] != NAT else self.start[r] + self.ret_us
        self._life("after_withdrawal", r, int(self.withdrawn[r] + max(1, (end - self.withdrawn[r]) // 2)))

    def inject_after_retention(self) -> None:
        r = self.pick(self.recorded & ~self.declined & (self.withdrawn == NAT) & (self.deleted == NAT),
                      "recording that has not been deleted")
        self._life("after_retention", r, int(self.start[r] + self.ret_us + _DAY))

    def inject_agent_concentration(self) -> None:
        n = self.s.max_recordings_per_agent + 5
        codes = self.agent_codes[self.eligible]
        counts = np.bincount(codes, minlength=len(self.agent_names))
        a = int(np.argmax(counts))
        recs = np.flatnonzero(self.eligible & (self.agent_codes == a))
        recs = recs[np.argsort(self.start[recs], kind="stable")]
        for i in range(0, len(recs) - n + 1):
            chosen = recs[i:i + n]
            x = int(self.start[chosen].max() + _HOUR)
            if (self.alive_until[chosen] > x + n * 60 * _US).all() and x - int(self.start[chosen].min()) < 20 * _DAY:
                break
        else:
            raise ValueError(f"no agent has {n} recordings alive at one time; generate a longer call log")
        user = self.auditor[0]
        ats = x + np.arange(n, dtype=np.int64) * 60 * _US
        self.add(chosen, ats, [user] * n, "auditor", "listen", "quality_assurance: audit")
        self.user_breach("agent_concentration", user, "auditor", [int(ats[0]), int(ats[-1])], n,
                         self.s.max_recordings_per_agent, self.agent_names[a], n)

    def inject_listened_outside_training(self) -> None:
        user = self.users["trainer"][0]
        tl = [n.lower() for n in self.team_names]
        for g, s, e in sorted(self.periods, key=lambda p: p[1]):
            gap = e + timedelta(days=1)
            if any(ps <= gap <= pe and (pg.lower() in ("*", "all") or pg.lower() == g.lower()) for pg, ps, pe in self.periods):
                continue
            if g.lower() not in tl:
                continue
            t = tl.index(g.lower())
            x = int(datetime(gap.year, gap.month, gap.day, 10, tzinfo=self.zone).timestamp() * _US)
            ok = self.eligible & (self.team_codes == t) & (self.start < x - _HOUR) & (self.alive_until > x + _HOUR)
            if ok.any():
                r = self.pick(ok, "recording")
                self.add(np.array([r]), np.array([x]), [user], "trainer", "listen", "training: coaching session")
                self.user_breach("listened_outside_training", user, "trainer", [x], 1, 0,
                                 self.agent_names[self.agent_codes[r]], 1)
                return
        raise ValueError("no recording is alive on a day after a training period; generate a longer call log")

    # -- output -----------------------------------------------------------------------------
    def build(self) -> AccessSynth:
        import pyarrow.compute as pc

        def cat(key: str, dtype: Any) -> np.ndarray:
            return np.concatenate([e[key] for e in self.events]) if self.events else np.zeros(0, dtype)

        at = cat("at", np.int64)
        order = np.argsort(at, kind="stable")
        n = len(order)
        ids = pc.binary_join_element_wise("E", pc.utf8_lpad(pa.array(np.arange(1, n + 1)).cast(pa.string()), 10, "0"), "")

        def dic(codes: np.ndarray, names: list[str]) -> pa.Array:
            c = codes[order]
            return pa.DictionaryArray.from_arrays(pa.array(c, type=pa.int32(), mask=c < 0), pa.array(names, type=pa.string()))

        table = pa.table({
            "event_id": ids,
            "recording_id": self.call_id.take(pa.array(cat("rec", np.int64)[order])),
            "user": dic(cat("user", np.int32), self.user_names),
            "role": dic(cat("role", np.int32), self.roles),
            "action": dic(cat("action", np.int32), list(_ACTIONS)),
            "at": pa.array(at[order], type=pa.int64()).cast(pa.timestamp("us", tz="UTC")),
            "reason": dic(cat("reason", np.int32), self.reasons),
        })
        return AccessSynth(spec=self.s, table=table, answers=self.answers(), injected=sort_breaches(self.expected),
                           tz=self.tz, users=self.users)

    def answers(self) -> dict[str, Any]:
        a = dict(self.c.answers)
        rows = [{"role": r.name, "people": self.role_people[r.name], "reason": r.reason.split(":")[0],
                 "can_listen": True, "can_download": r.can_download, "training_periods_only": r.training_only}
                for r in _ROLES]
        rows.append({"role": "auditor", "people": 1, "reason": "audit of access", "can_listen": True,
                     "can_download": False, "training_periods_only": False})
        a.update({
            "access.roles": rows,
            "access.scope": "training_and_qa_managers",
            "access.logged": True,
            "access.reason_required": True,
            "access.max_recordings_per_agent": self.s.max_recordings_per_agent,
            "access.agent_window_days": self.s.agent_window_days,
            "purpose.purposes": ["training", "quality_assurance", "dispute_evidence"],
        })
        return a

