"""lia example [--force]"""

from __future__ import annotations

import argparse

HELP = "make sure the example assessment (contact-centre call recording) exists in the workspace"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quiet", action="store_true", help="print nothing when it exists already")


def run(args: argparse.Namespace, ws) -> int:
    from ..example import ensure_example

    created, aid = ensure_example(ws)
    if created:
        print(f"Created the example assessment {aid} with its versions.")
    elif not args.quiet:
        print(f"The example assessment {aid} exists.")
    return 0
