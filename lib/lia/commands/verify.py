"""lia verify REPORT_DIR [--json] [--trusted-keys FILE]"""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import print_json

HELP = "verify a report's signatures, file digests and whether its inputs are still current"
DESCRIPTION = """\
Checks every signature against the workspace's trusted keys (keys/trusted-keys.yaml), the
SHA-256 of every report file against statement.json, and whether the answers, questionnaires,
rule packs, template and library it was built from are still current. An approved assessment
needs a DPO signature.

Exit codes: 0 valid and current; 1 a file, the statement or a signature does not verify
(the file is named); 3 valid but stale (the inputs changed since rendering); 2 unreadable input.
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("report_dir", metavar="REPORT_DIR", help="a report folder, e.g. reports/ID/v3 (or ID/v3)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--trusted-keys", metavar="FILE", help="trusted keys file (default: keys/trusted-keys.yaml)")


def run(args: argparse.Namespace, ws) -> int:
    from ..signing import verify_report
    from .sign import resolve_report_dir

    d = resolve_report_dir(ws, args.report_dir)
    res = verify_report(ws, d, Path(args.trusted_keys) if args.trusted_keys else None)
    if args.json:
        print_json(res.to_json())
        return res.exit_code
    print(f"report {d}: {res.assessment} answers version {res.version} (status {res.status})")
    for s in res.signers:
        who = f"{s.name} ({s.role})" if s.name else f"unknown key {s.keyid[:16]}..."
        if s.valid:
            print(f"  signed by {who} at {s.signed_at}: valid")
        else:
            print(f"  signature by {who}: INVALID - {s.problem}")
    for f, m in res.problems:
        print(f"  FAIL {f}: {m}")
    if not res.problems:
        print("  all files match the signed statement")
    if res.stale:
        print("  STALE (valid for what it was built from, but its inputs changed):")
        for r in res.stale:
            print(f"    - {r}")
    elif res.currency_checked:
        print("  inputs are current")
    print({0: "OK", 1: "VERIFICATION FAILED", 3: "VALID BUT STALE"}[res.exit_code])
    return res.exit_code
