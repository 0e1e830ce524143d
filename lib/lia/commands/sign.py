"""lia sign REPORT_DIR --key FILE [--passphrase-env VAR | --passphrase-file F]"""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import print_json

HELP = "sign a rendered report (adds a DSSE signature to its statement)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("report_dir", metavar="REPORT_DIR", help="a report folder, e.g. reports/ID/v3 (or ID/v3)")
    p.add_argument("--key", required=True, metavar="FILE", help="your private key (from `lia keys new`)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--passphrase-env", metavar="VAR", help="the key's passphrase is in $VAR")
    g.add_argument("--passphrase-file", metavar="FILE", help="the key's passphrase is the first line of FILE")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def resolve_report_dir(ws, arg: str) -> Path:
    """A report folder given as a path, or as ID/vN relative to the workspace's reports/."""
    from ..errors import NotFoundError

    p = Path(arg)
    if p.is_dir():
        return p
    for alt in (ws.reports_dir / arg, ws.home / arg):  # ID/vN, or reports/ID/vN relative to --home
        if not p.is_absolute() and alt.is_dir():
            return alt
    raise NotFoundError(f"{arg}: no such report folder (expected a path such as {ws.reports_dir}/ID/v1, or ID/v1)")


def run(args: argparse.Namespace, ws) -> int:
    from ..reports.keys import read_passphrase
    from ..reports.signing import sign_report

    d = resolve_report_dir(ws, args.report_dir)
    info = sign_report(ws, d, Path(args.key), read_passphrase(args.passphrase_file, args.passphrase_env))
    if args.json:
        print_json(info)
    else:
        verb = "replaced the signature of" if info["replaced"] else "signed"
        print(f"{info['name']} ({info['role']}) {verb} {d} at {info['signed_at']}; "
              f"{info['signatures']} signature(s) on the report")
    return 0
