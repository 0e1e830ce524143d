"""The workspace's key log: an append-only, hash-chained, signed list of the keys it trusts.

``<home>/keys/key-log.json`` (``lia-key-log/1``): each entry adds or revokes one key,
names its parent's digest and is signed by the root key (entry 1, self-signed) or by
a DPO key the log trusts at that point. The root is pinned outside the workspace
(:func:`lia.reports.keys.pinned_roots`). :func:`load_key_log` is the one place that
says which keys a workspace trusts; :func:`new_key` creates a key pair and admits it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Joined, LiaError, Message
from .dsse import KEYLOG_PAYLOAD_TYPE, _b64, _b64decode, _json_file, _now, _verify_sig, pae, write_atomic
from .keys import (KEY_LOG_FILE, ROLES, TRUST_ROOT_ENV, TRUSTED_KEYS_FILE, _NAME_RE, TrustedKey, _load_public_pem,
                   key_log_path, keyid_of, load_trusted_keys, pin_root, pinned_roots, trust_config_path,
                   trusted_keys_path, user_config_dir)

__all__ = ["KeyLog", "add_trusted_key", "load_key_log", "migrate_trusted_keys", "new_key", "revoke_key"]

_ENTRY_FIELDS = ("number", "action", "name", "role", "keyid", "public_key", "time", "author", "parent")


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
            log.problems.append(Message("status.keylog_legacy", file=f"keys/{TRUSTED_KEYS_FILE}"))
        return log
    doc = _json_file(path, "key log")
    if not isinstance(doc, dict) or doc.get("format") != "lia-key-log/1" or not isinstance(doc.get("entries"), list):
        raise InputError(Message("errors.keylog_shape"), file=path)
    rel = f"keys/{KEY_LOG_FILE}"
    active: dict[str, TrustedKey] = {}
    seen: set[str] = set()
    parent = None
    for i, e in enumerate(doc["entries"]):
        where = f"entries[{i}]"
        if not isinstance(e, dict) or any(k not in e for k in (*_ENTRY_FIELDS, "digest", "sig")):
            raise InputError(Message("errors.keylog_entry_shape", fields=", ".join(_ENTRY_FIELDS)), file=path, where=where)
        n = i + 1
        body = _entry_body(e)
        if e["number"] != n:
            log.problems.append(Message("status.keylog_number", log=rel, n=n, found=repr(e["number"])))
            break
        if e["parent"] != parent:
            log.problems.append(Message("status.keylog_parent", log=rel, n=n, m=n - 1))
            break
        try:
            digest = digest_obj(body)
        except Exception:
            raise InputError(Message("errors.keylog_not_canonical"), file=path,
                             where=where) from None
        if e["digest"] != digest:
            log.problems.append(Message("status.keylog_digest", log=rel, n=n))
            break
        if e["action"] not in ("add", "revoke") or e["role"] not in ROLES or not isinstance(e["name"], str) \
                or not _NAME_RE.match(e["name"]) or not isinstance(e["public_key"], str):
            raise InputError(Message("errors.keylog_entry_fields"), file=path, where=where)
        key = _load_public_pem(e["public_key"], path, where)
        kid = keyid_of(key)
        if e["keyid"] != kid:
            log.problems.append(Message("status.keylog_keyid", log=rel, n=n))
            break
        if n == 1:
            if e["action"] != "add" or e["author"] != kid:
                log.problems.append(Message("status.keylog_root", log=rel))
                break
            author_key, author_name = key, e["name"]
        else:
            ak = active.get(e["author"])
            if ak is None or not (ak.keyid == log.root_keyid or ak.role == "dpo"):
                log.problems.append(Message("status.keylog_author", log=rel, n=n, key=f"{str(e['author'])[:16]}..."))
                break
            author_key, author_name = ak.public_key, ak.name
        sig = _b64decode(e["sig"], path, f"{where}.sig")
        if not _verify_sig(author_key, sig, pae(KEYLOG_PAYLOAD_TYPE, canonical_json(body))):
            log.problems.append(Message("status.keylog_sig", log=rel, n=n))
            break
        if e["action"] == "add":
            if kid in seen:
                log.problems.append(Message("status.keylog_readded", log=rel, n=n, key=f"{kid[:16]}..."))
                break
            dup = next((k for k in active.values() if _norm_name(k.name) == _norm_name(e["name"])), None)
            if dup is not None:
                log.problems.append(Message("status.keylog_duplicate", log=rel, n=n, name=e["name"], m=dup.entry))
                break
            active[kid] = TrustedKey(e["name"], e["role"], kid, e["public_key"], str(e["time"]), key, n, author_name)
            seen.add(kid)
        else:
            if kid not in active or kid == log.root_keyid:
                log.problems.append(Message("status.keylog_revoke", log=rel, n=n))
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
            log.problems.append(Message("status.keylog_unpinned", log=rel, root=log.root, config=trust_config_path(),
                                        env=TRUST_ROOT_ENV, pin=log.root))
    return log


def _append_entry(ws: Any, action: str, name: str, role: str, public_key: Any, author_key: Any,
                  trust_roots: Any = ()) -> tuple[dict[str, Any], KeyLog]:
    from cryptography.hazmat.primitives import serialization

    from lia.canonical import canonical_json, digest_obj

    log = load_key_log(ws, trust_roots)
    if log.entries and log.problems:
        raise LiaError(Message("errors.keylog_refuse_extend", path=str(log.path), problems=Joined(log.problems, "; ")))
    pem = public_key.public_bytes(serialization.Encoding.PEM,
                                  serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    kid = keyid_of(public_key)
    author = keyid_of(author_key.public_key())
    if not log.entries and (action != "add" or author != kid):
        raise LiaError(Message("errors.keylog_first_entry", path=str(log.path)))
    if log.entries:
        ak = log.keys.get(author)
        if ak is None or not (author == log.root_keyid or ak.role == "dpo"):
            raise LiaError(Message("errors.keylog_author", path=str(log.path), key=author[:16]))
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
        raise LiaError(Message("errors.keys_bad_role", role=repr(role), roles=", ".join(ROLES)))
    log = load_key_log(ws)
    kid = keyid_of(public_key)
    if kid in log.keys:
        raise LiaError(Message("errors.keylog_already_trusted", path=str(log.path), name=log.keys[kid].name,
                               role=log.keys[kid].role))
    dup = next((k for k in log.keys.values() if _norm_name(k.name) == _norm_name(name)), None)
    if dup is not None:
        raise LiaError(Message("errors.keylog_name_taken", path=str(log.path), name=repr(dup.name), entry=dup.entry))
    if signed_by is None:
        raise LiaError(Message("errors.keylog_needs_signer", path=str(log.path)))
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
        raise LiaError(Message("errors.keylog_no_such_key", path=str(log.path), name=repr(name)))
    if k.keyid == log.root_keyid:
        raise LiaError(Message("errors.keylog_root_revoke", path=str(log.path), name=name))
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
        raise LiaError(Message("errors.keylog_nothing_to_migrate", path=str(path)))
    if key_log_path(ws).exists():
        raise LiaError(Message("errors.keylog_exists", path=str(key_log_path(ws))))
    kid = keyid_of(signed_by.public_key())
    if kid not in old:
        raise LiaError(Message("errors.keylog_signer_unlisted", path=str(path), key=kid[:16]))
    if old[kid].role != "dpo":
        raise LiaError(Message("errors.keylog_signer_not_dpo", path=str(path), name=old[kid].name, role=old[kid].role))
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
        raise LiaError(Message("errors.keylog_bad_name", name=repr(name)))
    if role not in ROLES:
        raise LiaError(Message("errors.keys_bad_role", role=repr(role), roles=", ".join(ROLES)))
    out_dir = Path(out_dir)
    inside = _inside_workspace(ws, out_dir)
    if inside is not None and Path(os.path.abspath(ws.reports_dir)) in (Path(os.path.abspath(out_dir)),
                                                                          *Path(os.path.abspath(out_dir)).parents):
        raise LiaError(Message("errors.keylog_out_report", out=str(out_dir)))
    if inside is not None and not passphrase:
        raise LiaError(Message("errors.keylog_out_workspace", out=str(out_dir), inside=str(inside),
                               default=str(user_config_dir() / "keys")))
    priv_path, pub_path = out_dir / f"{name}.key", out_dir / f"{name}.pub"
    for p in (priv_path, pub_path):
        if p.exists():
            raise LiaError(Message("errors.keylog_key_exists", path=str(p)))
    # Fail early (before creating files) if the name is already trusted or no one may admit the key.
    log = load_key_log(ws)
    dup = next((k for k in log.keys.values() if _norm_name(k.name) == _norm_name(name)), None)
    if dup is not None:
        raise LiaError(Message("errors.keylog_name_taken", path=str(log.path), name=repr(dup.name), entry=dup.entry))
    if log.entries and signed_by is None:
        raise LiaError(Message("errors.keylog_needs_admitter", path=str(log.path)))
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
