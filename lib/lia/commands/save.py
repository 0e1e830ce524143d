"""lia save ID --answers FILE --message TEXT [--author NAME] [--parent N] [--merge] [--force]
lia save ID --merge-from-conflict FILE [--take mine|theirs] [--choose QUESTION=mine|theirs ...]"""

from __future__ import annotations

import argparse

from ._common import positive_int

HELP = "save a new version of an assessment's answers from a YAML or JSON file"
DESCRIPTION = """\
Save a new version. FILE is YAML or JSON: either a mapping of question ids to answers, or a
mapping with `answers:` (and optionally `assessment:` to change metadata such as status),
such as the output of `lia show ID --json`. Nothing is overwritten: every save adds a version.

A save is always made against the version the answers were edited from: --parent N, else the
version a `lia show --json` file names (its `number`), else the newest version when FILE is
read. If someone saved a newer version since, the two edits are merged three ways: answers only
one of you changed are kept as that person left them; questions you both changed differently
are refused, listed, and your answers kept in assessments/ID/conflicts/. Finish such a save with
--merge-from-conflict FILE and --take mine|theirs (every such question) or --choose
QUESTION=mine|theirs (one question; repeat it). --force saves FILE as it is over the newest
version instead, dropping what was changed since.
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="assessment id")
    p.add_argument("--answers", metavar="FILE", help="YAML or JSON file with the answers")
    p.add_argument("--message", "-m", help="what changed and why (a conflict file brings its own)")
    p.add_argument("--author", help="who saves (default: $LIA_AUTHOR or your login name)")
    p.add_argument("--parent", type=positive_int, metavar="N",
                   help="the version FILE was edited from (default: the version FILE names, else the newest)")
    p.add_argument("--merge", action="store_true", help="apply FILE on top of the parent's answers instead of replacing them")
    p.add_argument("--merge-from-conflict", metavar="FILE", dest="conflict",
                   help="finish a refused save: merge the answers kept in FILE (assessments/ID/conflicts/) with the newest version")
    p.add_argument("--take", choices=["mine", "theirs"], help="for every question both changed, take mine or theirs")
    p.add_argument("--choose", action="append", default=[], metavar="QUESTION=mine|theirs",
                   help="for one question both changed, take mine or theirs (repeat for more; wins over --take)")
    p.add_argument("--force", action="store_true",
                   help="save FILE over the newest version as it is, without merging what was saved since")


def _choices(items: list[str]) -> dict[str, str]:
    from ..errors import InputError, Message

    out: dict[str, str] = {}
    for item in items:
        where, sep, side = item.partition("=")
        if not sep or not where.strip() or side.strip() not in ("mine", "theirs"):
            raise InputError(Message("errors.save_bad_choice", item=repr(item)))
        out[where.strip()] = side.strip()
    return out


def run(args: argparse.Namespace, ws) -> int:
    from ..answers_file import read_answers_version
    from ..errors import InputError, Message
    from ..store import Store

    store = Store(ws)
    choices = _choices(args.choose)
    kept = None
    message, author = args.message, args.author
    if args.conflict:
        if args.answers or args.merge or args.force:
            raise InputError(Message("errors.save_conflict_alone"))
        kept = args.conflict
        data = store.read_conflict(kept)
        answers, meta, parent = data["answers"], data["assessment"], data["parent"]
        if args.parent and args.parent != parent:
            raise InputError(Message("errors.save_conflict_parent", parent=parent, given=args.parent), file=kept)
        message = message or data["message"]
        author = author or data.get("author")
    else:
        if not args.answers:
            raise InputError(Message("errors.save_no_answers"))
        answers, meta, number, digest = read_answers_version(args.answers)
        if number is not None:
            read = store.load(args.id, number)
            if digest and digest != read.digest:
                raise InputError(Message("errors.save_other_version", n=number, id=repr(args.id), digest=digest[:19],
                                         actual=read.digest[:19]), file=args.answers)
            if args.parent and args.parent != number:
                raise InputError(Message("errors.save_parent_clash", n=number, given=args.parent), file=args.answers)
        parent = args.parent or number or store.head_number(args.id)  # the version read, never "whatever is newest later"
        if args.merge:
            answers = {**store.load(args.id, parent).answers, **answers}
    if not (message or "").strip():
        raise InputError(Message("errors.store_needs_message"))
    if args.force:
        head = store.head_number(args.id)
        v = store.save(args.id, answers, assessment=meta, author=author, message=message, parent=parent, force=True)
        if head != parent:
            print(f"--force: replaced the answers of version {head}; what was saved after version {parent} was not merged.")
        print(f"Saved {v.id} version {v.number} ({v.digest[:19]}…) by {v.author}.")
        return 0
    saved = store.save_merging(args.id, answers, parent=parent, assessment=meta, author=author, message=message,
                               choices=choices, take=args.take, kept=kept)
    v, m = saved.version, saved.merge
    if m is not None:
        theirs = saved.merged_with
        assert theirs is not None  # a merge always names the version it merged with
        print(f"Version {theirs.number} (by {theirs.author}) was saved after version {parent}, which you edited: merged.")
        if m.theirs_only:
            print(f"  kept from version {theirs.number}: {', '.join(m.theirs_only)}")
        if m.mine_only:
            print(f"  taken from yours: {', '.join(m.mine_only)}")
        resolved = {c.where: choices.get(c.where, args.take) for c in m.clashes}
        if resolved:
            print("  both changed, as you chose: " + ", ".join(f"{k} ({side})" for k, side in resolved.items()))
    print(f"Saved {v.id} version {v.number} ({v.digest[:19]}…) by {v.author}.")
    return 0
