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
    "STATEMENT_TYPE", "TRUSTED_KEYS_FILE", "Signer", "TrustedKey", "Verification", "add_trusted_key",
    "keyid_of", "load_private_key", "load_statement", "load_trusted_keys", "new_key", "pae",
    "read_passphrase", "sign_report", "trusted_keys_path", "verify_report", "write_atomic",
]

ROLES = ("assessor", "dpo", "legal")
STATEMENT_FILE = "statement.json"
ENVELOPE_FILE = "statement.dsse.json"
RECORDS_FILE = "signatures.json"
TRUSTED_KEYS_FILE = "trusted-keys.yaml"
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
    """One entry of the trusted-keys file."""

    name: str
    role: str
    keyid: str
    public_key_pem: str
    added: str
    public_key: Any = field(compare=False, repr=False, default=None)


def trusted_keys_path(ws: Any) -> Path:
    """``<home>/keys/trusted-keys.yaml``."""
    return Path(ws.keys_dir) / TRUSTED_KEYS_FILE


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


def _dump_trusted(keys: list[TrustedKey]) -> bytes:
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


def add_trusted_key(ws: Any, name: str, role: str, public_key: Any) -> TrustedKey:
    """Add a public key to the workspace's trusted keys (refuses a duplicate name or key)."""
    from cryptography.hazmat.primitives import serialization

    path = trusted_keys_path(ws)
    keys = load_trusted_keys(path)
    keyid = keyid_of(public_key)
    if keyid in keys:
        raise LiaError(f"{path}: this key is already trusted as {keys[keyid].name} ({keys[keyid].role})")
    if any(k.name == name for k in keys.values()):
        raise LiaError(f"{path}: a key named {name!r} is already trusted; choose another name")
    pem = public_key.public_bytes(serialization.Encoding.PEM,
                                  serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    entry = TrustedKey(name, role, keyid, pem, _now(), public_key)
    write_atomic(path, _dump_trusted([*keys.values(), entry]))
    return entry


def new_key(ws: Any, name: str, role: str, out_dir: Path, passphrase: bytes | None = None) -> dict[str, Any]:
    """Create an Ed25519 key pair NAME.key (0600) / NAME.pub in out_dir and trust the public key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if not _NAME_RE.match(name) or name.strip() != name:
        raise LiaError(f"key name {name!r}: expected 1-64 letters, digits, space, _ . @ - (no path separators)")
    if role not in ROLES:
        raise LiaError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    out_dir = Path(out_dir)
    priv_path, pub_path = out_dir / f"{name}.key", out_dir / f"{name}.pub"
    for p in (priv_path, pub_path):
        if p.exists():
            raise LiaError(f"{p} already exists; refusing to overwrite a key")
    # Fail early (before creating files) if the name or key is already trusted.
    trusted = load_trusted_keys(trusted_keys_path(ws))
    if any(k.name == name for k in trusted.values()):
        raise LiaError(f"{trusted_keys_path(ws)}: a key named {name!r} is already trusted; choose another name")
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
        entry = add_trusted_key(ws, name, role, key.public_key())
    except BaseException:
        for p in (priv_path, pub_path):
            if p.exists():
                p.unlink()
        raise
    return {"name": name, "role": role, "keyid": entry.keyid, "private_key": str(priv_path),
            "public_key": str(pub_path), "trusted_keys": str(trusted_keys_path(ws)),
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
    """Compare every subject's SHA-256 with the file; also flag files the statement does not cover."""
    report_dir = Path(report_dir)
    problems: list[tuple[str, str]] = []
    listed = set()
    for s in statement["subject"]:
        name = s["name"]
        listed.add(name)
        path = report_dir / name
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
        if p.name not in listed and p.name not in own and not p.name.startswith("."):
            problems.append((p.name, "not listed in statement.json (added after rendering)"))
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
    problems = check_subjects(report_dir, st)
    if problems:
        listing = "; ".join(f"{n}: {m}" for n, m in problems)
        raise LiaError(f"{report_dir}: refusing to sign, the report does not match its statement ({listing})")
    key = private_key if private_key is not None else load_private_key(Path(key_path), passphrase)
    keyid = keyid_of(key.public_key())
    if signer is None:
        trusted = load_trusted_keys(trusted_keys_path(ws))
        if keyid not in trusted:
            raise LiaError(f"{key_path}: key {keyid[:16]}... is not in {trusted_keys_path(ws)}; "
                           "create keys with 'lia keys new' or add the public key there")
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
    record = {"statement": "sha256:" + _sha256_hex(raw), "keyid": keyid, "name": name, "role": role,
              "signed_at": signed_at}
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

    def to_json(self) -> dict[str, Any]:
        """Plain dict for --json."""
        return {"keyid": self.keyid, "name": self.name, "role": self.role, "signed_at": self.signed_at,
                "valid": self.valid, "problem": self.problem}


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


def verify_report(ws: Any, report_dir: Path, trusted_keys: Path | None = None,
                  check_current: bool = True, templates: Path | None = None) -> Verification:
    """Check signatures, file digests and (optionally) whether the inputs are still current.

    Malformed files give an InputError naming them; everything else ends up in
    ``Verification.problems`` (file, message) or ``Verification.stale``.
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

    trusted = load_trusted_keys(Path(trusted_keys) if trusted_keys else trusted_keys_path(ws))
    env = _load_envelope(report_dir)
    records = _load_records(report_dir)
    statement_digest = "sha256:" + _sha256_hex(raw)
    if env is None:
        res.problems.append((ENVELOPE_FILE, "missing: the report is not signed"))
    else:
        if env["_payload"] != raw:
            res.problems.append((ENVELOPE_FILE, "payload differs from statement.json: "
                                                "the statement or the envelope was changed"))
        if not env["signatures"]:
            res.problems.append((ENVELOPE_FILE, "no signatures"))
        seen = set()
        for s in env["signatures"]:
            kid = s["keyid"]
            tk = trusted.get(kid)
            signer = Signer(kid, tk.name if tk else None, tk.role if tk else None, None, False)
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
            seen.add(kid)
            if signer.problem:
                who = f"{tk.name} ({tk.role})" if tk else f"key {kid[:16]}..."
                res.problems.append((ENVELOPE_FILE, f"signature by {who}: {signer.problem}"))
        if res.status == "approved" and not any(s.valid and s.role == "dpo" for s in res.signers):
            res.problems.append((ENVELOPE_FILE, "the assessment is approved but no valid DPO signature is present"))

    if check_current:
        from lia.report import stale_reasons

        try:
            res.stale = stale_reasons(ws, st, templates)
            res.currency_checked = True
        except LiaError as exc:
            res.stale = [f"cannot check whether the inputs are current: {exc}"]
    return res
