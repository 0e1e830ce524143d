"""lia check [ID] [--clean]"""

from __future__ import annotations

import argparse

HELP = "verify the integrity of stored versions (digests and chain) and attached evidence; non-zero exit if anything was altered"
DESCRIPTION = """\
Recomputes the digest of every stored version and its link to its parent, and the digest of each
assessment's attached call-log evidence (assessments/ID/evidence/periods.json, recorded by
`lia periods ID --log FILE --attach`). Exits 1 when anything was altered.

It also lists what interrupted work left behind: temporary files of saves, and unfinished render
folders (reports/ID/.tmp-*) whose `lia render` process is gone, with the kernels it left running.
--clean removes them and says what it removed; a render still running is never touched.
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", nargs="?", help="one assessment (default: every assessment in the workspace)")
    p.add_argument("--clean", action="store_true",
                   help="also remove temporary files of interrupted saves, and unfinished render folders whose "
                        "process is gone (stopping the kernels they left running)")


def run(args: argparse.Namespace, ws) -> int:
    from .. import leftovers
    from ..errors import LiaError
    from ..periods.evidence import evidence_path, load_evidence
    from ..store import Store

    store = Store(ws)
    ids = [args.id] if args.id else store.ids()
    problems = [f"{p.where}: {p.message}" for p in store.check(ids)]
    versions = sum(len(store.numbers(i)) for i in ids)
    evidence = 0
    for aid in ids:
        path = evidence_path(ws, aid)
        if path.exists() or path.is_symlink():
            evidence += 1
            try:
                load_evidence(ws, aid)
            except LiaError as err:
                problems.append(f"{aid} evidence: {err}")
    for aid in ids:
        strays = store.stray_files(aid)
        if strays and args.clean:
            for p in strays:
                p.unlink(missing_ok=True)
            print(f"{aid}: removed {len(strays)} temporary file(s) left by interrupted saves")
        elif strays:
            print(f"{aid}: {len(strays)} temporary file(s) left by interrupted saves (harmless; `lia check --clean` removes them)")
    for left in leftovers.render_leftovers(ws, [args.id] if args.id else None):
        kernels = ", ".join(str(k) for k in left.kernels)
        if args.clean:
            leftovers.remove(left)
            print(f"removed {left.path}: an unfinished render by process {left.pid}, which is gone"
                  + (f"; stopped its orphan kernel process(es) {kernels}" if kernels else ""))
        else:
            print(f"{left.path}: an unfinished render by process {left.pid}, which is gone"
                  + (f", with orphan kernel process(es) {kernels} still running" if kernels else "")
                  + " (`lia check --clean` removes it)")
    if problems:
        print(f"INTEGRITY CHECK FAILED: {len(problems)} problem(s) in {len(ids)} assessment(s):")
        for p in problems:
            print(f"  - {p}")
        return 1
    ev = f", {evidence} attached evidence file(s)" if evidence else ""
    print(f"OK: {len(ids)} assessment(s), {versions} version(s){ev}; every digest and parent link matches.")
    return 0
