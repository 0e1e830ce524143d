"""lia keys new NAME --role R [--signed-by KEY] [--out DIR] ...; lia keys list; lia keys revoke NAME --signed-by KEY;
lia keys pin ROOT; lia keys migrate --signed-by KEY"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._common import print_json

HELP = "create signing keys (Ed25519), and list, admit, revoke or pin the workspace's trusted keys"


def _default_out() -> Path:
    from ..reports.keys import user_config_dir

    return user_config_dir() / "keys"


def _signer_args(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--signed-by", metavar="KEY", required=required,
                   help="private key of the key log's root or of a trusted DPO, which signs this change "
                        "(not needed for a workspace's first key, which becomes the root)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--signed-by-passphrase-env", metavar="VAR", help="the --signed-by key's passphrase is in $VAR")
    g.add_argument("--signed-by-passphrase-file", metavar="FILE", help="... or the first line of FILE")


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    new = sub.add_parser("new", help="create a key pair and trust its public key in this workspace's key log")
    new.add_argument("name", help="the signer's name, e.g. 'Karin Lindqvist' or karin")
    new.add_argument("--role", required=True, choices=["assessor", "dpo", "legal"], help="the signer's role")
    g = new.add_mutually_exclusive_group()
    g.add_argument("--passphrase-file", metavar="FILE", help="encrypt the private key with the first line of FILE")
    g.add_argument("--passphrase-env", metavar="VAR", help="encrypt the private key with $VAR")
    new.add_argument("--out", metavar="DIR", help=f"where to write NAME.key and NAME.pub (default {_default_out()}); "
                                                 "an unencrypted key is refused inside a workspace or git work tree")
    _signer_args(new, required=False)
    new.add_argument("--json", action="store_true", help="print the result as JSON")
    rv = sub.add_parser("revoke", help="stop trusting a key (a signed entry in the key log)")
    rv.add_argument("name", help="the trusted key's name")
    _signer_args(rv, required=True)
    rv.add_argument("--json", action="store_true", help="print the result as JSON")
    pin = sub.add_parser("pin", help="trust a key log root (its first entry's digest or root key id) in your "
                                     "own configuration ($XDG_CONFIG_HOME/lia/trust.yaml)")
    pin.add_argument("root", help="sha256:... of the key log's first entry (`lia keys list` shows it)")
    mg = sub.add_parser("migrate", help="move the keys of an old keys/trusted-keys.yaml into a new, signed key log "
                                        "(the --signed-by DPO key becomes its root)")
    _signer_args(mg, required=True)
    ls = sub.add_parser("list", help="list the trusted keys of this workspace and the key log entry of each")
    ls.add_argument("--json", action="store_true", help="print as JSON")


def _signed_by(args: argparse.Namespace):
    from ..reports.keys import load_private_key, read_passphrase

    if not getattr(args, "signed_by", None):
        return None
    pp = read_passphrase(args.signed_by_passphrase_file, args.signed_by_passphrase_env)
    return load_private_key(Path(args.signed_by), pp)


def run(args: argparse.Namespace, ws) -> int:
    from ..reports.keylog import load_key_log, new_key, revoke_key
    from ..reports.keys import pin_root, read_passphrase

    if args.keys_command == "new":
        passphrase = read_passphrase(args.passphrase_file, args.passphrase_env)
        info = new_key(ws, args.name, args.role, Path(args.out) if args.out else _default_out(), passphrase,
                       signed_by=_signed_by(args))
        if not passphrase:
            print(f"warning: {info['private_key']} is not passphrase-protected; anyone who can read it can sign as "
                  f"{info['name']} ({info['role']}). Use --passphrase-env VAR or --passphrase-file FILE.",
                  file=sys.stderr)
        if args.json:
            print_json(info)
        else:
            print(f"created {info['private_key']} (private, mode 0600{', passphrase-protected' if passphrase else ''})")
            print(f"created {info['public_key']}")
            print(f"trusted as {info['name']} ({info['role']}) by entry {info['entry']} of {info['key_log']}"
                  f"{' (the root)' if info['root'] else ', signed by ' + str(info['added_by'])}")
            if info["root"]:
                print(f"pinned the key log's root in {info['pinned_in']}; on another machine run "
                      f"`lia keys pin {load_key_log(ws).root}`")
            print(f"key id {info['keyid']}")
        return 0
    if args.keys_command == "revoke":
        info = revoke_key(ws, args.name, _signed_by(args))
        if args.json:
            print_json(info)
        else:
            print(f"revoked {info['name']} ({info['role']}) in entry {info['entry']} of the key log")
        return 0
    if args.keys_command == "migrate":
        from ..reports.keylog import migrate_trusted_keys

        moved = migrate_trusted_keys(ws, _signed_by(args))
        for k in moved:
            print(f"entry {k.entry}: {k.name} ({k.role}) {k.keyid[:16]}...")
        print(f"the root is pinned in your configuration; on other machines run `lia keys pin {load_key_log(ws).root}`")
        return 0
    if args.keys_command == "pin":
        path = pin_root(args.root.strip(), f"pinned with lia keys pin for {ws.home}")
        print(f"trusting key log root {args.root.strip()} (in {path})")
        return 0
    log = load_key_log(ws)
    if args.json:
        print_json({"key_log": str(log.path), "root": log.root, "pinned": log.pinned, "problems": log.problems,
                    "keys": [{"name": k.name, "role": k.role, "keyid": k.keyid, "added": k.added,
                              "key_log_entry": k.entry, "added_by": k.added_by} for k in log.keys.values()]})
        return 0
    if not log.entries:
        print(f"no trusted keys in {log.path}; create one with `lia keys new NAME --role dpo`")
        return 0
    print(f"key log {log.path}: {len(log.entries)} entries, root {log.root} "
          f"({'pinned' if log.pinned else 'NOT PINNED: nothing is trusted'})")
    for k in log.keys.values():
        print(f"{k.name:24} {k.role:9} {k.keyid[:16]}...  entry {k.entry}, added {k.added} by {k.added_by}")
    for p in log.problems:
        print(f"PROBLEM {p}")
    return 0 if not log.problems else 1
