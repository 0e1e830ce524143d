"""Ed25519 key material, the trusted-keys file format and the trust root pinned in the user's configuration.

* a key id is the SHA-256 (hex) of the raw 32-byte Ed25519 public key;
* ``lia-trusted-keys/1`` files (``lia verify --trusted-keys FILE``, the legacy
  ``<home>/keys/trusted-keys.yaml``) list name, role, keyid, public key;
* ``$XDG_CONFIG_HOME/lia/trust.yaml`` (or ``$LIA_TRUST_ROOT``) pins the key log
  roots this user trusts, outside any workspace (DESIGN decision 7).

Whom a workspace trusts is its key log (:mod:`lia.reports.keylog`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, LiaError, Message
from .dsse import _now, _read_small, _sha256_hex, write_atomic

__all__ = [
    "KEY_LOG_FILE", "ROLES", "TRUSTED_KEYS_FILE", "TRUST_ROOT_ENV", "TrustedKey", "export_trusted_keys",
    "key_log_path", "keyid_of", "load_private_key", "load_trusted_keys", "pin_root", "pinned_roots",
    "read_passphrase", "trust_config_path", "trusted_keys_path", "user_config_dir",
]

ROLES = ("assessor", "dpo", "legal")
TRUSTED_KEYS_FILE = "trusted-keys.yaml"
KEY_LOG_FILE = "key-log.json"
TRUST_CONFIG_FILE = "trust.yaml"
TRUST_ROOT_ENV = "LIA_TRUST_ROOT"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@ -]{0,63}$")


# --------------------------------------------------------------------------- keys

def keyid_of(public_key: Any) -> str:
    """Key id: SHA-256 (hex) of the raw 32-byte Ed25519 public key."""
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _sha256_hex(raw)


def read_passphrase(file: str | None = None, env: str | None = None) -> bytes | None:
    """Passphrase from a file (first line) or an environment variable; None if neither given."""
    if file and env:
        raise LiaError(Message("errors.keys_passphrase_both"))
    if file:
        data = _read_small(Path(file), "passphrase file")
        value = data.splitlines()[0] if data.strip() else b""
    elif env:
        if env not in os.environ:
            raise LiaError(Message("errors.keys_passphrase_env", env=env))
        value = os.environ[env].encode("utf-8")
    else:
        return None
    if not value:
        raise LiaError(Message("errors.keys_passphrase_empty"))
    return value


def load_private_key(path: Path, passphrase: bytes | None = None) -> Any:
    """Load an Ed25519 private key PEM (PKCS8, possibly encrypted)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(path)
    data = _read_small(path, "private key file")
    if b"-----BEGIN" not in data:
        raise InputError(Message("errors.keys_not_pem_private"), file=path)
    encrypted = b"ENCRYPTED" in data
    if encrypted and passphrase is None:
        raise LiaError(Message("errors.keys_encrypted", path=str(path)))
    try:
        key = serialization.load_pem_private_key(data, password=passphrase if encrypted else None)
    except (ValueError, TypeError) as exc:
        if encrypted:
            raise LiaError(Message("errors.keys_wrong_passphrase", path=str(path))) from None
        raise InputError(Message("errors.keys_unreadable_private", error=str(exc)), file=path) from None
    except Exception as exc:  # cryptography raises a few odd types for hostile input
        raise InputError(Message("errors.keys_unreadable_private", error=type(exc).__name__), file=path) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(Message("errors.keys_not_ed25519", type=type(key).__name__), file=path)
    return key


def _load_public_pem(pem: str, path: Path, where: str) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(pem.encode("utf-8"))
    except Exception:
        raise InputError(Message("errors.keys_not_pem_public"), file=path, where=where) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError(Message("errors.keys_not_ed25519_public", type=type(key).__name__), file=path, where=where)
    return key


@dataclass(frozen=True)
class TrustedKey:
    """One trusted key: from an entry of the workspace's key log (or of an explicit trusted-keys file)."""

    name: str
    role: str
    keyid: str
    public_key_pem: str
    added: str
    public_key: Any = field(compare=False, repr=False, default=None)
    entry: int | None = None        # the key log entry that trusted this key (None: a --trusted-keys file)
    added_by: str | None = None     # name of the key that signed that entry (itself for the root)


def trusted_keys_path(ws: Any) -> Path:
    """``<home>/keys/trusted-keys.yaml`` (the format of ``lia verify --trusted-keys FILE``)."""
    return Path(ws.keys_dir) / TRUSTED_KEYS_FILE


def key_log_path(ws: Any) -> Path:
    """``<home>/keys/key-log.json``: the workspace's append-only, hash-chained, signed key log."""
    return Path(ws.keys_dir) / KEY_LOG_FILE


def _yaml_file(path: Path, what: str) -> Any:
    """The YAML document in the small file ``path`` (``what`` names it in errors); None when the
    file is missing or holds no document. Not UTF-8 or not YAML: an InputError naming the file."""
    from lia.loaders import parse_yaml

    if not path.exists():
        return None
    raw = _read_small(path, what)
    try:
        return parse_yaml(raw.decode("utf-8"), path)
    except UnicodeDecodeError as exc:
        raise InputError(Message("errors.keys_not_utf8", byte=exc.start), file=path) from None


def load_trusted_keys(path: Path) -> dict[str, TrustedKey]:
    """Read and check the trusted-keys file; keyid -> TrustedKey. Missing file: empty."""
    path = Path(path)
    doc = _yaml_file(path, "trusted-keys file")
    if doc is None:
        return {}
    if not isinstance(doc, dict) or not isinstance(doc.get("keys", []), list):
        raise InputError(Message("errors.keys_trusted_shape"), file=path)
    if doc.get("format") != "lia-trusted-keys/1":
        raise InputError(Message("errors.keys_trusted_format", found=repr(doc.get("format"))), file=path)
    out: dict[str, TrustedKey] = {}
    for i, entry in enumerate(doc.get("keys") or []):
        where = f"keys[{i}]"
        if not isinstance(entry, dict):
            raise InputError(Message("errors.keys_entry_shape"), file=path, where=where)
        missing = [k for k in ("name", "role", "keyid", "public_key", "added") if k not in entry]
        if missing:
            raise InputError(Message("errors.keys_entry_missing", keys=", ".join(missing)), file=path, where=where)
        name, role, keyid, pem = entry["name"], entry["role"], entry["keyid"], entry["public_key"]
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise InputError(Message("errors.keys_bad_name", name=repr(name)), file=path, where=where)
        if role not in ROLES:
            raise InputError(Message("errors.keys_bad_role", role=repr(role), roles=", ".join(ROLES)), file=path, where=where)
        if not isinstance(pem, str):
            raise InputError(Message("errors.keys_pem_type"), file=path, where=where)
        key = _load_public_pem(pem, path, where)
        actual = keyid_of(key)
        if keyid != actual:
            raise InputError(Message("errors.keys_keyid_mismatch", keyid=str(keyid)[:16], actual=actual),
                             file=path, where=where)
        if actual in out:
            raise InputError(Message("errors.keys_listed_twice", key=actual[:16]), file=path, where=where)
        out[actual] = TrustedKey(name, role, actual, pem, str(entry["added"]), key)
    return out


def export_trusted_keys(keys: Any) -> bytes:
    """A ``lia-trusted-keys/1`` YAML text of ``keys`` (e.g. ``load_key_log(ws).trusted.values()``), for
    ``lia verify --trusted-keys FILE`` on a machine that should trust exactly these keys."""
    import yaml

    doc = {"format": "lia-trusted-keys/1",
           "keys": [{"name": k.name, "role": k.role, "keyid": k.keyid, "public_key": k.public_key_pem,
                     "added": k.added} for k in keys]}

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper: Any, value: str) -> Any:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True).encode("utf-8")


# --------------------------------------------------------------------------- the trust root (user config)

def user_config_dir() -> Path:
    """``$XDG_CONFIG_HOME/lia`` (default ``~/.config/lia``): the user's own files, outside any workspace."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "lia"


def trust_config_path() -> Path:
    """``$XDG_CONFIG_HOME/lia/trust.yaml``: the key log roots this user trusts."""
    return user_config_dir() / TRUST_CONFIG_FILE


def _read_trust_config(path: Path) -> list[dict[str, Any]]:
    doc = _yaml_file(path, "trust configuration")
    if doc is None:
        return []
    if not isinstance(doc, dict) or doc.get("format") != "lia-trust/1" or not isinstance(doc.get("roots", []), list):
        raise InputError(Message("errors.keys_trust_shape"), file=path)
    out = []
    for i, r in enumerate(doc.get("roots") or []):
        if not (isinstance(r, dict) and isinstance(r.get("root"), str) and r["root"].strip()):
            raise InputError(Message("errors.keys_trust_root"), file=path, where=f"roots[{i}]")
        out.append(r)
    return out


def pinned_roots(extra: Any = ()) -> set[str]:
    """The key log roots trusted here: ``extra`` (``--trust-root``), ``$LIA_TRUST_ROOT`` (comma-separated)
    and ``$XDG_CONFIG_HOME/lia/trust.yaml``. A root is a log's first entry digest or the root key id."""
    pins = {str(x).strip() for x in (extra or ()) if str(x).strip()}
    env = os.environ.get(TRUST_ROOT_ENV, "")
    pins |= {p.strip() for p in env.split(",") if p.strip()}
    pins |= {str(r["root"]).strip() for r in _read_trust_config(trust_config_path())}
    return pins


def pin_root(root: str, note: str = "") -> Path:
    """Add ``root`` to the user's trust configuration (idempotent). Returns the file's path."""
    import yaml

    path = trust_config_path()
    roots = _read_trust_config(path)
    if not any(r["root"] == root for r in roots):
        roots.append({"root": root, "note": note, "pinned": _now()})
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(path, yaml.safe_dump({"format": "lia-trust/1", "roots": roots}, sort_keys=False,
                                          allow_unicode=True).encode("utf-8"), mode=0o600)
    return path
