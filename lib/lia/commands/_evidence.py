"""What `lia periods` and `lia access` share: a log analysed against an assessment, its result printed,
and attached as evidence (:mod:`lia.evidence`) or detached. ``area`` is the catalogue the texts come
from (``periods`` or ``access``, templates/i18n/<area>.yaml); ``module`` the evidence module."""

from __future__ import annotations

import argparse
import os
from typing import Any, Callable

__all__ = ["add_output_arguments", "check_zone", "read_stat", "print_result", "detach", "breach_lines"]


def add_output_arguments(p: argparse.ArgumentParser, counted: str) -> None:
    """``--version``, ``--json``, ``--lang`` and ``--tz``, as both commands take them; ``counted``
    says what of the zone's calendar counts ("days", "days and months")."""
    from ..i18n import LANGS
    from ._common import add_version_arg

    add_version_arg(p)
    p.add_argument("--json", action="store_true", help='print {"summary": ..., "breaches": [...]} as JSON')
    p.add_argument("--lang", choices=LANGS, default="en", help="language of the summary")
    p.add_argument("--tz", default="Europe/Stockholm", metavar="ZONE",
                   help=f"time zone whose calendar {counted} count (default Europe/Stockholm)")


def check_zone(tz: str) -> None:
    """Refuse a --tz that is not an IANA time zone name (LiaError naming the option)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from ..errors import LiaError, Message, excerpt

    try:
        if len(tz) > 64:  # longer than any IANA name; the zone database would fail on the file name
            raise ValueError(tz)
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise LiaError(Message("errors.tz_unknown", tz=excerpt(tz))) from None


def breach_lines(area: str, breaches: list[Any], lang: str, who: Callable[[Any], str]) -> list[str]:
    """The breaches at the end of the printed summary, in ``lang``: ``breaches_none``, or
    ``breaches_head`` and a ``breach_line`` a breach (its ``kind_*``, ``who(breach)``, period, value
    with its ``unit_*`` word for that value, and the limit), from ``area``'s catalogue."""
    from ..i18n import t

    if not breaches:
        return [t(area, "breaches_none", lang)]
    lines = [t(area, "breaches_head", lang, n=len(breaches))]
    for b in breaches:
        d = b.to_dict()
        lines.append("  - " + t(area, "breach_line", lang, kind=t(area, "kind_" + b.kind, lang), who=who(b),
                                start=d["period"]["start"], end=d["period"]["end"], value=d["value"],
                                unit=t(area, "unit_" + b.unit, lang, n=d["value"]), limit=d["limit"]))
    return lines


def read_stat(path: str) -> os.stat_result | None:
    """``os.stat(path)`` before the log is read (the attach refuses a log that changed since), or None:
    the log's reader then says what is wrong with the path."""
    try:
        return os.stat(path)
    except OSError:
        return None


def print_result(args: argparse.Namespace, version: Any, report: Any, attached: Any, area: str,
                 format_report: Callable[[Any, str, int, str], str]) -> int:
    """The report as JSON (``--json``) or in words, then where the evidence was attached (on stderr with --json)."""
    import sys

    from ._common import print_json

    if args.json:
        out = {"assessment": {"id": args.id, "version": version.number, "digest": version.digest}}
        out.update(report.to_dict())
        print_json(out)
    else:
        print(format_report(report, args.id, version.number, args.lang))
    if attached is not None:
        from ..i18n import t

        print(t(area, "attached", args.lang, path=attached.path, n=len(attached.breaches),
                source=attached.source["name"], sha=attached.source["sha256"][:12]),
              file=sys.stderr if args.json else sys.stdout)
    return 0


def detach(args: argparse.Namespace, ws: Any, area: str, module: Any) -> int:
    """``--detach``: remove the attached evidence and say what was removed (nothing, a damaged file, or which)."""
    from ..i18n import t
    from ..store import Store

    Store(ws).folder(args.id)  # checks the id
    path = module.evidence_path(ws, args.id)
    existed = path.exists()
    old = module.detach(ws, args.id)
    if not existed:
        print(t(area, "detach_none", args.lang, id=args.id))
    elif old is None:
        print(t(area, "detached_damaged", args.lang, path=path))
    else:
        print(t(area, "detached", args.lang, path=path, source=old.source["name"], when=old.analysed_at))
    return 0
