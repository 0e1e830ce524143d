"""lia verify REPORT_DIR [--json] [--trusted-keys FILE]"""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import print_json

HELP = "verify a report's signatures, file digests and whether its inputs are still current"
DESCRIPTION = """\
Checks every signature against the keys the workspace's key log (keys/key-log.json) trusts -
its root must be pinned in your own configuration ($XDG_CONFIG_HOME/lia/trust.yaml,
LIA_TRUST_ROOT or --trust-root) - the SHA-256 of every report file against statement.json,
that the folder and the workspace's answers are the ones the statement names, that no
signature was removed, and whether the answers, questionnaires, rule packs, template,
library and tools it was built from are still current. An approved assessment needs a DPO
signature.

Exit codes: 0 valid and current; 1 a file, the statement or a signature does not verify
(the file is named); 3 valid but stale (the inputs changed since rendering); 2 unreadable input.
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("report_dir", metavar="REPORT_DIR", help="a report folder, e.g. reports/ID/v3 (or ID/v3)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--trusted-keys", metavar="FILE",
                   help="trust exactly the keys in this lia-trusted-keys/1 file instead of the workspace's key log")
    p.add_argument("--trust-root", metavar="ROOT", action="append", default=[],
                   help="also trust this key log root (sha256:... of its first entry, or the root key id)")


def run(args: argparse.Namespace, ws) -> int:
    from ..reports.signing import verify_report
    from .sign import resolve_report_dir

    d = resolve_report_dir(ws, args.report_dir)
    res = verify_report(ws, d, Path(args.trusted_keys) if args.trusted_keys else None, trust_roots=args.trust_root)
    if args.json:
        print_json(res.to_json())
        return res.exit_code
    print(f"report {d}: {res.assessment} answers version {res.version} (status {res.status})")
    for s in res.signers:
        who = f"{s.name} ({s.role})" if s.name else f"unknown key {s.keyid[:16]}..."
        by = (f" (trusted by key log entry {s.key_log_entry}, signed by {s.added_by})"
              if s.key_log_entry is not None else "")
        if s.valid:
            print(f"  signed by {who} at {s.signed_at}: valid{by}")
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
