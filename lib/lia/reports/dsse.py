"""DSSE encoding and the small files signatures live in: PAE, base64, atomic writes, signature checks.

The bottom of the signing stack (:mod:`lia.reports.keys`, :mod:`lia.reports.keylog`,
:mod:`lia.reports.statement`, :mod:`lia.reports.signing` build on it); it imports no other
module of the package.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from ..errors import InputError, Message

#: What each small signing file is called in its errors (the ``what`` of the readers below): its code.
_WHAT = {"statement": "errors.frag_doc_statement", "DSSE envelope": "errors.frag_doc_envelope",
         "signing records": "errors.frag_doc_signing_records", "key log": "errors.frag_doc_key_log",
         "passphrase file": "errors.frag_doc_passphrase", "private key file": "errors.frag_doc_private_key",
         "trusted-keys file": "errors.frag_doc_trusted_keys", "trust configuration": "errors.frag_doc_trust_config"}


def _what(what: str) -> str:
    """The name ``what`` of a signing file as a message parameter: its code when it has one."""
    return Message(_WHAT[what]) if what in _WHAT else what

__all__ = ["KEYLOG_PAYLOAD_TYPE", "MAX_FILE", "PAYLOAD_TYPE", "RECORD_PAYLOAD_TYPE", "pae", "write_atomic"]

PAYLOAD_TYPE = "application/vnd.in-toto+json"
RECORD_PAYLOAD_TYPE = "application/vnd.lia-workbench.signing-record+json"
KEYLOG_PAYLOAD_TYPE = "application/vnd.lia-workbench.key-log-entry+json"
MAX_FILE = 16 * 1024 * 1024  # statements, envelopes and key files are small; refuse anything huge


# --------------------------------------------------------------------------- helpers

def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write bytes to ``path`` whole, with permissions ``mode``, through the one atomic write (:mod:`lia.fsio`)."""
    from ..fsio import atomic_write_with

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)

    atomic_write_with(path, write)


def _read_small(path: Path, what: str) -> bytes:
    from ..loaders import read_user_file

    return read_user_file(path, what=Message("errors.what_small_file", what=_what(what)), max_bytes=MAX_FILE)


def _json_file(path: Path, what: str) -> Any:
    raw = _read_small(path, what)
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(Message("errors.sign_not_utf8", what=_what(what), byte=exc.start), file=path) from None
    except json.JSONDecodeError as exc:
        from ..loaders import _JSON_PROBLEMS

        problem = Message(f"errors.{_JSON_PROBLEMS[exc.msg]}") if exc.msg in _JSON_PROBLEMS else exc.msg
        raise InputError(Message("errors.sign_not_json", what=_what(what), problem=problem), file=path,
                         where=Message("errors.where_line_column", line=exc.lineno, column=exc.colno)) from None


def _b64decode(value: Any, path: Path, where: str) -> bytes:
    if not isinstance(value, str):
        raise InputError(Message("errors.sign_b64_type"), file=path, where=where)
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise InputError(Message("errors.sign_b64_bad"), file=path, where=where) from None


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


def _verify_sig(public_key: Any, sig: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        public_key.verify(sig, message)
        return True
    except (InvalidSignature, ValueError):
        return False
