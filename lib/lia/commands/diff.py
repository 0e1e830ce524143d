"""lia diff ID A B"""

from __future__ import annotations

import argparse

from ..i18n import LANGS
from ._common import positive_int, print_json

HELP = "show question by question what changed between two versions"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="assessment id")
    p.add_argument("a", type=positive_int, help="the older version number")
    p.add_argument("b", type=positive_int, help="the newer version number")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.add_argument("--lang", choices=LANGS, default="en", help="language of the output (texts, values)")


def run(args: argparse.Namespace, ws) -> int:
    from ..reports.changes import describe_answer_changes
    from ..i18n import shipped_text as t
    from ..model import change_lines
    from ..questionnaire import load_questionnaires
    from ..store import Store

    changes = Store(ws).diff(args.id, args.a, args.b)
    if args.json:
        # the stored values, and the question and values as people read them in --lang
        print_json([{"where": c["question"], "kind": c["kind"], "old": c["old"], "new": c["new"], "text": c["text"],
                     "old_text": c["old_text"], "new_text": c["new_text"]}
                    for c in describe_answer_changes(changes, args.lang)])
        return 0
    if not changes:
        print(t("reports", "diff.same", args.lang, a=args.a, b=args.b, id=args.id))
        return 0
    qset = load_questionnaires()
    order = {qid: i for i, qid in enumerate(qset.questions)}
    changes.sort(key=lambda c: (not c.where.startswith("assessment."), order.get(c.where, len(order))))
    print(t("reports", "diff.header", args.lang, id=args.id, n=len(changes), a=args.a, b=args.b))
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
