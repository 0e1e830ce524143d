"""Batch rendering with the warm engine against a per-report `papermill` + `jupyter nbconvert` loop.

Renders the same N assessments (default 20) twice in one run, into the same
workspace, and checks that both produce the same executed notebook and the
same HTML (notebooks compared after removing papermill's timings and the
random id of the injected-parameters cell, the same normalisation `lia render`
applies before writing report.ipynb):

* batch:    lia.reports.render.render_many with the lia-warm engine (a pool of warm
            kernels, one per core; HTML exporter created once, in-process);
* baseline: for each assessment, the `papermill` CLI, then
            `jupyter nbconvert --to html` with the same template settings.

PDF printing is not part of this benchmark (both sides would pay the same
Chromium cost per page; render_many's pdf=False). It then signs one report and
times `verify` (in-process, warm and first call, and the `lia verify` command).

Run:  PYTHONPATH=lib python bench/bench_render.py [--n 20] [--workers 2]
Targets: batch >= 10x faster than the baseline; verify of one report < 0.2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))


def make_workspace(home: Path, n: int) -> list[str]:
    """The example assessment plus n-1 copies of its answers under other ids and jurisdictions."""
    from lia.example import EXAMPLE_ID, ensure_example
    from lia.store import Store
    from lia.workspace import Workspace

    home.mkdir(parents=True)
    ws = Workspace(home)
    ensure_example(ws)
    store = Store(ws)
    head = store.load(EXAMPLE_ID)
    ids = [EXAMPLE_ID]
    jur = [["EU", "SE"], ["EU", "NO"], ["EU", "SE", "NO"], ["EU"]]
    for i in range(1, n):
        aid = f"bench-{i:02d}"
        meta = {**head.assessment, "id": aid, "title": f"{head.assessment['title']} ({i})",
                "jurisdictions": jur[i % len(jur)], "status": "draft"}
        store.create(meta, author="bench", message="benchmark copy", answers=head.answers)
        ids.append(aid)
    return ids


def normalized_notebook(path: Path) -> bytes:
    import nbformat

    from lia.reports.exporter import normalize_notebook

    nb = nbformat.read(str(path), as_version=4)
    return nbformat.writes(normalize_notebook(nb)).encode()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20, help="assessments (default 20)")
    ap.add_argument("--workers", type=int, default=None, help="kernels for the batch (default: cores)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary workspace")
    args = ap.parse_args()

    from lia.paths import templates_dir
    from lia.reports.exporter import nbconvert_cli_args
    from lia.reports.render import RenderJob, render_many
    from lia.workspace import Workspace

    tdir = templates_dir()
    tmp = Path(tempfile.mkdtemp(prefix="bench-render-"))
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "lib") + os.pathsep + env.get("PYTHONPATH", "")
    try:
        home = tmp / "ws"
        ids = make_workspace(home, args.n)
        ws = Workspace(home)
        workers = args.workers or os.cpu_count() or 1
        print(f"{len(ids)} assessments, {workers} worker kernel(s), templates {tdir}")

        # --- batch: warm engine ----------------------------------------------------------
        t0 = time.perf_counter()
        results = render_many(ws, [RenderJob(aid) for aid in ids], workers=workers, pdf=False, progress=True)
        t_batch = time.perf_counter() - t0
        failed = [r.error for r in results if r.error]
        if failed:
            print("batch failures:", *failed, sep="\n  ")
            return 1

        # --- baseline: papermill CLI + nbconvert CLI per assessment -------------------------
        bin_dir = Path(sys.executable).parent
        base_dir = tmp / "baseline"
        t0 = time.perf_counter()
        for i, r in enumerate(results, 1):
            out = base_dir / r.aid
            out.mkdir(parents=True)
            nb = out / "report.ipynb"
            subprocess.run([str(bin_dir / "papermill"), str(tdir / "report.ipynb"), str(nb), "-k", "python3",
                            "-p", "assessment_id", r.aid, "-p", "version", str(r.version), "-p", "home", str(home),
                            "-p", "lang", "en", "-p", "templates", str(tdir), "--no-progress-bar"],
                           check=True, env=env, capture_output=True)
            subprocess.run([str(bin_dir / "jupyter"), "nbconvert", "--to", "html", *nbconvert_cli_args(tdir, "en"),
                            "--output", "report", str(nb)], check=True, env=env, capture_output=True)
            print(f"\rbaseline {i}/{len(results)}", end="", flush=True)
        print()
        t_base = time.perf_counter() - t0

        # --- same outputs? -----------------------------------------------------------------
        diffs = []
        for r in results:
            assert r.dir is not None
            b = base_dir / r.aid
            if normalized_notebook(r.dir / "report.ipynb") != normalized_notebook(b / "report.ipynb"):
                diffs.append(f"{r.aid}: report.ipynb")
            if (r.dir / "report.html").read_bytes() != (b / "report.html").read_bytes():
                diffs.append(f"{r.aid}: report.html")
        print(f"outputs identical: {'yes' if not diffs else 'NO'}"
              + ("" if not diffs else "\n  " + "\n  ".join(diffs)))

        # --- verify ------------------------------------------------------------------------
        from lia.reports.keylog import new_key
        from lia.reports.signing import sign_report, verify_report

        report = results[0].dir
        os.environ["XDG_CONFIG_HOME"] = env["XDG_CONFIG_HOME"] = str(tmp / "config")  # pin the root here, not in ~/.config
        k = new_key(ws, "bench-dpo", "dpo", tmp / "keys")
        sign_report(ws, report, Path(k["private_key"]))
        t0 = time.perf_counter()
        res = verify_report(ws, report)
        t_verify_first = time.perf_counter() - t0
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            verify_report(ws, report)
            runs.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        cli = subprocess.run([sys.executable, "-m", "lia", "--home", str(home), "verify", str(report)], env=env,
                             capture_output=True, text=True)
        t_cli = time.perf_counter() - t0
        assert res.exit_code == 0 and cli.returncode == 0, (res.to_json(), cli.stdout, cli.stderr)

        print()
        print(f"batch (lia-warm, {workers} kernels): {t_batch:7.1f} s  ({t_batch / len(ids):.2f} s per report)")
        print(f"baseline (papermill + nbconvert CLI): {t_base:7.1f} s  ({t_base / len(ids):.2f} s per report)")
        print(f"ratio: {t_base / t_batch:.1f}x  (target >= 10x)")
        print(f"verify one report: {t_verify_first * 1000:.0f} ms first call, {min(runs) * 1000:.0f} ms warm; "
              f"`lia verify` command {t_cli * 1000:.0f} ms wall (target < 200 ms)")
        print("PDF printing is not part of this benchmark.")
        return 0 if not diffs else 1
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
