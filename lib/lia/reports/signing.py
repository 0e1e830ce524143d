"""DSSE signatures over a report's in-toto Statement, and verification.

Trust model (see docs/reports.md):

* the workspace's key log (``<home>/keys/key-log.json``) says which public keys
  it trusts, each with a name and a role (assessor, dpo, legal).
* ``REPORT_DIR/statement.json`` is an in-toto Statement v1 listing the SHA-256
  of every report file and the digests of every input.
* ``REPORT_DIR/statement.dsse.json`` is a DSSE envelope whose payload is the
  exact bytes of statement.json; each signature signs the DSSE PAE of that
  payload. Several people can sign one envelope.
* ``REPORT_DIR/signatures.json`` holds, for each signature, a signing record
  ``{statement, keyid, name, role, signed_at}`` that is itself a DSSE envelope
  signed by the same key, so the claimed signing time and role are signed too
  (the time is the signer's clock: it is a claim, not a trusted timestamp).

Keys and the key log: :mod:`lia.reports.keys`, :mod:`lia.reports.keylog`; the statement
and its files: :mod:`lia.reports.statement`; whether the inputs are still current:
:mod:`lia.reports.provenance` (below this module: signing never imports rendering).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Joined, LiaError, Message
from .dsse import PAYLOAD_TYPE, RECORD_PAYLOAD_TYPE, _b64, _b64decode, _json_file, _now, _sha256_hex, _verify_sig, pae, write_atomic
from .keylog import load_key_log
from .keys import KEY_LOG_FILE, load_private_key, load_trusted_keys, keyid_of
from .statement import ENVELOPE_FILE, RECORDS_FILE, check_binding, check_subjects, load_statement

__all__ = ["REQUIRED_ROLES", "Signer", "Verification", "sign_report", "verify_report"]


# --------------------------------------------------------------------------- envelope

def _load_envelope(report_dir: Path) -> dict[str, Any] | None:
    path = Path(report_dir) / ENVELOPE_FILE
    if not path.exists():
        return None
    env = _json_file(path, "DSSE envelope")
    if not isinstance(env, dict):
        raise InputError(Message("errors.envelope_shape"), file=path)
    if env.get("payloadType") != PAYLOAD_TYPE:
        raise InputError(Message("errors.envelope_type", expected=repr(PAYLOAD_TYPE), found=repr(env.get("payloadType"))),
                         file=path)
    env["_payload"] = _b64decode(env.get("payload"), path, "payload")
    sigs = env.get("signatures")
    if not isinstance(sigs, list):
        raise InputError(Message("errors.envelope_signatures"), file=path)
    for i, s in enumerate(sigs):
        if not (isinstance(s, dict) and isinstance(s.get("keyid"), str) and isinstance(s.get("sig"), str)):
            raise InputError(Message("errors.envelope_signature"), file=path, where=f"signatures[{i}]")
        s["_sig"] = _b64decode(s["sig"], path, f"signatures[{i}].sig")
    return env


def _load_records(report_dir: Path) -> list[dict[str, Any]]:
    path = Path(report_dir) / RECORDS_FILE
    if not path.exists():
        return []
    doc = _json_file(path, "signing records")
    if not isinstance(doc, dict) or doc.get("format") != "lia-signing-records/1" \
            or not isinstance(doc.get("records"), list):
        raise InputError(Message("errors.records_shape"), file=path)
    out = []
    for i, env in enumerate(doc["records"]):
        where = f"records[{i}]"
        if not isinstance(env, dict) or env.get("payloadType") != RECORD_PAYLOAD_TYPE:
            raise InputError(Message("errors.records_envelope", type=repr(RECORD_PAYLOAD_TYPE)), file=path, where=where)
        payload = _b64decode(env.get("payload"), path, f"{where}.payload")
        sigs = env.get("signatures")
        if not (isinstance(sigs, list) and len(sigs) == 1 and isinstance(sigs[0], dict)
                and isinstance(sigs[0].get("keyid"), str)):
            raise InputError(Message("errors.records_one_signature"), file=path, where=where)
        sig = _b64decode(sigs[0].get("sig"), path, f"{where}.signatures[0].sig")
        try:
            rec = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InputError(Message("errors.records_payload"), file=path, where=where) from None
        if not isinstance(rec, dict) or not all(isinstance(rec.get(k), str) for k in
                                                ("statement", "keyid", "name", "role", "signed_at")):
            raise InputError(Message("errors.records_record"), file=path, where=where)
        cos = rec.get("cosigners", [])
        if not (isinstance(cos, list) and all(isinstance(c, str) for c in cos)):
            raise InputError(Message("errors.records_cosigners"), file=path, where=where)
        out.append({"keyid": sigs[0]["keyid"], "payload": payload, "sig": sig, "record": rec, "envelope": env})
    return out


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
        listing = Joined([Joined([n, m], ": ") for n, m in problems], "; ")
        raise LiaError(Message("errors.sign_mismatch", path=str(report_dir), problems=listing))
    key = private_key if private_key is not None else load_private_key(Path(key_path), passphrase)
    keyid = keyid_of(key.public_key())
    if signer is None:
        log = load_key_log(ws)
        trusted = log.trusted
        if keyid not in trusted:
            why = Joined([*log.problems, ""], "; ") if log.problems else ""
            raise LiaError(Message("errors.sign_untrusted", path=str(key_path), key=keyid[:16], log=str(log.path),
                                   why=why))
        name, role = trusted[keyid].name, trusted[keyid].role
    else:
        name, role = signer

    env = _load_envelope(report_dir)
    if env is not None and env["_payload"] != raw:
        raise LiaError(Message("errors.sign_other_envelope", path=str(report_dir / ENVELOPE_FILE)))
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
        raise InputError(Message("errors.sign_not_report"), file=report_dir)
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
        res.problems.append((ENVELOPE_FILE, Message("status.not_signed")))
        for r in records:
            res.problems.append((RECORDS_FILE, Message("status.record_orphan",
                                                       who=f"{r['record']['name']} ({r['record']['role']})")))
    else:
        if env["_payload"] != raw:
            res.problems.append((ENVELOPE_FILE, Message("status.payload_differs")))
        if not env["signatures"]:
            res.problems.append((ENVELOPE_FILE, Message("status.no_signatures")))
        seen = set()
        valid_records = []
        for s in env["signatures"]:
            kid = s["keyid"]
            tk = trusted.get(kid)
            signer = Signer(kid, tk.name if tk else None, tk.role if tk else None, None, False,
                            key_log_entry=tk.entry if tk else None, added_by=tk.added_by if tk else None)
            res.signers.append(signer)
            if kid in seen:
                signer.problem = Message("status.signed_twice")
            elif tk is None:
                signer.problem = Message("status.untrusted_key")
            elif not _verify_sig(tk.public_key, s["_sig"], pae(PAYLOAD_TYPE, env["_payload"])):
                signer.problem = Message("status.bad_signature")
            else:
                rec = next((r for r in records if r["keyid"] == kid), None)
                if rec is None:
                    signer.problem = Message("status.no_record", file=RECORDS_FILE)
                elif not _verify_sig(tk.public_key, rec["sig"], pae(RECORD_PAYLOAD_TYPE, rec["payload"])):
                    signer.problem = Message("status.bad_record", file=RECORDS_FILE)
                elif rec["record"]["statement"] != statement_digest or rec["record"]["keyid"] != kid:
                    signer.problem = Message("status.other_record", file=RECORDS_FILE)
                elif rec["record"]["role"] != tk.role:
                    signer.problem = Message("status.wrong_role", role=rec["record"]["role"], trusted=tk.role)
                else:
                    signer.valid = True
                    signer.signed_at = rec["record"]["signed_at"]
                    valid_records.append(rec)
            seen.add(kid)
            if signer.problem:
                who = f"{tk.name} ({tk.role})" if tk else f"key {kid[:16]}..."
                res.problems.append((ENVELOPE_FILE, Message("status.signature_by", who=who, problem=signer.problem)))
        # Removed signers: a record whose signature is gone, or a signer a valid record names as co-signer.
        on_env = {s["keyid"] for s in env["signatures"]}
        for r in records:
            if r["keyid"] not in on_env:
                res.problems.append((RECORDS_FILE, Message("status.record_orphan",
                                                           who=f"{r['record']['name']} ({r['record']['role']})")))
        for r in valid_records:
            for c in r["record"].get("cosigners", []):
                if c not in on_env:
                    tk = trusted.get(c)
                    who = f"{tk.name} ({tk.role})" if tk else f"key {c[:16]}..."
                    res.problems.append((ENVELOPE_FILE, Message("status.cosigner_removed", who=who,
                                                                name=r["record"]["name"])))
        for role in REQUIRED_ROLES.get(str(res.status), ()):
            if not any(s.valid and s.role == role for s in res.signers):
                if role == "dpo":
                    res.problems.append((ENVELOPE_FILE, Message("status.approved_no_dpo")))
                else:  # pragma: no cover - only dpo is required today
                    res.problems.append((ENVELOPE_FILE, Message("status.role_required", status=res.status, role=role)))

    if check_current:
        from .provenance import stale_reasons

        try:
            res.stale = stale_reasons(ws, st, templates)
            res.currency_checked = True
        except LiaError as exc:
            res.stale = [Message("status.cannot_check", error=exc.whole)]  # in the reader's language too
    return res
