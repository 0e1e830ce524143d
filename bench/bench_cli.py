"""How fast does `lia` start? Compares `lia --help` with bare Python and with importing papermill.

Prints each median over several runs and the ratios. Target: `lia --help` under 0.3 s.
Run: .venv/bin/python bench/bench_cli.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def median_seconds(cmd: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "lib"))
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    py = sys.executable
    # An installed lia has its bytecode compiled by pip; a checkout run with PYTHONPATH=lib (or with
    # PYTHONDONTWRITEBYTECODE set) would otherwise compile every module on every start.
    subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "lib")], check=True)
    bare = median_seconds([py, "-c", "pass"])
    help_ = median_seconds([py, "-m", "lia", "--help"])
    papermill = median_seconds([py, "-c", "import papermill"])
    print(f"python -c pass          {bare * 1000:7.0f} ms")
    print(f"lia --help              {help_ * 1000:7.0f} ms   ({help_ / bare:.1f}x bare python; target < 300 ms)")
    print(f"python -c 'import papermill' {papermill * 1000:5.0f} ms   (lia --help is {papermill / help_:.1f}x faster)")
    ok = help_ < 0.3
    print("RESULT: " + ("PASS" if ok else "FAIL") + f" lia --help {help_:.3f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
