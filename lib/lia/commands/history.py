"""lia history ID"""

from __future__ import annotations

import argparse

from ._common import print_json

HELP = "list the saved versions of an assessment"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="assessment id")
    p.add_argument("--json", action="store_true", help="print as JSON")


def run(args: argparse.Namespace, ws) -> int:
    from ..store import Store

    versions = Store(ws).history(args.id)
    if args.json:
        print_json([{k: v.record()[k] for k in ("number", "digest", "parent", "author", "time", "message")} for v in versions])
        return 0
    for v in versions:
        print(f"{v.number:>4}  {v.time}  {v.author:<20}  {v.assessment['status']:<10} {v.message}")
    return 0
