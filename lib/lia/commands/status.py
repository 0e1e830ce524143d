"""lia status [--json]"""

from __future__ import annotations

import argparse

from ._common import print_json

HELP = "list every report as current, stale (and why) or superseded"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print as JSON")


def run(args: argparse.Namespace, ws) -> int:
    from ..reports.status import report_status
    from ..store import Store

    rows = report_status(ws)
    rendered = {r.aid for r in rows}
    unrendered = [aid for aid in Store(ws).ids() if aid not in rendered]
    if args.json:
        print_json({"reports": [r.to_json() for r in rows], "unrendered": unrendered})
        return 0
    if not rows:
        print(f"no reports in {ws.reports_dir}; render one with `lia render ID`")
    for r in rows:
        rel = f"{r.dir.parent.name}/{r.dir.name}"
        signed = "signed" if r.signed else "unsigned"
        print(f"{r.state.upper():10} {rel:40} {signed}")
        if r.state in ("stale", "broken"):
            for reason in r.reasons:
                print(f"           - {reason}")
    for aid in unrendered:
        print(f"{'NO REPORT':10} {aid}")
    stale = sum(r.state == "stale" for r in rows)
    if stale:
        print(f"{stale} stale report(s); re-render them with `lia render --stale`")
    return 0
