"""lia show ID [--version N] [--json] [--lang L]"""

from __future__ import annotations

import argparse

from ..i18n import LANGS
from ._common import add_version_arg, print_json

HELP = "show a version of an assessment: metadata and answers"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="assessment id")
    add_version_arg(p)
    p.add_argument("--json", action="store_true", help="print the stored version record as JSON")
    p.add_argument("--lang", choices=LANGS, default="en", help="language of question texts")


def run(args: argparse.Namespace, ws) -> int:
    from ..i18n import text
    from ..model import format_value
    from ..questionnaire import load_questionnaires
    from ..store import Store

    v = Store(ws).load(args.id, args.version)
    if args.json:
        print_json(v.record())
        return 0
    a = v.assessment
    print(f"{a['title']}  [{a['id']}]")
    print(f"  version {v.number} by {v.author} at {v.time}: {v.message}")
    print(f"  status {a['status']}; jurisdictions {', '.join(a['jurisdictions'])}; owner {a.get('owner') or '—'}; "
          f"review {a.get('review_date') or '—'}")
    if a.get("controller"):
        print(f"  controller {a['controller']}")
    qset = load_questionnaires()
    for qn, section in qset.sections:
        rows = [(q, v.answers[q.id]) for q in section.questions if q.id in v.answers]
        if not rows:
            continue
        print(f"\n{text(section.title, args.lang)}")
        for q, value in rows:
            print(f"  {q.id}: {format_value(q, value, args.lang)}")
    unknown = [k for k in v.answers if k not in qset.questions]
    if unknown:
        print("\nAnswers to questions no longer in the questionnaire: " + ", ".join(unknown))
    return 0
