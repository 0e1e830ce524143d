"""Benchmark: the call-log analysis at 10 million calls (one Parquet file) and 100 million (a folder).

    PYTHONPATH=lib /work/main/.venv/bin/python bench/bench_periods.py [--rows 10000000] [--big 100000000]

Logs are generated once and cached under bench/output/ (gitignored): one file of
--rows calls, and a folder of 13 four-weekly Parquet files with --big calls in all
(a year). Each contender runs in its own subprocess, which reports its wall time
(read, validate, analyse; imports listed apart) and its peak memory (VmHWM: the
process's own high-water mark, VmHWM, which includes DuckDB's memory, as DuckDB runs in-process; ru_maxrss
would also count the parent's memory at the fork).

At --rows the same run measures, on the same file:
* ours (lia.periods: DuckDB SQL to agent-days, then numpy on those);
* a straightforward DuckDB SQL query computing the same per-agent-day and per-team
  facts (no validation); target: ours within 1.5x of it;
* a straightforward pandas analysis (read all, loop per agent), first on a 1-million-row
  sample and on the full file only when that predicts under --baseline-budget seconds,
  else extrapolated, and the output says so.
At --big: ours only; targets under 60 s and under 4 GiB peak on this 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "output"

OURS = r"""
import json, resource, sys, time
ti = time.perf_counter()
from lia.periods.calllog import read_call_log
from lia.periods.limits import Limits
from lia.periods.analysis import analyse
t0 = time.perf_counter()
log = read_call_log(sys.argv[1])
t1 = time.perf_counter()
report = analyse(log, Limits.from_answers(json.load(open(sys.argv[2]))))
t2 = time.perf_counter()
print(json.dumps({"wall": t2 - t0, "read": t1 - t0, "analyse": t2 - t1, "imports": t0 - ti,
                  "maxrss_mib": [int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM:")][0] / 1024,
                  "rows": len(log), "breaches": sorted([b.kind, b.who] for b in report.breaches)}))
"""

# A straightforward DuckDB SQL analysis of the same file: per-agent-day and per-team facts, no validation.
DUCKDB = r"""
import json, resource, sys, time
ti = time.perf_counter()
import duckdb
t0 = time.perf_counter()
answers = json.load(open(sys.argv[2]))
R, G = int(answers["retention.period"][1:-1]), 30
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
src = f"read_parquet('{sys.argv[1]}')"
now = con.execute(f"SELECT greatest(max(start), max(deleted_at), max(consent_withdrawn_at)) FROM {src}").fetchall()[0][0]
con.execute("CREATE TEMP TABLE params AS SELECT ?::TIMESTAMPTZ AS now", [now])
agent_days = con.execute(f'''
    SELECT agent, team, CAST(timezone('Europe/Stockholm', start) AS DATE) AS day, count(*) AS calls,
           count(*) FILTER (recorded) AS recorded_calls,
           count(*) FILTER (recorded AND caller_consent = 'no') AS declined_recorded,
           count(*) FILTER (recorded AND caller_consent = 'not_asked') AS not_asked_recorded
    FROM {src} GROUP BY ALL''').df()
teams = con.execute(f'''
    SELECT team, count(*) AS calls, count(*) FILTER (recorded) AS recorded_calls,
           count(*) FILTER (recorded AND coalesce(deleted_at, (SELECT now FROM params)) > start + INTERVAL {R} DAY) AS kept_past,
           count(*) FILTER (recorded AND consent_withdrawn_at IS NOT NULL) AS withdrawals,
           count(*) FILTER (recorded AND coalesce(deleted_at, (SELECT now FROM params)) > consent_withdrawn_at + INTERVAL {G} DAY) AS late
    FROM {src} GROUP BY team''').df()
t2 = time.perf_counter()
print(json.dumps({"wall": t2 - t0, "imports": t0 - ti, "maxrss_mib": [int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM:")][0] / 1024,
                  "rows": int(agent_days["calls"].sum()), "agent_days": len(agent_days), "teams": len(teams)}))
"""

# A straightforward pandas analysis: read everything, then one pass per agent and per team.
BASELINE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import pandas as pd
answers = json.load(open(sys.argv[2]))
L, M = answers["periods.max_consecutive_days"], answers["periods.max_days_per_month"]
S, R = answers["periods.share_recorded_percent"], int(answers["retention.period"][1:-1])
periods = [(p["group"], pd.Timestamp(p["start"]).date(), pd.Timestamp(p["end"]).date()) for p in answers["periods.training_periods"]]
df = pd.read_parquet(sys.argv[1])
if df["call_id"].duplicated().any():
    raise SystemExit("duplicate call ids")
df["local"] = df["start"].dt.tz_convert("Europe/Stockholm")
now = max(df["start"].max(), df["deleted_at"].max(), df["consent_withdrawn_at"].max())
t1 = time.perf_counter()
breaches = []
for agent in df["agent"].unique():
    sub = df[df["agent"] == agent]
    rec = sub[sub["recorded"]]
    team = sub["team"].iloc[0]
    days = sorted(set(rec["local"].dt.date))
    work = [d for d in days if d.weekday() < 5]
    run, prev = 0, None
    for d in work + [None]:
        nxt = None
        if prev is not None:
            nxt = prev + pd.Timedelta(days=3 if prev.weekday() == 4 else 1)
        if d is not None and d == nxt:
            run += 1
        else:
            if prev is not None and run > L:
                breaches.append(["consecutive_days", agent])
            run = 1
        prev = d
    weeks = {}
    for d in work:
        weeks.setdefault(d.isocalendar()[:2], set()).add(d)
    if any(len(v) == 5 for v in weeks.values()):
        breaches.append(["whole_week", agent])
    months = {}
    for d in days:
        months[(d.year, d.month)] = months.get((d.year, d.month), 0) + 1
    breaches += [["days_per_month", agent] for v in months.values() if v > M]
    if any(not any(g == team and s <= d <= e for g, s, e in periods) for d in days):
        breaches.append(["outside_training_period", agent])
    if ((sub["caller_consent"] == "no") & sub["recorded"]).any():
        breaches.append(["declined_recorded", agent])
for team in df["team"].unique():
    sub = df[df["team"] == team]
    if 100 * sub["recorded"].mean() > S:
        breaches.append(["share_recorded", team])
    rec = sub[sub["recorded"]]
    end = rec["deleted_at"].fillna(now)
    if ((end - rec["start"]) > pd.Timedelta(days=R)).any():
        breaches.append(["retention_exceeded", team])
    w = rec[rec["consent_withdrawn_at"].notna()]
    if ((w["deleted_at"].fillna(now) - w["consent_withdrawn_at"]) > pd.Timedelta(days=30)).any():
        breaches.append(["withdrawal_not_deleted", team])
t2 = time.perf_counter()
print(json.dumps({"wall": t2 - t0, "read": t1 - t0, "analyse": t2 - t1,
                  "maxrss_mib": [int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM:")][0] / 1024,
                  "rows": len(df), "breaches": sorted(breaches)}))
"""


def run(code: str, log: Path, answers: Path, repeat: int = 1) -> dict:
    """Run a contender ``repeat`` times, each in a fresh subprocess; keep the fastest run (the least disturbed)."""
    best = None
    for _ in range(repeat):
        res = subprocess.run([sys.executable, "-c", code, str(log), str(answers)], capture_output=True, text=True,
                             env={"PYTHONPATH": str(ROOT / "lib"), "PATH": "/usr/bin:/bin"})
        if res.returncode:
            raise SystemExit(f"benchmark subprocess failed:\n{res.stderr}")
        out = json.loads(res.stdout.strip().splitlines()[-1])
        out["walls"] = [round(out["wall"], 2)] + (best["walls"] if best else [])
        if best is None or out["wall"] < best["wall"]:
            best = out
        else:
            best["walls"] = out["walls"]
    return best


def ensure_logs(rows: int) -> tuple[Path, Path, Path]:
    """The cached full log, a 1M-row sample of it, and the limits (assessment answers)."""
    import pyarrow.parquet as pq

    sys.path.insert(0, str(ROOT / "lib"))
    from lia.periods.synth import INJECTABLE, generate, write_table_atomic

    full, sample, answers = OUT / f"calls-{rows}.parquet", OUT / f"calls-{rows}-sample-1m.parquet", OUT / f"limits-{rows}.json"
    if not (full.is_file() and sample.is_file() and answers.is_file()):
        t = time.perf_counter()
        g = generate(seed=2025, n_calls=rows, teams=8, agents_per_team=50, weeks=52, inject=INJECTABLE)
        g.write_parquet(full)
        # the sample: every 10th call, so it spans the same agents and dates as the full log
        step = max(1, g.table.num_rows // 1_000_000)
        import numpy as np

        write_table_atomic(sample, lambda tmp: pq.write_table(g.table.take(np.arange(0, g.table.num_rows, step)), tmp))
        write_table_atomic(answers, lambda tmp, a=g.answers: Path(tmp).write_text(json.dumps(a), encoding="utf-8"))
        print(f"generated {g.table.num_rows:,} calls in {time.perf_counter() - t:.1f} s -> {full}")
    return full, sample, answers


def ensure_folder(rows: int, parts: int = 13) -> tuple[Path, Path]:
    """A folder of ``parts`` four-weekly Parquet files with ``rows`` calls in all (a year), and its limits."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    sys.path.insert(0, str(ROOT / "lib"))
    from datetime import date, timedelta

    from lia.periods.synth import generate, write_table_atomic

    folder, answers = OUT / f"calls-{rows}-folder", OUT / f"limits-{rows}-folder.json"
    done = folder / ".complete"
    if done.is_file() and answers.is_file():
        return folder, answers
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    for k in range(parts):
        path = folder / f"calls-2025-p{k + 1:02d}.parquet"
        if path.is_file():
            continue
        g = generate(seed=3000 + k, n_calls=rows // parts, teams=8, agents_per_team=50, weeks=4,
                     start=date(2025, 1, 6) + timedelta(weeks=4 * k))
        ids = pc.binary_join_element_wise(f"P{k + 1:02d}", g.table["call_id"], "")  # unique across the files
        table = g.table.set_column(0, "call_id", ids)
        write_table_atomic(path, lambda tmp, t=table: pq.write_table(t, tmp, compression="zstd"))
        if k == 0:
            write_table_atomic(answers, lambda tmp, a=g.answers: Path(tmp).write_text(json.dumps(a), encoding="utf-8"))
        del g, table, ids
        print(f"  generated {path.name} ({time.perf_counter() - t:.0f} s so far)", flush=True)
    done.write_text("ok")
    return folder, answers


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--big", type=int, default=100_000_000, help="calls in the folder run (0: skip it)")
    ap.add_argument("--baseline-budget", type=float, default=300.0,
                    help="run the baseline on the full log only if the sample predicts less than this (seconds)")
    ap.add_argument("--repeat", type=int, default=2, help="runs per contender; the fastest counts (default 2)")
    ap.add_argument("--skip-small", action="store_true", help="only the folder run")
    args = ap.parse_args()
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print(f"load average at start {' '.join(load)} on {__import__('os').cpu_count()} cores; best of {args.repeat} runs")
    if not args.skip_small:
        small(args)
    if args.big:
        folder, answers = ensure_folder(args.big)
        size = sum(p.stat().st_size for p in folder.glob("*.parquet"))
        big = run(OURS, folder, answers, 1)
        print(f"folder: {folder.name}, {big['rows']:,} calls in {len(list(folder.glob('*.parquet')))} Parquet files, "
              f"{size / 2**20:,.0f} MiB")
        print(f"lia.periods at {big['rows']:,} calls: wall {big['wall']:.2f} s (read+validate {big['read']:.2f} s, "
              f"analyse {big['analyse']:.2f} s; imports {big['imports']:.2f} s apart), peak memory "
              f"{big['maxrss_mib']:,.0f} MiB, {len(big['breaches'])} breaches")
        print(f"targets at {big['rows']:,}: < 60 s {'OK' if big['wall'] < 60 else 'MISSED'}, < 4 GiB peak "
              f"{'OK' if big['maxrss_mib'] < 4096 else 'MISSED'}")
        with open("/proc/loadavg") as f:
            print(f"load average at the end {' '.join(f.read().split()[:3])}")


def small(args: argparse.Namespace) -> None:
    full, sample, answers = ensure_logs(args.rows)
    ours = run(OURS, full, answers, args.repeat)
    duck = run(DUCKDB, full, answers, args.repeat)
    base_s = run(BASELINE, sample, answers)
    predicted = base_s["wall"] * ours["rows"] / base_s["rows"]
    if predicted <= args.baseline_budget:
        base = run(BASELINE, full, answers, args.repeat)
        base_wall, base_note = base["wall"], "measured on the full log"
        base_rss = f"{base['maxrss_mib']:,.0f} MiB"
        agree = {tuple(x) for x in base["breaches"]} == {tuple(x) for x in ours["breaches"]}
    else:
        base_wall = predicted
        base_note = (f"EXTRAPOLATED linearly from a {base_s['rows']:,}-row sample measured at {base_s['wall']:.1f} s "
                     f"(x {ours['rows'] / base_s['rows']:.1f})")
        base_rss = f"{base_s['maxrss_mib']:,.0f} MiB on the sample (not extrapolated)"
        agree = None
    print(f"log: {full.name}, {ours['rows']:,} calls, {full.stat().st_size / 2**20:,.0f} MiB Parquet")
    print(f"lia.periods (DuckDB SQL to agent-days + numpy): wall {ours['wall']:.2f} s (read+validate {ours['read']:.2f} s, "
          f"analyse {ours['analyse']:.2f} s; imports {ours['imports']:.2f} s apart), peak memory "
          f"{ours['maxrss_mib']:,.0f} MiB, {len(ours['breaches'])} breaches; all runs {ours['walls']} s")
    print(f"plain DuckDB SQL (same agent-day and team facts, no validation): wall {duck['wall']:.2f} s "
          f"(imports {duck['imports']:.2f} s apart), peak memory {duck['maxrss_mib']:,.0f} MiB, "
          f"{duck['agent_days']:,} agent-days; all runs {duck['walls']} s")
    ratio = ours["wall"] / duck["wall"]
    print(f"ours / plain DuckDB SQL: {ratio:.2f}x (target <= 1.5x: {'OK' if ratio <= 1.5 else 'MISSED'})")
    print(f"pandas baseline (read all, loop per agent): wall {base_wall:.2f} s [{base_note}], peak memory {base_rss}"
          + (f"; all runs {base['walls']} s" if agree is not None else ""))
    print(f"speed-up over pandas: {base_wall / ours['wall']:.1f}x   "
          f"earlier targets at {ours['rows']:,}: < 10 s {'OK' if ours['wall'] < 10 else 'MISSED'}, < 4 GiB "
          f"{'OK' if ours['maxrss_mib'] < 4096 else 'MISSED'}, >= 5x {'OK' if base_wall / ours['wall'] >= 5 else 'MISSED'}")
    if agree is not None:
        print(f"baseline finds the same (kind, agent/team) breaches: {'yes' if agree else 'NO'}")


if __name__ == "__main__":
    main()
