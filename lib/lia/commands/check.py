"""lia check [ID]"""

from __future__ import annotations

import argparse

HELP = "verify the integrity of stored versions (digests and chain); non-zero exit if anything was altered"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", nargs="?", help="one assessment (default: every assessment in the workspace)")
    p.add_argument("--clean", action="store_true", help="also remove temporary files left by interrupted saves")


def run(args: argparse.Namespace, ws) -> int:
    from ..store import Store

    store = Store(ws)
    ids = [args.id] if args.id else store.ids()
    problems = store.check(ids)
    versions = sum(len(store.numbers(i)) for i in ids)
    for aid in ids:
        strays = store.stray_files(aid)
        if strays and args.clean:
            for p in strays:
                p.unlink(missing_ok=True)
            print(f"{aid}: removed {len(strays)} temporary file(s) left by interrupted saves")
        elif strays:
            print(f"{aid}: {len(strays)} temporary file(s) left by interrupted saves (harmless; `lia check --clean` removes them)")
    if problems:
        print(f"INTEGRITY CHECK FAILED: {len(problems)} problem(s) in {len(ids)} assessment(s):")
        for p in problems:
            print(f"  - {p.where}: {p.message}")
        return 1
    print(f"OK: {len(ids)} assessment(s), {versions} version(s); every digest and parent link matches.")
    return 0
