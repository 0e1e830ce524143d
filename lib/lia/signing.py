"""Ed25519 keys, DSSE signatures over a report's in-toto Statement, and verification.

Trust model (see docs/reports.md):

* ``<home>/keys/trusted-keys.yaml`` lists the public keys the workspace trusts,
  each with a name and a role (assessor, dpo, legal). A key id is the SHA-256
  (hex) of the raw 32-byte Ed25519 public key.
* ``REPORT_DIR/statement.json`` is an in-toto Statement v1 listing the SHA-256
  of every report file and the digests of every input.
* ``REPORT_DIR/statement.dsse.json`` is a DSSE envelope whose payload is the
  exact bytes of statement.json; each signature signs the DSSE PAE of that
  payload. Several people can sign one envelope.
* ``REPORT_DIR/signatures.json`` holds, for each signature, a signing record
  ``{statement, keyid, name, role, signed_at}`` that is itself a DSSE envelope
  signed by the same key, so the claimed signing time and role are signed too
  (the time is the signer's clock: it is a claim, not a trusted timestamp).
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lia.errors import InputError, LiaError

__all__ = [
    "ENVELOPE_FILE", "PAYLOAD_TYPE", "RECORD_PAYLOAD_TYPE", "RECORDS_FILE", "ROLES", "STATEMENT_FILE",
    "STATEMENT_TYPE", "TRUSTED_KEYS_FILE", "KEY_LOG_FILE", "TRUST_ROOT_ENV", "KeyLog", "Signer", "TrustedKey",
    "Verification", "add_trusted_key", "export_trusted_keys", "key_log_path", "keyid_of", "load_key_log", "load_private_key",
    "load_statement", "load_trusted_keys", "migrate_trusted_keys", "new_key", "pae", "pin_root", "pinned_roots", "read_passphrase",
    "revoke_key", "sign_report", "trust_config_path", "trusted_keys_path", "user_config_dir", "verify_report",
    "write_atomic",
]

ROLES = ("assessor", "dpo", "legal")
STATEMENT_FILE = "statement.json"
ENVELOPE_FILE = "statement.dsse.json"
RECORDS_FILE = "signatures.json"
TRUSTED_KEYS_FILE = "trusted-keys.yaml"
KEY_LOG_FILE = "key-log.json"
TRUST_CONFIG_FILE = "trust.yaml"
TRUST_ROOT_ENV = "LIA_TRUST_ROOT"
KEYLOG_PAYLOAD_TYPE = "application/vnd.lia-workbench.key-log-entry+json"
_ENTRY_FIELDS = ("number", "action", "name", "role", "keyid", "public_key", "time", "author", "parent")
PAYLOAD_TYPE = "application/vnd.in-toto+json"
RECORD_PAYLOAD_TYPE = "application/vnd.lia-workbench.signing-record+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
MAX_FILE = 16 * 1024 * 1024  # statements, envelopes and key files are small; refuse anything huge
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@ -]{0,63}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


# --------------------------------------------------------------------------- helpers

def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write bytes to ``path`` through a temporary file, fsync and rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _read_small(path: Path, what: str) -> bytes:
    from .loaders import read_user_file

    return read_user_file(path, what=f"small file ({what})", max_bytes=MAX_FILE)


def _json_file(path: Path, what: str) -> Any:
    raw = _read_small(path, what)
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not UTF-8 text (byte {exc.start})", file=path) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{what} is not valid JSON: {exc.msg}", file=path,
                         where=f"line {exc.lineno}, column {exc.colno}") from None


def _b64decode(value: Any, path: Path, where: str) -> bytes:
    if not isinstance(value, str):
        raise InputError("expected a base64 string", file=path, where=where)
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise InputError("expected standard base64 (A-Z a-z 0-9 + / =)", file=path, where=where) from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding of (type, body)."""
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


# --------------------------------------------------------------------------- keys

def keyid_of(public_key: Any) -> str:
    """Key id: SHA-256 (hex) of the raw 32-byte Ed25519 public key."""
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _sha256_hex(raw)


def read_passphrase(file: str | None = None, env: str | None = None) -> bytes | None:
    """Passphrase from a file (first line) or an environment variable; None if neither given."""
    if file and env:
        raise LiaError("give either --passphrase-file or --passphrase-env, not both")
    if file:
        data = _read_small(Path(file), "passphrase file")
        value = data.splitlines()[0] if data.strip() else b""
    elif env:
        if env not in os.environ:
            raise LiaError(f"environment variable {env} (--passphrase-env) is not set")
        value = os.environ[env].encode("utf-8")
    else:
        return None
    if not value:
        raise LiaError("the passphrase is empty; expected at least one character")
    return value


def load_private_key(path: Path, passphrase: bytes | None = None) -> Any:
    """Load an Ed25519 private key PEM (PKCS8, possibly encrypted)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(path)
    data = _read_small(path, "private key file")
    if b"-----BEGIN" not in data:
        raise InputError("expected a PEM private key (-----BEGIN PRIVATE KEY----- or "
                         "-----BEGIN ENCRYPTED PRIVATE KEY-----)", file=path)
    encrypted = b"ENCRYPTED" in data
    if encrypted and passphrase is None:
        raise LiaError(f"{path}: the private key is passphrase-protected; "
                       "give --passphrase-env VAR or --passphrase-file FILE")
    try:
        key = serialization.load_pem_private_key(data, password=passphrase if encrypted else None)
    except (ValueError, TypeError) as exc:
        if encrypted:
            raise LiaError(f"{path}: cannot decrypt the private key (wrong passphrase?)") from None
        raise InputError(f"not a readable PEM private key ({exc})", file=path) from None
    except Exception as exc:  # cryptography raises a few odd types for hostile input
        raise InputError(f"not a readable PEM private key ({type(exc).__name__})", file=path) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(f"expected an Ed25519 key, found {type(key).__name__}", file=path)
    return key


def _load_public_pem(pem: str, path: Path, where: str) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(pem.encode("utf-8"))
    except Exception:
        raise InputError("expected a PEM public key (-----BEGIN PUBLIC KEY-----)", file=path, where=where) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError(f"expected an Ed25519 public key, found {type(key).__name__}", file=path, where=where)
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


def load_trusted_keys(path: Path) -> dict[str, TrustedKey]:
    """Read and check the trusted-keys file; keyid -> TrustedKey. Missing file: empty."""
    from lia.loaders import parse_yaml

    path = Path(path)
    if not path.exists():
        return {}
    raw = _read_small(path, "trusted-keys file")
    try:
        doc = parse_yaml(raw.decode("utf-8"), path)
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=path) from None
    if doc is None:
        return {}
    if not isinstance(doc, dict) or not isinstance(doc.get("keys", []), list):
        raise InputError("expected a mapping with 'format: lia-trusted-keys/1' and a list 'keys'", file=path)
    if doc.get("format") != "lia-trusted-keys/1":
        raise InputError(f"expected format 'lia-trusted-keys/1', found {doc.get('format')!r}", file=path)
    out: dict[str, TrustedKey] = {}
    for i, entry in enumerate(doc.get("keys") or []):
        where = f"keys[{i}]"
        if not isinstance(entry, dict):
            raise InputError("expected a mapping with name, role, keyid, public_key, added", file=path, where=where)
        missing = [k for k in ("name", "role", "keyid", "public_key", "added") if k not in entry]
        if missing:
            raise InputError(f"missing {', '.join(missing)}", file=path, where=where)
        name, role, keyid, pem = entry["name"], entry["role"], entry["keyid"], entry["public_key"]
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise InputError(f"name {name!r}: expected 1-64 letters, digits, space, _ . @ -", file=path, where=where)
        if role not in ROLES:
            raise InputError(f"role {role!r}: expected one of {', '.join(ROLES)}", file=path, where=where)
        if not isinstance(pem, str):
            raise InputError("public_key: expected a PEM text", file=path, where=where)
        key = _load_public_pem(pem, path, where)
        actual = keyid_of(key)
        if keyid != actual:
            raise InputError(f"keyid {str(keyid)[:16]}... does not match the public key (expected {actual})",
                             file=path, where=where)
        if actual in out:
            raise InputError(f"key {actual[:16]}... is listed twice", file=path, where=where)
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
    from lia.loaders import parse_yaml

    if not path.exists():
        return []
    raw = _read_small(path, "trust configuration")
    try:
        doc = parse_yaml(raw.decode("utf-8"), path)
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=path) from None
    if doc is None:
        return []
    if not isinstance(doc, dict) or doc.get("format") != "lia-trust/1" or not isinstance(doc.get("roots", []), list):
        raise InputError("expected a mapping with 'format: lia-trust/1' and a list 'roots' of {root: sha256:...}",
                         file=path)
    out = []
    for i, r in enumerate(doc.get("roots") or []):
        if not (isinstance(r, dict) and isinstance(r.get("root"), str) and r["root"].strip()):
            raise InputError("expected {root: 'sha256:<hex>' (a key log's first entry) or a root key id}",
                             file=path, where=f"roots[{i}]")
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


# --------------------------------------------------------------------------- the key log

def _norm_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _entry_body(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in _ENTRY_FIELDS}


@dataclass
class KeyLog:
    """The workspace's key log, replayed: which keys it trusts now and what is wrong with it."""

    path: Path
    entries: list[dict[str, Any]] = field(default_factory=list)
    keys: dict[str, TrustedKey] = field(default_factory=dict)   # active keys: keyid -> TrustedKey
    root: str | None = None          # digest of the first entry
    root_keyid: str | None = None
    pinned: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def trusted(self) -> dict[str, TrustedKey]:
        """The keys a verification may trust: none unless the log is pinned and has no problem."""
        return self.keys if self.pinned and not self.problems else {}


def load_key_log(ws: Any, trust_roots: Any = ()) -> KeyLog:
    """Read and replay ``keys/key-log.json``.

    Each entry adds or revokes one key, names its parent's digest and is signed by the root
    key (entry 1, self-signed) or by a DPO key the log trusts at that point. The first entry
    must be pinned outside the workspace (:func:`pinned_roots`). A malformed file is an
    InputError; a broken chain, a bad signature, an unauthorised author or a duplicate name
    stop the replay and are listed in ``problems`` (keys before that entry stay listed in
    ``keys`` for display, but :attr:`KeyLog.trusted` is then empty).
    """
    path = key_log_path(ws)
    memo_key = (str(path), _stat_key(path), str(trust_config_path()), _stat_key(trust_config_path()),
                _stat_key(trusted_keys_path(ws)),
                os.environ.get(TRUST_ROOT_ENV, ""), tuple(sorted(str(x) for x in (trust_roots or ()))))
    hit = _LOG_MEMO.get(memo_key)
    if hit is not None:  # the same files and pins: the same answer (callers never change a KeyLog)
        return hit
    log = _replay_key_log(ws, path, trust_roots)
    if len(_LOG_MEMO) > 64:
        _LOG_MEMO.clear()
    _LOG_MEMO[memo_key] = log
    return log


_LOG_MEMO: dict[tuple[Any, ...], KeyLog] = {}


def _stat_key(path: Path) -> tuple[int, ...] | None:
    """Size, inode, mtime and ctime (a write always changes ctime); None when missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)


def _replay_key_log(ws: Any, path: Path, trust_roots: Any) -> KeyLog:
    from lia.canonical import canonical_json, digest_obj

    log = KeyLog(path)
    if not path.exists():
        if trusted_keys_path(ws).exists():
            log.problems.append(f"keys/{TRUSTED_KEYS_FILE} is no longer trusted by itself; move its keys into the "
                                f"key log with `lia keys migrate --signed-by KEY` (KEY: one of its DPO keys)")
        return log
    doc = _json_file(path, "key log")
    if not isinstance(doc, dict) or doc.get("format") != "lia-key-log/1" or not isinstance(doc.get("entries"), list):
        raise InputError("expected {format: 'lia-key-log/1', entries: [...]}", file=path)
    rel = f"keys/{KEY_LOG_FILE}"
    active: dict[str, TrustedKey] = {}
    seen: set[str] = set()
    parent = None
    for i, e in enumerate(doc["entries"]):
        where = f"entries[{i}]"
        if not isinstance(e, dict) or any(k not in e for k in (*_ENTRY_FIELDS, "digest", "sig")):
            raise InputError(f"expected an entry with {', '.join(_ENTRY_FIELDS)}, digest, sig", file=path, where=where)
        n = i + 1
        body = _entry_body(e)
        if e["number"] != n:
            log.problems.append(f"{rel} entry {n}: numbered {e['number']!r}; an entry was removed or inserted")
            break
        if e["parent"] != parent:
            log.problems.append(f"{rel} entry {n}: its parent is not the digest of entry {n - 1}; "
                                "the log was edited or reordered")
            break
        try:
            digest = digest_obj(body)
        except Exception:
            raise InputError("the entry cannot be canonicalised (expected plain JSON values)", file=path,
                             where=where) from None
        if e["digest"] != digest:
            log.problems.append(f"{rel} entry {n}: its digest does not match its content; the entry was edited")
            break
        if e["action"] not in ("add", "revoke") or e["role"] not in ROLES or not isinstance(e["name"], str) \
                or not _NAME_RE.match(e["name"]) or not isinstance(e["public_key"], str):
            raise InputError("expected action add|revoke, a role, a name and a PEM public_key", file=path, where=where)
        key = _load_public_pem(e["public_key"], path, where)
        kid = keyid_of(key)
        if e["keyid"] != kid:
            log.problems.append(f"{rel} entry {n}: keyid does not match its public key")
            break
        if n == 1:
            if e["action"] != "add" or e["author"] != kid:
                log.problems.append(f"{rel} entry 1: the root entry must add a key and be signed by that key")
                break
            author_key, author_name = key, e["name"]
        else:
            ak = active.get(e["author"])
            if ak is None or not (ak.keyid == log.root_keyid or ak.role == "dpo"):
                log.problems.append(f"{rel} entry {n}: signed by key {str(e['author'])[:16]}..., which is not the "
                                    "root key or a trusted DPO key at that point")
                break
            author_key, author_name = ak.public_key, ak.name
        sig = _b64decode(e["sig"], path, f"{where}.sig")
        if not _verify_sig(author_key, sig, pae(KEYLOG_PAYLOAD_TYPE, canonical_json(body))):
            log.problems.append(f"{rel} entry {n}: the signature does not verify; the entry was changed")
            break
        if e["action"] == "add":
            if kid in seen:
                log.problems.append(f"{rel} entry {n}: key {kid[:16]}... was already in the log; "
                                    "a key is added once")
                break
            dup = next((k for k in active.values() if _norm_name(k.name) == _norm_name(e["name"])), None)
            if dup is not None:
                log.problems.append(f"{rel} entry {n}: a key named {e['name']} is already trusted (entry {dup.entry}); "
                                    "duplicate names are refused")
                break
            active[kid] = TrustedKey(e["name"], e["role"], kid, e["public_key"], str(e["time"]), key, n, author_name)
            seen.add(kid)
        else:
            if kid not in active or kid == log.root_keyid:
                log.problems.append(f"{rel} entry {n}: revokes a key that is not trusted, or the root key")
                break
            del active[kid]
        if n == 1:
            log.root, log.root_keyid = digest, kid
        log.entries.append(e)
        parent = digest
    log.keys = active
    if log.root is not None:
        pins = pinned_roots(trust_roots)
        log.pinned = log.root in pins or (log.root_keyid or "") in pins
        if not log.pinned:
            log.problems.append(f"{rel}: its root entry {log.root} is not pinned in {trust_config_path()} "
                                f"or {TRUST_ROOT_ENV}; run `lia keys pin {log.root}` if you trust it")
    return log


def _append_entry(ws: Any, action: str, name: str, role: str, public_key: Any, author_key: Any,
                  trust_roots: Any = ()) -> tuple[dict[str, Any], KeyLog]:
    from cryptography.hazmat.primitives import serialization

    from lia.canonical import canonical_json, digest_obj

    log = load_key_log(ws, trust_roots)
    if log.entries and log.problems:
        raise LiaError(f"{log.path}: refusing to extend a key log that does not verify: " + "; ".join(log.problems))
    pem = public_key.public_bytes(serialization.Encoding.PEM,
                                  serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    kid = keyid_of(public_key)
    author = keyid_of(author_key.public_key())
    if not log.entries and (action != "add" or author != kid):
        raise LiaError(f"{log.path}: the first entry must add a key signed by that same key (the root)")
    if log.entries:
        ak = log.keys.get(author)
        if ak is None or not (author == log.root_keyid or ak.role == "dpo"):
            raise LiaError(f"{log.path}: the signing key {author[:16]}... is not the root key or a trusted DPO key; "
                           "only they may change whom this workspace trusts")
    body = {"number": len(log.entries) + 1, "action": action, "name": name, "role": role, "keyid": kid,
            "public_key": pem, "time": _now(), "author": author, "parent": log.root and log.entries[-1]["digest"]}
    entry = {**body, "digest": digest_obj(body),
             "sig": _b64(author_key.sign(pae(KEYLOG_PAYLOAD_TYPE, canonical_json(body))))}
    return entry, log


def _write_log(ws: Any, log: KeyLog, entry: dict[str, Any]) -> None:
    doc = {"format": "lia-key-log/1", "entries": [*log.entries, entry]}
    write_atomic(log.path, (json.dumps(doc, indent=2) + "\n").encode("utf-8"))


def add_trusted_key(ws: Any, name: str, role: str, public_key: Any, signed_by: Any = None) -> TrustedKey:
    """Append an ``add`` entry for ``public_key`` to the key log, signed by ``signed_by`` (a private key).

    An empty log takes the key as its root (``signed_by`` must then be the key's own private
    key) and pins that root in the user's trust configuration.
    Refuses a name or key already trusted.
    """
    if role not in ROLES:
        raise LiaError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    log = load_key_log(ws)
    kid = keyid_of(public_key)
    if kid in log.keys:
        raise LiaError(f"{log.path}: this key is already trusted as {log.keys[kid].name} ({log.keys[kid].role})")
    dup = next((k for k in log.keys.values() if _norm_name(k.name) == _norm_name(name)), None)
    if dup is not None:
        raise LiaError(f"{log.path}: a key named {dup.name!r} is already trusted (entry {dup.entry}); choose another name")
    if signed_by is None:
        raise LiaError(f"{log.path}: a new trusted key must be signed into the key log by the root key or a DPO key")
    entry, log = _append_entry(ws, "add", name, role, public_key, signed_by)
    _write_log(ws, log, entry)
    if entry["number"] == 1:
        pin_root(entry["digest"], f"{name} ({role}), {Path(ws.home).resolve()}")
    return TrustedKey(name, role, kid, entry["public_key"], entry["time"], public_key, entry["number"],
                      name if entry["number"] == 1 else log.keys[entry["author"]].name)


def revoke_key(ws: Any, name: str, signed_by: Any) -> dict[str, Any]:
    """Append a ``revoke`` entry for the trusted key called ``name``, signed by the root or a DPO key."""
    log = load_key_log(ws)
    k = next((k for k in log.keys.values() if _norm_name(k.name) == _norm_name(name)), None)
    if k is None:
        raise LiaError(f"{log.path}: no trusted key named {name!r}")
    if k.keyid == log.root_keyid:
        raise LiaError(f"{log.path}: {name} holds the root key, which cannot be revoked; start a new key log")
    entry, log = _append_entry(ws, "revoke", k.name, k.role, k.public_key, signed_by)
    _write_log(ws, log, entry)
    return {"name": k.name, "role": k.role, "keyid": k.keyid, "entry": entry["number"]}


def migrate_trusted_keys(ws: Any, signed_by: Any) -> list[TrustedKey]:
    """Move the keys of a legacy ``keys/trusted-keys.yaml`` into a new key log.

    ``signed_by`` (a private key listed in that file) becomes the root, pinned for this
    user, and admits every other listed key; the old file is renamed to ``.migrated``.
    """
    path = trusted_keys_path(ws)
    old = load_trusted_keys(path)
    if not old:
        raise LiaError(f"{path}: no trusted keys to migrate")
    if key_log_path(ws).exists():
        raise LiaError(f"{key_log_path(ws)} already exists; add keys with `lia keys new` or import them one by one")
    kid = keyid_of(signed_by.public_key())
    if kid not in old:
        raise LiaError(f"{path}: the --signed-by key {kid[:16]}... is not listed there; sign with one of its keys")
    if old[kid].role != "dpo":
        raise LiaError(f"{path}: the --signed-by key belongs to {old[kid].name} ({old[kid].role}); the root that "
                       "admits the others must be a DPO key")
    root = old[kid]
    out = [add_trusted_key(ws, root.name, root.role, root.public_key, signed_by)]
    for k in old.values():
        if k.keyid != kid:
            out.append(add_trusted_key(ws, k.name, k.role, k.public_key, signed_by))
    os.replace(path, path.with_name(TRUSTED_KEYS_FILE + ".migrated"))
    return out


def _inside_workspace(ws: Any, out_dir: Path) -> Path | None:
    """The workspace (or git work tree) folder ``out_dir`` lies in, if any."""
    out = Path(os.path.abspath(out_dir))
    home = Path(os.path.abspath(ws.home))
    if out == home or home in out.parents:
        return home
    for d in (out, *out.parents):
        if (d / "assessments").is_dir() or (d / "keys" / KEY_LOG_FILE).exists() or (d / ".git").exists():
            return d
    return None


def new_key(ws: Any, name: str, role: str, out_dir: Path, passphrase: bytes | None = None,
            signed_by: Any = None) -> dict[str, Any]:
    """Create an Ed25519 key pair NAME.key (0600) / NAME.pub in out_dir and trust the public key.

    The first key of a workspace becomes the root of its key log (pinned in the user's
    trust configuration); every later key must be admitted by ``signed_by``, the private
    key of the root or of a trusted DPO. An unencrypted private key is refused inside a
    workspace or a git work tree, where ``git add -A`` would commit it.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if not _NAME_RE.match(name) or name.strip() != name:
        raise LiaError(f"key name {name!r}: expected 1-64 letters, digits, space, _ . @ - (no path separators)")
    if role not in ROLES:
        raise LiaError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    out_dir = Path(out_dir)
    inside = _inside_workspace(ws, out_dir)
    if inside is not None and Path(os.path.abspath(ws.reports_dir)) in (Path(os.path.abspath(out_dir)),
                                                                          *Path(os.path.abspath(out_dir)).parents):
        raise LiaError(f"--out {out_dir}: a private key may not be written into a report folder")
    if inside is not None and not passphrase:
        raise LiaError(f"--out {out_dir} is inside {inside}, where `git add -A` or a copy of the workspace would "
                       "take the private key along; write it to your own folder (the default is "
                       f"{user_config_dir() / 'keys'}) or protect it with --passphrase-env VAR / --passphrase-file FILE")
    priv_path, pub_path = out_dir / f"{name}.key", out_dir / f"{name}.pub"
    for p in (priv_path, pub_path):
        if p.exists():
            raise LiaError(f"{p} already exists; refusing to overwrite a key")
    # Fail early (before creating files) if the name is already trusted or no one may admit the key.
    log = load_key_log(ws)
    dup = next((k for k in log.keys.values() if _norm_name(k.name) == _norm_name(name)), None)
    if dup is not None:
        raise LiaError(f"{log.path}: a key named {dup.name!r} is already trusted (entry {dup.entry}); "
                       "choose another name")
    if log.entries and signed_by is None:
        raise LiaError(f"{log.path}: this workspace already trusts keys; a new key must be admitted by the root key "
                       "or a DPO key: give --signed-by THEIR.key")
    key = Ed25519PrivateKey.generate()
    enc: Any = (serialization.BestAvailableEncryption(passphrase) if passphrase
                else serialization.NoEncryption())
    priv_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)
    pub_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(priv_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(priv_pem)
            fh.flush()
            os.fsync(fh.fileno())
        write_atomic(pub_path, pub_pem)
        entry = add_trusted_key(ws, name, role, key.public_key(), signed_by if log.entries else key)
    except BaseException:
        for p in (priv_path, pub_path):
            if p.exists():
                p.unlink()
        raise
    return {"name": name, "role": role, "keyid": entry.keyid, "private_key": str(priv_path),
            "public_key": str(pub_path), "key_log": str(key_log_path(ws)), "trusted_keys": str(key_log_path(ws)),
            "entry": entry.entry, "added_by": entry.added_by, "root": entry.entry == 1,
            "pinned_in": str(trust_config_path()) if entry.entry == 1 else None,
            "encrypted": bool(passphrase)}


# --------------------------------------------------------------------------- statement

_SUBJECT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def load_statement(report_dir: Path) -> tuple[bytes, dict[str, Any]]:
    """Read statement.json; check it is an in-toto Statement v1 of ours. Returns (bytes, object)."""
    path = Path(report_dir) / STATEMENT_FILE
    raw = _read_small(path, "statement")
    st = _json_file(path, "statement")
    if not isinstance(st, dict):
        raise InputError("expected a JSON object (in-toto Statement)", file=path)
    if st.get("_type") != STATEMENT_TYPE:
        raise InputError(f"_type: expected {STATEMENT_TYPE!r}, found {st.get('_type')!r}", file=path)
    subjects = st.get("subject")
    if not isinstance(subjects, list) or not subjects:
        raise InputError("subject: expected a non-empty list of {name, digest: {sha256}}", file=path)
    for i, s in enumerate(subjects):
        ok = (isinstance(s, dict) and isinstance(s.get("name"), str) and _SUBJECT_NAME.match(s["name"])
              and isinstance(s.get("digest"), dict) and isinstance(s["digest"].get("sha256"), str)
              and _HEX64.match(s["digest"]["sha256"]))
        if not ok:
            raise InputError("expected {name: a plain file name, digest: {sha256: 64 hex digits}}",
                             file=path, where=f"subject[{i}]")
    pred = st.get("predicate")
    if not isinstance(pred, dict):
        raise InputError("predicate: expected an object", file=path)
    for key, typ in (("assessment", dict), ("answers", dict), ("questionnaires", list), ("rule_packs", list),
                     ("template", dict), ("library", dict), ("rendered_at", str), ("lang", str)):
        if not isinstance(pred.get(key), typ):
            raise InputError(f"predicate.{key}: expected {typ.__name__}", file=path)
    if not isinstance(pred["assessment"].get("id"), str) or not isinstance(pred["answers"].get("version"), int):
        raise InputError("predicate: expected assessment.id (text) and answers.version (number)", file=path)
    return raw, st


# --------------------------------------------------------------------------- envelope

def _load_envelope(report_dir: Path) -> dict[str, Any] | None:
    path = Path(report_dir) / ENVELOPE_FILE
    if not path.exists():
        return None
    env = _json_file(path, "DSSE envelope")
    if not isinstance(env, dict):
        raise InputError("expected a DSSE envelope object {payload, payloadType, signatures}", file=path)
    if env.get("payloadType") != PAYLOAD_TYPE:
        raise InputError(f"payloadType: expected {PAYLOAD_TYPE!r}, found {env.get('payloadType')!r}", file=path)
    env["_payload"] = _b64decode(env.get("payload"), path, "payload")
    sigs = env.get("signatures")
    if not isinstance(sigs, list):
        raise InputError("signatures: expected a list of {keyid, sig}", file=path)
    for i, s in enumerate(sigs):
        if not (isinstance(s, dict) and isinstance(s.get("keyid"), str) and isinstance(s.get("sig"), str)):
            raise InputError("expected {keyid: text, sig: base64}", file=path, where=f"signatures[{i}]")
        s["_sig"] = _b64decode(s["sig"], path, f"signatures[{i}].sig")
    return env


def _load_records(report_dir: Path) -> list[dict[str, Any]]:
    path = Path(report_dir) / RECORDS_FILE
    if not path.exists():
        return []
    doc = _json_file(path, "signing records")
    if not isinstance(doc, dict) or doc.get("format") != "lia-signing-records/1" \
            or not isinstance(doc.get("records"), list):
        raise InputError("expected {format: 'lia-signing-records/1', records: [DSSE envelopes]}", file=path)
    out = []
    for i, env in enumerate(doc["records"]):
        where = f"records[{i}]"
        if not isinstance(env, dict) or env.get("payloadType") != RECORD_PAYLOAD_TYPE:
            raise InputError(f"expected a DSSE envelope with payloadType {RECORD_PAYLOAD_TYPE!r}",
                             file=path, where=where)
        payload = _b64decode(env.get("payload"), path, f"{where}.payload")
        sigs = env.get("signatures")
        if not (isinstance(sigs, list) and len(sigs) == 1 and isinstance(sigs[0], dict)
                and isinstance(sigs[0].get("keyid"), str)):
            raise InputError("expected exactly one signature {keyid, sig}", file=path, where=where)
        sig = _b64decode(sigs[0].get("sig"), path, f"{where}.signatures[0].sig")
        try:
            rec = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InputError("payload is not a JSON signing record", file=path, where=where) from None
        if not isinstance(rec, dict) or not all(isinstance(rec.get(k), str) for k in
                                                ("statement", "keyid", "name", "role", "signed_at")):
            raise InputError("expected a record {statement, keyid, name, role, signed_at}", file=path, where=where)
        cos = rec.get("cosigners", [])
        if not (isinstance(cos, list) and all(isinstance(c, str) for c in cos)):
            raise InputError("cosigners: expected a list of key ids", file=path, where=where)
        out.append({"keyid": sigs[0]["keyid"], "payload": payload, "sig": sig, "record": rec, "envelope": env})
    return out


def _verify_sig(public_key: Any, sig: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        public_key.verify(sig, message)
        return True
    except (InvalidSignature, ValueError):
        return False


def check_subjects(report_dir: Path, statement: dict[str, Any]) -> list[tuple[str, str]]:
    """Compare every subject's SHA-256 with the file; flag links and every file the statement does not cover.

    A report folder holds plain files only: a symbolic link (even to identical bytes) is
    refused, and any other entry - hidden files and folders included - is reported.
    """
    report_dir = Path(report_dir)
    problems: list[tuple[str, str]] = []
    listed = set()
    for s in statement["subject"]:
        name = s["name"]
        listed.add(name)
        path = report_dir / name
        if path.is_symlink():
            problems.append((name, "is a symbolic link; a report folder holds only plain files"))
            continue
        if not path.is_file():
            problems.append((name, "listed in statement.json but missing"))
            continue
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        if h.hexdigest() != s["digest"]["sha256"]:
            problems.append((name, "SHA-256 differs from statement.json: the file was changed"))
    own = {STATEMENT_FILE, ENVELOPE_FILE, RECORDS_FILE}
    for p in sorted(report_dir.iterdir()):
        if p.name in own and p.is_symlink():
            problems.append((p.name, "is a symbolic link; a report folder holds only plain files"))
        elif p.name not in listed and p.name not in own:
            if p.name.startswith(f".{ENVELOPE_FILE}.") or p.name.startswith(f".{RECORDS_FILE}."):
                continue  # a signature being written right now (write_atomic's temporary file)
            kind = "folder" if p.is_dir() and not p.is_symlink() else "file"
            problems.append((p.name, "not listed in statement.json (added after rendering)" if kind == "file"
                             else "a folder not listed in statement.json (added after rendering)"))
    return problems


def check_binding(ws: Any, report_dir: Path, statement: dict[str, Any]) -> list[tuple[str, str]]:
    """Whether the statement belongs where it was found.

    Under the workspace's ``reports/`` the folder must be ``<assessment id>/v<N>`` (or
    ``v<N>-r<k>``) of the statement's id and answers version; wherever the folder is, the
    workspace's stored answers version N of that assessment (when it has that assessment)
    must have the digest the statement was built from. A report copied under another
    assessment or version, or into a workspace with other answers, fails here.
    """
    report_dir = Path(report_dir)
    pred = statement["predicate"]
    aid, n = str(pred["assessment"]["id"]), pred["answers"]["version"]
    problems: list[tuple[str, str]] = []
    if report_dir.is_symlink():
        problems.append((report_dir.name, "the report folder is a symbolic link; expected a plain folder"))
    here, reports = Path(os.path.abspath(report_dir)), Path(os.path.abspath(ws.reports_dir))
    if reports in here.parents:
        rel = here.relative_to(reports).parts
        m = re.match(r"^v(\d+)(?:-r\d+)?$", rel[-1])
        if len(rel) != 2 or rel[0] != aid:
            problems.append((STATEMENT_FILE, f"the statement is for assessment {aid} but the report is in "
                                             f"reports/{'/'.join(rel)}"))
        elif m is None or int(m.group(1)) != n:
            problems.append((STATEMENT_FILE, f"the statement is for answers version {n} of {aid} but the report is "
                                             f"in reports/{'/'.join(rel)}"))
    vdir = Path(ws.assessments_dir) / aid / "versions"
    if re.match(r"^[a-z0-9][a-z0-9-]{0,62}$", aid) and vdir.is_dir():
        vfile = vdir / f"{n:04d}.json"
        try:
            have = json.loads(vfile.read_text(encoding="utf-8")).get("digest")
        except FileNotFoundError:
            problems.append((STATEMENT_FILE, f"the statement is for answers version {n} of {aid}, which this "
                                             "workspace does not have"))
        except (OSError, ValueError, AttributeError):
            pass  # unreadable: staleness says so
        else:
            want = pred["answers"].get("digest")
            if have != want:
                problems.append((STATEMENT_FILE, f"the statement was built from answers {want}, but version {n} of "
                                                 f"{aid} in this workspace is {have}"))
    return problems


# --------------------------------------------------------------------------- sign

def sign_report(ws: Any, report_dir: Path, key_path: Path, passphrase: bytes | None = None,
                private_key: Any = None, signer: tuple[str, str] | None = None) -> dict[str, Any]:
    """Add (or replace) this key's signature on REPORT_DIR/statement.dsse.json.

    The key must be in the workspace's trusted keys (its name and role come
    from there), unless ``private_key`` and ``signer=(name, role)`` are given
    directly (used by tests to forge signatures by untrusted keys). A report
    whose files no longer match its statement is refused.
    """
    report_dir = Path(report_dir)
    raw, st = load_statement(report_dir)
    problems = check_subjects(report_dir, st) + check_binding(ws, report_dir, st)
    if problems:
        listing = "; ".join(f"{n}: {m}" for n, m in problems)
        raise LiaError(f"{report_dir}: refusing to sign, the report does not match its statement ({listing})")
    key = private_key if private_key is not None else load_private_key(Path(key_path), passphrase)
    keyid = keyid_of(key.public_key())
    if signer is None:
        log = load_key_log(ws)
        trusted = log.trusted
        if keyid not in trusted:
            why = ("; ".join(log.problems) + "; ") if log.problems else ""
            raise LiaError(f"{key_path}: key {keyid[:16]}... is not trusted by {log.path}; {why}"
                           "create keys with 'lia keys new' (admitted with --signed-by by the root or a DPO key)")
        name, role = trusted[keyid].name, trusted[keyid].role
    else:
        name, role = signer

    env = _load_envelope(report_dir)
    if env is not None and env["_payload"] != raw:
        raise LiaError(f"{report_dir / ENVELOPE_FILE}: its payload is not this statement.json; "
                       "the envelope belongs to another report or the statement was changed")
    sigs = [] if env is None else [{"keyid": s["keyid"], "sig": s["sig"]} for s in env["signatures"]
                                   if s["keyid"] != keyid]
    replaced = env is not None and len(sigs) != len(env["signatures"])
    sigs.append({"keyid": keyid, "sig": _b64(key.sign(pae(PAYLOAD_TYPE, raw)))})
    envelope = {"payload": _b64(raw), "payloadType": PAYLOAD_TYPE, "signatures": sigs}

    signed_at = _now()
    # The other signatures already on the report: removing one of them later is then detected.
    record = {"statement": "sha256:" + _sha256_hex(raw), "keyid": keyid, "name": name, "role": role,
              "signed_at": signed_at, "cosigners": sorted(s["keyid"] for s in sigs if s["keyid"] != keyid)}
    rec_bytes = json.dumps(record, sort_keys=True, separators=(",", ":")).encode("utf-8")
    rec_env = {"payload": _b64(rec_bytes), "payloadType": RECORD_PAYLOAD_TYPE,
               "signatures": [{"keyid": keyid, "sig": _b64(key.sign(pae(RECORD_PAYLOAD_TYPE, rec_bytes)))}]}
    records = [r["envelope"] for r in _load_records(report_dir) if r["keyid"] != keyid]
    records.append(rec_env)

    write_atomic(report_dir / RECORDS_FILE, (json.dumps({"format": "lia-signing-records/1", "records": records},
                                                        indent=2) + "\n").encode("utf-8"))
    write_atomic(report_dir / ENVELOPE_FILE, (json.dumps(envelope, indent=2) + "\n").encode("utf-8"))
    return {"report": str(report_dir), "keyid": keyid, "name": name, "role": role, "signed_at": signed_at,
            "replaced": replaced, "signatures": len(sigs)}


# --------------------------------------------------------------------------- verify

@dataclass
class Signer:
    """One signature on the envelope and what verification found."""

    keyid: str
    name: str | None
    role: str | None
    signed_at: str | None
    valid: bool
    problem: str | None = None
    key_log_entry: int | None = None   # the key log entry that trusted this key
    added_by: str | None = None        # who signed that entry

    def to_json(self) -> dict[str, Any]:
        """Plain dict for --json."""
        return {"keyid": self.keyid, "name": self.name, "role": self.role, "signed_at": self.signed_at,
                "valid": self.valid, "problem": self.problem, "key_log_entry": self.key_log_entry,
                "added_by": self.added_by}


@dataclass
class Verification:
    """Result of verifying one report directory."""

    report_dir: str
    assessment: str | None = None
    version: int | None = None
    status: str | None = None
    signers: list[Signer] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file, message)
    stale: list[str] = field(default_factory=list)
    currency_checked: bool = False

    @property
    def ok(self) -> bool:
        """No integrity or signature problem (the report may still be stale)."""
        return not self.problems

    @property
    def exit_code(self) -> int:
        """0 valid and current, 1 integrity/signature problem, 3 valid but stale."""
        if self.problems:
            return 1
        return 3 if self.stale else 0

    def to_json(self) -> dict[str, Any]:
        """Plain dict for --json."""
        return {"report_dir": self.report_dir, "assessment": self.assessment, "version": self.version,
                "status": self.status, "ok": self.ok, "current": self.currency_checked and not self.stale,
                "signers": [s.to_json() for s in self.signers],
                "problems": [{"file": f, "message": m} for f, m in self.problems], "stale": self.stale,
                "exit_code": self.exit_code}


#: The roles a report's signatures must include, by the assessment status in its statement.
REQUIRED_ROLES = {"approved": ("dpo",)}


def verify_report(ws: Any, report_dir: Path, trusted_keys: Path | None = None,
                  check_current: bool = True, templates: Path | None = None,
                  trust_roots: Any = ()) -> Verification:
    """Check signatures, file digests, where the report lies and (optionally) whether its inputs are current.

    Keys are trusted through the workspace's key log (:func:`load_key_log`, its root pinned
    outside the workspace; ``trust_roots`` adds pins), or, when ``trusted_keys`` names a
    file, through that file alone. Malformed files give an InputError naming them;
    everything else ends up in ``Verification.problems`` (file, message) or
    ``Verification.stale``.
    """
    report_dir = Path(report_dir)
    if not report_dir.is_dir():
        raise InputError("expected a report directory (reports/<id>/v<N>)", file=report_dir)
    res = Verification(str(report_dir))
    raw, st = load_statement(report_dir)
    pred = st["predicate"]
    res.assessment = pred["assessment"].get("id")
    res.version = pred["answers"].get("version")
    res.status = pred["assessment"].get("status")
    res.problems.extend(check_subjects(report_dir, st))
    res.problems.extend(check_binding(ws, report_dir, st))

    if trusted_keys:
        trusted = load_trusted_keys(Path(trusted_keys))
    else:
        log = load_key_log(ws, trust_roots)
        trusted = log.trusted
        res.problems.extend((f"keys/{KEY_LOG_FILE}", m) for m in log.problems)
    env = _load_envelope(report_dir)
    records = _load_records(report_dir)
    statement_digest = "sha256:" + _sha256_hex(raw)
    if env is None:
        res.problems.append((ENVELOPE_FILE, "missing: the report is not signed"))
        for r in records:
            res.problems.append((RECORDS_FILE, f"a signing record by {r['record']['name']} "
                                               f"({r['record']['role']}) has no signature: the signature was removed"))
    else:
        if env["_payload"] != raw:
            res.problems.append((ENVELOPE_FILE, "payload differs from statement.json: "
                                                "the statement or the envelope was changed"))
        if not env["signatures"]:
            res.problems.append((ENVELOPE_FILE, "no signatures"))
        seen = set()
        valid_records = []
        for s in env["signatures"]:
            kid = s["keyid"]
            tk = trusted.get(kid)
            signer = Signer(kid, tk.name if tk else None, tk.role if tk else None, None, False,
                            key_log_entry=tk.entry if tk else None, added_by=tk.added_by if tk else None)
            res.signers.append(signer)
            if kid in seen:
                signer.problem = "signed twice by the same key"
            elif tk is None:
                signer.problem = "key is not in the trusted keys"
            elif not _verify_sig(tk.public_key, s["_sig"], pae(PAYLOAD_TYPE, env["_payload"])):
                signer.problem = "signature does not match (wrong key or changed payload)"
            else:
                rec = next((r for r in records if r["keyid"] == kid), None)
                if rec is None:
                    signer.problem = f"no signing record in {RECORDS_FILE}"
                elif not _verify_sig(tk.public_key, rec["sig"], pae(RECORD_PAYLOAD_TYPE, rec["payload"])):
                    signer.problem = f"signing record in {RECORDS_FILE} has a bad signature"
                elif rec["record"]["statement"] != statement_digest or rec["record"]["keyid"] != kid:
                    signer.problem = f"signing record in {RECORDS_FILE} is for another statement"
                elif rec["record"]["role"] != tk.role:
                    signer.problem = (f"signed as {rec['record']['role']} but the trusted keys say {tk.role}")
                else:
                    signer.valid = True
                    signer.signed_at = rec["record"]["signed_at"]
                    valid_records.append(rec)
            seen.add(kid)
            if signer.problem:
                who = f"{tk.name} ({tk.role})" if tk else f"key {kid[:16]}..."
                res.problems.append((ENVELOPE_FILE, f"signature by {who}: {signer.problem}"))
        # Removed signers: a record whose signature is gone, or a signer a valid record names as co-signer.
        on_env = {s["keyid"] for s in env["signatures"]}
        for r in records:
            if r["keyid"] not in on_env:
                res.problems.append((RECORDS_FILE, f"a signing record by {r['record']['name']} "
                                                   f"({r['record']['role']}) has no signature: the signature was removed"))
        for r in valid_records:
            for c in r["record"].get("cosigners", []):
                if c not in on_env:
                    tk = trusted.get(c)
                    who = f"{tk.name} ({tk.role})" if tk else f"key {c[:16]}..."
                    res.problems.append((ENVELOPE_FILE, f"the signature by {who} was removed (the signing record "
                                                        f"of {r['record']['name']} names it)"))
        for role in REQUIRED_ROLES.get(str(res.status), ()):
            if not any(s.valid and s.role == role for s in res.signers):
                if role == "dpo":
                    res.problems.append((ENVELOPE_FILE, "the assessment is approved but no valid DPO signature "
                                                        "is present"))
                else:  # pragma: no cover - only dpo is required today
                    res.problems.append((ENVELOPE_FILE, f"status {res.status} needs a valid {role} signature"))

    if check_current:
        from lia.report import stale_reasons

        try:
            res.stale = stale_reasons(ws, st, templates)
            res.currency_checked = True
        except LiaError as exc:
            res.stale = [f"cannot check whether the inputs are current: {exc}"]
    return res
