"""Small helpers shared by the command modules."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["positive_int", "print_json", "add_version_arg"]


def positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a version number 1, 2, 3 ..., got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a version number 1, 2, 3 ..., got {n}")
    return n


def add_version_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--version", type=positive_int, metavar="N", help="version number (default: the newest)")


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
