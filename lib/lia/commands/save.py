"""lia save ID --answers FILE --message TEXT [--author NAME] [--parent N] [--merge]"""

from __future__ import annotations

import argparse

from ._common import positive_int

HELP = "save a new version of an assessment's answers from a YAML or JSON file"
DESCRIPTION = """\
Save a new version. FILE is YAML or JSON: either a mapping of question ids to answers, or a
mapping with `answers:` (and optionally `assessment:` to change metadata such as status),
such as the output of `lia show ID --json`. Nothing is overwritten: every save adds a version.
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="assessment id")
    p.add_argument("--answers", required=True, metavar="FILE", help="YAML or JSON file with the answers")
    p.add_argument("--message", "-m", required=True, help="what changed and why")
    p.add_argument("--author", help="who saves (default: $LIA_AUTHOR or your login name)")
    p.add_argument("--parent", type=positive_int, metavar="N", help="refuse the save unless version N is still the newest")
    p.add_argument("--merge", action="store_true", help="apply FILE on top of the parent's answers instead of replacing them")


def run(args: argparse.Namespace, ws) -> int:
    from ..answers_file import read_answers_file
    from ..store import Store

    store = Store(ws)
    answers, meta = read_answers_file(args.answers)
    if args.merge:
        base = store.load(args.id, args.parent) if args.parent else store.load(args.id)
        answers = {**base.answers, **answers}
    v = store.save(args.id, answers, assessment=meta, author=args.author, message=args.message, parent=args.parent)
    print(f"Saved {v.id} version {v.number} ({v.digest[:19]}…) by {v.author}.")
    return 0
