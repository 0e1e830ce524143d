"""lia keys new NAME --role assessor|dpo|legal [--passphrase-file F | --passphrase-env VAR] [--out DIR]; lia keys list"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ._common import print_json

HELP = "create signing keys (Ed25519) and list the workspace's trusted keys"


def _default_out() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "lia" / "keys"


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    new = sub.add_parser("new", help="create a key pair and trust its public key in this workspace")
    new.add_argument("name", help="the signer's name, e.g. 'Karin Lindqvist' or karin")
    new.add_argument("--role", required=True, choices=["assessor", "dpo", "legal"], help="the signer's role")
    g = new.add_mutually_exclusive_group()
    g.add_argument("--passphrase-file", metavar="FILE", help="encrypt the private key with the first line of FILE")
    g.add_argument("--passphrase-env", metavar="VAR", help="encrypt the private key with $VAR")
    new.add_argument("--out", metavar="DIR", help=f"where to write NAME.key and NAME.pub (default {_default_out()})")
    new.add_argument("--json", action="store_true", help="print the result as JSON")
    ls = sub.add_parser("list", help="list the trusted keys of this workspace")
    ls.add_argument("--json", action="store_true", help="print as JSON")


def run(args: argparse.Namespace, ws) -> int:
    from ..signing import load_trusted_keys, new_key, read_passphrase, trusted_keys_path

    if args.keys_command == "new":
        passphrase = read_passphrase(args.passphrase_file, args.passphrase_env)
        info = new_key(ws, args.name, args.role, Path(args.out) if args.out else _default_out(), passphrase)
        if args.json:
            print_json(info)
        else:
            print(f"created {info['private_key']} (private, mode 0600{', passphrase-protected' if passphrase else ''})")
            print(f"created {info['public_key']}")
            print(f"trusted as {info['name']} ({info['role']}) in {info['trusted_keys']}")
            print(f"key id {info['keyid']}")
        return 0
    keys = load_trusted_keys(trusted_keys_path(ws))
    if args.json:
        print_json([{"name": k.name, "role": k.role, "keyid": k.keyid, "added": k.added} for k in keys.values()])
        return 0
    if not keys:
        print(f"no trusted keys in {trusted_keys_path(ws)}; create one with `lia keys new NAME --role dpo`")
    for k in keys.values():
        print(f"{k.name:24} {k.role:9} {k.keyid[:16]}...  added {k.added}")
    return 0
