"""Benchmark: check 20 million access events against 10 million calls, beside a plain pandas baseline.

    PYTHONPATH=lib python bench/bench_access.py [--calls 10000000] [--events 20000000]

The call log and the access log (with every kind of planted breach) are generated once
and cached under bench/output/ (gitignored), with a sample: every 10th call and the
access events that refer to those calls. Each contender runs in its own subprocess,
which reports its wall time (imports, read and validate both logs, analyse) and its
peak memory (ru_maxrss, which includes DuckDB's buffers). lia.access runs DuckDB
with memory_limit 2GB and 2 threads. The baseline reads both files into pandas,
merges them and computes the same facts with group-bys and a loop per user and
agent; it runs on the sample, where lia.access runs too, so the ratio compares the
same work, and both must find the same (kind, role, user, agent) breaches.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "output"

OURS = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from lia.access.analysis import analyse, load_calls
from lia.access.limits import AccessLimits
from lia.access.log import read_access_log
from lia.periods.calllog import read_call_log
calls = read_call_log(sys.argv[2])  # validated first (as lia access does), freed before DuckDB fills up
del calls
t1 = time.perf_counter()
log = read_access_log(sys.argv[1], memory_limit="2GB", threads=2)
load_calls(log.con, sys.argv[2], validate=False)
t2 = time.perf_counter()
rep = analyse(log, AccessLimits.from_answers(json.load(open(sys.argv[3]))), calls=True, tz="Europe/Stockholm")
t3 = time.perf_counter()
log.close()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"wall": t3 - t0, "calls": t1 - t0, "read": t2 - t1, "analyse": t3 - t2, "rows": log.rows,
                  "cpu": ru.ru_utime + ru.ru_stime,
                  "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "breaches": sorted(set(b.key for b in rep.breaches))}))
"""

# Plain pandas: read everything, merge, then group-bys and a loop per (user, agent).
BASELINE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import numpy as np, pandas as pd
A = json.load(open(sys.argv[3]))
roles = {r["role"].lower(): r for r in A["access.roles"]}
purposes = set(A["purpose.purposes"]); N = A["access.max_recordings_per_agent"]; D = A["access.agent_window_days"]
ret = pd.Timedelta(days=int(A["retention.period"][1:-1]))
periods = [(p["group"].lower(), pd.Timestamp(p["start"]).date(), pd.Timestamp(p["end"]).date()) for p in A["periods.training_periods"]]
ev = pd.read_parquet(sys.argv[1]); calls = pd.read_parquet(sys.argv[2])
for c in ("user", "role", "action", "reason"):
    ev[c] = ev[c].astype(object)
for c in ("agent", "team", "caller_consent"):
    calls[c] = calls[c].astype(object)
if ev["event_id"].duplicated().any() or calls["call_id"].duplicated().any():
    raise SystemExit("duplicate ids")
ev["role_key"] = ev["role"].str.lower()
local = ev["at"].dt.tz_convert("Europe/Stockholm")
ev["month"] = local.dt.strftime("%Y-%m"); ev["day"] = local.dt.date
ev["purpose"] = ev["reason"].str.split(":").str[0].str.strip().str.lower()
m = ev.merge(calls, left_on="recording_id", right_on="call_id", how="left")
t1 = time.perf_counter()
B = set()
for rk, g in m.groupby("role_key"):
    if rk not in roles:
        B.add(("undeclared_role", rk, "", "")); continue
    r = roles[rk]
    if (g.groupby("month")["user"].nunique() > r["people"]).any():
        B.add(("too_many_users", rk, "", ""))
    if not r["can_download"]:
        for u in g[g["action"].isin(["download", "export", "share"])]["user"].unique():
            B.add(("download_not_allowed", rk, u, ""))
for (u, rk), g in m[m["purpose"].notna() & ~m["purpose"].isin(purposes) & m["purpose"].isin(
        ["training", "quality_assurance", "dispute_evidence", "legal_obligation", "fraud_prevention",
         "customer_analytics", "performance_evaluation", "ai_model_training"])].groupby(["user", "role_key"]):
    B.add(("undeclared_purpose", rk, u, ""))
known = m["call_id"].notna() & (m["action"] != "delete")
kind = pd.Series(None, index=m.index, dtype=object)
conds = [("declined_caller", m["caller_consent"] == "no"), ("not_recorded", m["recorded"] == False),
         ("after_deletion", m["at"] > m["deleted_at"]), ("after_withdrawal", m["at"] > m["consent_withdrawn_at"]),
         ("after_retention", m["at"] > m["start"] + ret)]
for name, c in reversed(conds):
    kind[known & c.fillna(False)] = name
for (k, u, rk), g in m[kind.notna()].assign(kind=kind[kind.notna()]).groupby(["kind", "user", "role_key"]):
    ags = g["agent"].unique()
    B.add((k, rk, u, ags[0] if len(ags) == 1 else ""))
use = m[m["agent"].notna() & (m["action"] != "delete")]
first = use.groupby(["user", "agent", "recording_id"])["at"].min().reset_index()
for (u, ag), g in first.groupby(["user", "agent"]):
    t = np.sort(g["at"].values.astype("datetime64[us]").astype(np.int64))
    lo, best = 0, 0
    for hi in range(len(t)):
        while t[hi] - t[lo] > (D - 1) * 86_400_000_000 + 86_399_999_999:
            lo += 1
        best = max(best, hi - lo + 1)
    if best > N:
        B.add(("agent_concentration", use[(use["user"] == u)]["role_key"].iloc[0], u, ag))
troles = [k for k, r in roles.items() if r.get("training_periods_only")]
tr = use[use["role_key"].isin(troles)]
inside = np.zeros(len(tr), dtype=bool)
for g, s, e in periods:
    inside |= ((tr["team"].str.lower() == g) | (tr["agent"].str.lower() == g) | (g in ("*", "all"))).values & \
              (tr["day"] >= s).values & (tr["day"] <= e).values
for (u, rk, ag), _ in tr[~inside].groupby(["user", "role_key", "agent"]):
    B.add(("listened_outside_training", rk, u, ag))
t2 = time.perf_counter()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"wall": t2 - t0, "read": t1 - t0, "analyse": t2 - t1, "rows": len(ev), "cpu": ru.ru_utime + ru.ru_stime,
                  "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "breaches": sorted(B)}))
"""


def run(code: str, events: Path, calls: Path, answers: Path, repeat: int = 1) -> dict:
    """Run a contender ``repeat`` times in fresh subprocesses; keep the fastest (the least disturbed)."""
    best, walls = None, []
    for _ in range(repeat):
        res = subprocess.run([sys.executable, "-c", code, str(events), str(calls), str(answers)], capture_output=True,
                             text=True, env={"PYTHONPATH": str(ROOT / "lib"), "PATH": "/usr/bin:/bin", "HOME": "/tmp"})
        if res.returncode:
            raise SystemExit(f"benchmark subprocess failed:\n{res.stderr[-3000:]}")
        out = json.loads(res.stdout.strip().splitlines()[-1])
        walls.append(round(out["wall"], 2))
        if best is None or out["wall"] < best["wall"]:
            best = out
    best["walls"] = walls
    return best


def ensure_logs(n_calls: int, n_events: int) -> dict[str, Path]:
    """The cached call log and access log, their samples, and the assessment answers."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    sys.path.insert(0, str(ROOT / "lib"))
    from lia.access.synth import INJECTABLE, generate_access
    from lia.periods.synth import generate, write_table_atomic

    tag = f"{n_calls}-{n_events}"
    f = {"calls": OUT / f"access-calls-{tag}.parquet", "events": OUT / f"access-events-{tag}.parquet",
         "calls_s": OUT / f"access-calls-{tag}-sample.parquet", "events_s": OUT / f"access-events-{tag}-sample.parquet",
         "answers": OUT / f"access-answers-{tag}.json"}
    if all(p.is_file() for p in f.values()):
        return f
    t = time.perf_counter()
    calls = generate(seed=2026, n_calls=n_calls, teams=8, agents_per_team=50, weeks=52,
                     inject=("declined_recorded", "withdrawal_not_deleted"))
    acc = generate_access(calls, seed=2026, events=n_events, inject=INJECTABLE)
    calls.write_parquet(f["calls"])
    acc.write_parquet(f["events"])
    keep = calls.table.take(pa.array(np.arange(0, calls.table.num_rows, 10)))
    write_table_atomic(f["calls_s"], lambda tmp: pq.write_table(keep, tmp, compression="zstd"))
    mask = pc.is_in(acc.table["recording_id"], value_set=keep["call_id"].combine_chunks())
    write_table_atomic(f["events_s"], lambda tmp: pq.write_table(acc.table.filter(mask), tmp, compression="zstd"))
    write_table_atomic(f["answers"], lambda tmp: Path(tmp).write_text(json.dumps(acc.answers), encoding="utf-8"))
    print(f"generated {calls.table.num_rows:,} calls and {acc.table.num_rows:,} access events "
          f"({len(acc.injected)} planted breaches) in {time.perf_counter() - t:.1f} s")
    return f


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=10_000_000)
    ap.add_argument("--events", type=int, default=20_000_000)
    ap.add_argument("--repeat", type=int, default=1, help="runs per contender on the full logs; the fastest counts")
    ap.add_argument("--skip-full", action="store_true", help="only the sample (lia.access and the baseline)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    f = ensure_logs(args.calls, args.events)
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[:3]
    ours_s = run(OURS, f["events_s"], f["calls_s"], f["answers"])
    ours = ours_s if args.skip_full else run(OURS, f["events"], f["calls"], f["answers"], args.repeat)
    base_s = run(BASELINE, f["events_s"], f["calls_s"], f["answers"])
    agree = {tuple(x) for x in base_s["breaches"]} == {tuple(x) for x in ours_s["breaches"]}
    ratio = base_s["wall"] / ours_s["wall"]
    print(f"logs: {ours['rows']:,} access events ({f['events'].stat().st_size / 2**20:,.0f} MiB Parquet) against "
          f"{args.calls:,} calls ({f['calls'].stat().st_size / 2**20:,.0f} MiB); load average at start "
          f"{' '.join(load)} on {os.cpu_count()} cores")
    print(f"lia.access (DuckDB, 2 threads, memory_limit 2GB): wall {ours['wall']:.2f} s (validate call log "
          f"{ours['calls']:.2f} s, read+validate access log and load calls {ours['read']:.2f} s, analyse "
          f"{ours['analyse']:.2f} s), "
          f"CPU {ours['cpu']:.1f} s, peak memory {ours['maxrss_mib']:,.0f} MiB, {len(ours['breaches'])} breaches; "
          f"runs {ours['walls']} s")
    print(f"sample ({ours_s['rows']:,} events against every 10th call): lia.access {ours_s['wall']:.2f} s, "
          f"CPU {ours_s['cpu']:.1f} s, {ours_s['maxrss_mib']:,.0f} MiB; pandas baseline {base_s['wall']:.2f} s "
          f"(read+merge {base_s['read']:.2f} s), CPU {base_s['cpu']:.1f} s, {base_s['maxrss_mib']:,.0f} MiB; "
          f"ratio {ratio:.1f}x (CPU {base_s['cpu'] / ours_s['cpu']:.1f}x)")
    print(f"targets: < 20 s {'OK' if ours['wall'] < 20 else 'MISSED'}, < 4 GiB "
          f"{'OK' if ours['maxrss_mib'] < 4096 else 'MISSED'}; baseline finds the same breaches on the sample: "
          f"{'yes' if agree else 'NO'}")
    if not agree:
        print("  only lia.access:", sorted({tuple(x) for x in ours_s["breaches"]} - {tuple(x) for x in base_s["breaches"]})[:10])
        print("  only baseline:", sorted({tuple(x) for x in base_s["breaches"]} - {tuple(x) for x in ours_s["breaches"]})[:10])


if __name__ == "__main__":
    main()
