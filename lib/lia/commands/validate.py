"""lia validate ID|FILE"""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import add_version_arg

HELP = "check answers (an assessment or an answers file) against the questionnaires"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", metavar="ID|FILE", help="an assessment id, or a YAML/JSON answers file")
    add_version_arg(p)
    p.add_argument("--draft", action="store_true", help="do not report unanswered required questions")


def run(args: argparse.Namespace, ws) -> int:
    from ..answers_file import read_answers_file
    from ..errors import ValidationError
    from ..model import AssessmentMeta, validate_answers
    from ..questionnaire import load_questionnaires
    from ..store import Store

    qset = load_questionnaires()
    target = args.target
    looks_like_file = any(ch in target for ch in "/\\.") or Path(target).is_file()
    if looks_like_file:
        answers, meta = read_answers_file(target)
        source = target
        problems = []
        if meta:
            try:
                AssessmentMeta.parse({"id": "x", "title": "x", **meta}, source)
            except ValidationError as err:
                problems.extend(err.problems)
    else:
        v = Store(ws).load(target, args.version)
        answers, source, problems = v.answers, f"{target} version {v.number}", []
    problems.extend(validate_answers(qset, answers, complete=not args.draft))
    if problems:
        raise ValidationError(problems, source=source)
    print(f"{source}: valid; {len(answers)} answers, every required question answered." if not args.draft else f"{source}: valid.")
    return 0
