"""lia diff ID A B"""

from __future__ import annotations

import argparse

from ._common import positive_int, print_json

HELP = "show question by question what changed between two versions"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="assessment id")
    p.add_argument("a", type=positive_int, help="the older version number")
    p.add_argument("b", type=positive_int, help="the newer version number")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.add_argument("--lang", choices=["en", "sv", "nb"], default="en", help="language of question texts")


def run(args: argparse.Namespace, ws) -> int:
    from ..model import change_lines
    from ..questionnaire import load_questionnaires
    from ..store import Store

    changes = Store(ws).diff(args.id, args.a, args.b)
    if args.json:
        print_json([{"where": c.where, "kind": c.kind, "old": c.old, "new": c.new} for c in changes])
        return 0
    if not changes:
        print(f"Versions {args.a} and {args.b} of {args.id} have the same answers and metadata.")
        return 0
    qset = load_questionnaires()
    order = {qid: i for i, qid in enumerate(qset.questions)}
    changes.sort(key=lambda c: (not c.where.startswith("assessment."), order.get(c.where, len(order))))
    print(f"{args.id}: {len(changes)} change(s) from version {args.a} to {args.b}")
    sign = {"added": "+", "removed": "-", "changed": "~"}
    for c in changes:
        lines = change_lines(qset.get(c.where), c.kind, c.old, c.new, args.lang)
        if len(lines) == 1 and lines[0][:2] not in ("+ ", "- ", "~ "):
            print(f" {sign[c.kind]} {c.where}: {lines[0]}")
        else:
            print(f" {sign[c.kind]} {c.where}:")
            for line in lines:
                print(f"     {line}")
    return 0
