"""Issue 12 items 7-11: what a signature proves, and the attacks that used to pass.

Every test works on a private copy of the example workspace (its key log pinned in the
session's user configuration, see tests/conftest.py), with the example report signed by
the assessor (anna, the key log's root) and then the DPO (karin, admitted by anna).
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from lia.errors import LiaError
from lia.workspace import Workspace

from .conftest import add_assessment

AID = "contact-centre-recording"


@pytest.fixture
def tws(example_ws: Workspace, example_report: Path, keys: dict[str, Path], tmp_path: Path,
        templates_copy: Path) -> tuple[Workspace, Path]:
    """(workspace copy, its signed example report)."""
    from lia.reports.signing import sign_report

    home = tmp_path / "ws"
    shutil.copytree(example_ws.home, home, symlinks=True,
                    ignore=shutil.ignore_patterns("*-copy-*", ".lia-cache"))
    ws = Workspace(home)
    d = home / "reports" / AID / example_report.name
    for extra in ("statement.dsse.json", "signatures.json"):
        (d / extra).unlink(missing_ok=True)
    sign_report(ws, d, keys["assessor"])
    sign_report(ws, d, keys["dpo"], passphrase=b"correct horse")
    return ws, d


_KEYS: dict[str, Path] = {}


@pytest.fixture(autouse=True)
def _keys(keys: dict[str, Path]) -> None:
    _KEYS.update(keys)


def _root(ws: Workspace) -> Any:
    """The private key of the key log's root (anna, the assessor who created the first key)."""
    from lia.reports.keys import load_private_key

    return load_private_key(_KEYS["assessor"])


def _problems(res: Any) -> str:
    return "\n".join(f"{f}: {m}" for f, m in res.problems)


def _forged_key(tmp_path: Path) -> tuple[Any, Path]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    k = Ed25519PrivateKey.generate()
    p = tmp_path / "mallory.key"
    p.write_bytes(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return k, p


def _pem(key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


# --------------------------------------------------------------------------- item 7: replay elsewhere


def test_signed_report_copied_under_another_assessment_fails_everywhere(tws, templates_copy: Path) -> None:
    from lia.dashboards.portfolio import collect
    from lia.dashboards.sources import Sources
    from lia.reports.status import report_status
    from lia.reports.signing import sign_report, verify_report

    ws, d = tws
    assert verify_report(ws, d, check_current=False).exit_code == 0
    add_assessment(ws, "other-centre", templates_copy)
    fake = ws.reports_dir / "other-centre" / "v9"
    shutil.copytree(d, fake, symlinks=True)  # cp -a reports/A/v4 reports/B/v9
    res = verify_report(ws, fake, check_current=False)
    assert res.exit_code == 1
    assert ("statement.json", f"the statement is for assessment {AID} but the report is in reports/other-centre/v9") \
        in res.problems
    # nobody can sign it there either
    with pytest.raises(LiaError, match="refusing to sign.*other-centre/v9"):
        sign_report(ws, fake, _KEYS["dpo"], passphrase=b"correct horse")
    # lia status: not current
    row = next(r for r in report_status(ws, templates_copy) if r.aid == "other-centre")
    assert row.state == "broken" and "other-centre/v9" in row.reasons[0]
    # viewer and portfolio (both use Sources.verify): failing, not "Valid"
    assert Sources(templates_copy).verify(ws, fake).state == "failing"
    rows = {r.id: r for r in collect(ws, use_cache=False, sources=Sources(templates_copy))}
    assert rows["other-centre"].report_state == "failing"


def test_signed_report_under_another_version_folder_fails(tws) -> None:
    from lia.reports.signing import verify_report

    ws, d = tws
    n = json.loads((d / "statement.json").read_text())["predicate"]["answers"]["version"]
    fake = d.parent / f"v{n - 1}-r7"
    shutil.copytree(d, fake)
    res = verify_report(ws, fake, check_current=False)
    assert res.exit_code == 1
    assert f"the statement is for answers version {n} of {AID} but the report is in reports/{AID}/v{n - 1}-r7" \
        in _problems(res)


def test_report_against_other_answers_in_the_workspace_fails(tws) -> None:
    from lia.reports.signing import verify_report

    ws, d = tws
    n = json.loads((d / "statement.json").read_text())["predicate"]["answers"]["version"]
    vfile = ws.assessments_dir / AID / "versions" / f"{n:04d}.json"
    rec = json.loads(vfile.read_text())
    rec["digest"] = "sha256:" + "ab" * 32
    vfile.write_text(json.dumps(rec))
    res = verify_report(ws, d, check_current=False)
    assert res.exit_code == 1
    assert f"but version {n} of {AID} in this workspace is sha256:abab" in _problems(res)


# --------------------------------------------------------------------------- item 8: the key log


def test_verify_names_the_key_log_entry_that_trusted_each_key(tws) -> None:
    from conftest import run_lia
    from lia.reports.signing import verify_report

    ws, d = tws
    res = verify_report(ws, d, check_current=False)
    assert [(s.name, s.key_log_entry, s.added_by) for s in res.signers] == [("anna", 1, "anna"),
                                                                           ("karin", 2, "anna")]
    r = run_lia("--home", str(ws.home), "verify", str(d))
    assert "signed by karin (dpo)" in r.stdout and "trusted by key log entry 2, signed by anna" in r.stdout
    r = run_lia("--home", str(ws.home), "verify", str(d), "--json")
    assert [s["key_log_entry"] for s in json.loads(r.stdout)["signers"]] == [1, 2]


def test_replacing_the_dpos_public_key_in_the_key_log_fails(tws, tmp_path: Path) -> None:
    from lia.reports.keys import key_log_path, keyid_of
    from lia.reports.signing import sign_report, verify_report

    ws, d = tws
    mallory, mkey = _forged_key(tmp_path)
    log = json.loads(key_log_path(ws).read_text())
    log["entries"][1]["public_key"] = _pem(mallory)
    log["entries"][1]["keyid"] = keyid_of(mallory.public_key())
    key_log_path(ws).write_text(json.dumps(log))
    sign_report(ws, d, mkey, private_key=mallory, signer=("karin", "dpo"))  # mallory signs as "karin"
    res = verify_report(ws, d, check_current=False)
    assert res.exit_code == 1
    assert "keys/key-log.json entry 2: its digest does not match its content" in _problems(res)
    assert not any(s.valid for s in res.signers)


def test_a_second_entry_with_the_dpos_name_is_refused(tws, tmp_path: Path) -> None:
    from lia.canonical import canonical_json, digest_obj
    from lia.reports.dsse import KEYLOG_PAYLOAD_TYPE, pae
    from lia.reports.keys import key_log_path, keyid_of
    from lia.reports.signing import sign_report, verify_report

    ws, d = tws
    mallory, mkey = _forged_key(tmp_path)
    path = key_log_path(ws)
    original = path.read_text()

    def append(author_key: Any) -> None:
        log = json.loads(original)
        prev = log["entries"][-1]
        body = {"number": prev["number"] + 1, "action": "add", "name": "karin", "role": "dpo",
                "keyid": keyid_of(mallory.public_key()), "public_key": _pem(mallory), "time": "2026-11-30T00:00:00Z",
                "author": keyid_of(author_key.public_key()), "parent": prev["digest"]}
        sig = base64.b64encode(author_key.sign(pae(KEYLOG_PAYLOAD_TYPE, canonical_json(body)))).decode()
        log["entries"].append({**body, "digest": digest_obj(body), "sig": sig})
        path.write_text(json.dumps(log))

    # signed by mallory herself: not the root or a DPO
    append(mallory)
    sign_report(ws, d, mkey, private_key=mallory, signer=("karin", "dpo"))
    res = verify_report(ws, d, check_current=False)
    assert res.exit_code == 1 and "which is not the root key or a trusted DPO key" in _problems(res)
    # even signed by the root key: a duplicate name is refused
    append(_root(ws))
    res = verify_report(ws, d, check_current=False)
    assert res.exit_code == 1 and "a key named karin is already trusted (entry 2); duplicate names" in _problems(res)
    # and the library refuses to write one
    path.write_text(original)
    from lia.reports.keylog import add_trusted_key

    with pytest.raises(LiaError, match="already trusted"):
        add_trusted_key(ws, "Karin", "dpo", mallory.public_key(), signed_by=_root(ws))


def test_replacing_the_whole_key_log_is_detected_by_the_pin(tws, tmp_path: Path, monkeypatch) -> None:
    from lia.reports.keys import key_log_path
    from lia.reports.signing import sign_report, verify_report

    ws, d = tws
    mallory, mkey = _forged_key(tmp_path)
    (tmp_path / "mallory").mkdir()
    mallory_home = Workspace(tmp_path / "mallory")
    from lia.reports.keylog import add_trusted_key

    # Mallory builds her own log (her root pinned only in her configuration), then puts it in the workspace.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "mallory-config"))
    add_trusted_key(mallory_home, "karin", "dpo", mallory.public_key(), signed_by=mallory)
    monkeypatch.undo()
    shutil.copy(key_log_path(mallory_home), key_log_path(ws))
    sign_report(ws, d, mkey, private_key=mallory, signer=("karin", "dpo"))
    res = verify_report(ws, d, check_current=False)
    assert res.exit_code == 1
    assert "is not pinned in" in _problems(res)
    assert not any(s.valid for s in res.signers)


def test_editing_the_old_trusted_keys_file_trusts_nobody(tws, tmp_path: Path) -> None:
    from lia.reports.keys import TrustedKey, export_trusted_keys, keyid_of, trusted_keys_path
    from lia.reports.signing import sign_report, verify_report

    ws, d = tws
    mallory, mkey = _forged_key(tmp_path)
    tk = TrustedKey("karin", "dpo", keyid_of(mallory.public_key()), _pem(mallory), "2026-11-30")
    trusted_keys_path(ws).write_bytes(export_trusted_keys([tk]))
    sign_report(ws, d, mkey, private_key=mallory, signer=("karin", "dpo"))
    res = verify_report(ws, d, check_current=False)
    assert res.exit_code == 1
    assert not res.signers[-1].valid
    assert "key is not in the trusted keys" in _problems(res)


def test_a_revoked_key_no_longer_verifies_and_only_root_or_dpo_may_change_the_log(tws, keys, tmp_path) -> None:
    from lia.reports.keylog import add_trusted_key, revoke_key
    from lia.reports.keys import load_private_key
    from lia.reports.signing import verify_report

    ws, d = tws
    mallory, _ = _forged_key(tmp_path)
    # karin (dpo) may admit a key; an assessor who is not the root may not
    add_trusted_key(ws, "lars", "assessor", mallory.public_key(),
                    signed_by=load_private_key(keys["dpo"], b"correct horse"))
    (tmp_path / "eve").mkdir()
    other, _ = _forged_key(tmp_path / "eve")
    with pytest.raises(LiaError, match="not the root key or a trusted DPO key"):
        add_trusted_key(ws, "eve", "dpo", other.public_key(), signed_by=mallory)
    info = revoke_key(ws, "karin", signed_by=_root(ws))
    assert info["entry"] == 4
    res = verify_report(ws, d, check_current=False)
    assert res.exit_code == 1
    assert [(s.name, s.valid) for s in res.signers][1] == (None, False)


# --------------------------------------------------------------------------- item 9: removed signers


def _drop(d: Path, keyid: str, envelope: bool = True, record: bool = True) -> None:
    if envelope:
        env = json.loads((d / "statement.dsse.json").read_text())
        env["signatures"] = [s for s in env["signatures"] if s["keyid"] != keyid]
        (d / "statement.dsse.json").write_text(json.dumps(env))
    if record:
        recs = json.loads((d / "signatures.json").read_text())
        recs["records"] = [r for r in recs["records"] if r["signatures"][0]["keyid"] != keyid]
        (d / "signatures.json").write_text(json.dumps(recs))


def _keyid(ws: Workspace, name: str) -> str:
    from lia.reports.keylog import load_key_log

    return next(k.keyid for k in load_key_log(ws).keys.values() if k.name == name)


def test_removing_a_signature_but_not_its_record_fails(tws) -> None:
    from lia.reports.signing import verify_report

    ws, d = tws
    _drop(d, _keyid(ws, "karin"), record=False)
    res = verify_report(ws, d, check_current=False)
    assert res.exit_code == 1
    assert "signatures.json: a signing record by karin (dpo) has no signature: the signature was removed" \
        in _problems(res)


def test_removing_an_earlier_signer_and_its_record_fails(tws) -> None:
    from lia.reports.signing import verify_report

    ws, d = tws
    _drop(d, _keyid(ws, "anna"))
    res = verify_report(ws, d, check_current=False)
    assert res.exit_code == 1
    assert "the signature by anna (assessor) was removed (the signing record of karin names it)" in _problems(res)


def test_removing_the_dpo_of_an_approved_report_fails(tws, templates_copy: Path, pool: Any) -> None:
    from lia.reports.signing import sign_report, verify_report

    from .conftest import render_one

    ws, _ = tws
    add_assessment(ws, "approved-case", templates_copy, status="approved")
    d = render_one(ws, "approved-case", templates_copy, pool)
    sign_report(ws, d, _KEYS["assessor"])
    sign_report(ws, d, _KEYS["dpo"], passphrase=b"correct horse")
    assert verify_report(ws, d, check_current=False).exit_code == 0
    _drop(d, _keyid(ws, "karin"))
    res = verify_report(ws, d, check_current=False)
    assert res.exit_code == 1 and "approved but no valid DPO signature" in _problems(res)


# --------------------------------------------------------------------------- item 10: folder contents


def test_a_symlinked_report_file_with_the_same_bytes_fails(tws, tmp_path: Path) -> None:
    from lia.reports.signing import verify_report

    ws, d = tws
    outside = tmp_path / "elsewhere.pdf"
    shutil.copy(d / "report.pdf", outside)
    (d / "report.pdf").unlink()
    (d / "report.pdf").symlink_to(outside)
    res = verify_report(ws, d, check_current=False)
    assert res.exit_code == 1
    assert ("report.pdf", "is a symbolic link; a report folder holds only plain files") in res.problems


def test_hidden_files_and_folders_added_to_a_report_are_reported(tws) -> None:
    from lia.reports.signing import verify_report

    ws, d = tws
    (d / ".notes").write_text("approved by phone")
    (d / ".git").mkdir()
    (d / ".git" / "x").write_text("x")
    res = verify_report(ws, d, check_current=False)
    assert res.exit_code == 1
    files = {f for f, _ in res.problems}
    assert {".notes", ".git"} <= files


# --------------------------------------------------------------------------- item 11: private keys


def test_keys_new_refuses_an_unencrypted_key_inside_the_workspace(tmp_path: Path) -> None:
    from conftest import ROOT, run_lia

    home = tmp_path / "ws"
    (home / "assessments").mkdir(parents=True)
    for out, cwd in ((str(home / "keys"), None), (".", home), ("reports/x/v1", home)):
        r = run_lia("--home", str(home), "keys", "new", "karin", "--role", "dpo", "--out", out, cwd=cwd)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert "inside" in r.stderr or "report folder" in r.stderr
        assert not list(home.rglob("*.key"))
    # with a passphrase it may live there; without one, outside, it is created with a warning
    r = run_lia("--home", str(home), "keys", "new", "karin", "--role", "dpo", "--out", str(home / "keys" / "private"),
                "--passphrase-env", "PP", env={"PP": "s3cret"})
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr
    r = run_lia("--home", str(home), "keys", "new", "ola", "--role", "dpo", "--out", str(tmp_path / "mine"),
                "--signed-by", str(home / "keys" / "private" / "karin.key"), "--signed-by-passphrase-env", "PP",
                env={"PP": "s3cret"})
    assert r.returncode == 0, r.stderr
    assert "warning" in r.stderr and "not passphrase-protected" in r.stderr
    assert "*.key" in (ROOT / ".gitignore").read_text().splitlines()


# --------------------------------------------------------------------------- issue 13 item 7: tool versions


def test_tool_versions_are_signed_and_an_upgrade_makes_the_report_stale(tws, templates_copy: Path) -> None:
    from lia.reports.provenance import REPORT_TOOLS, stale_reasons, tool_versions

    ws, d = tws
    st = json.loads((d / "statement.json").read_text())
    assert st["predicate"]["tools"] == tool_versions() and set(REPORT_TOOLS) == set(st["predicate"]["tools"])
    assert {"altair", "nbconvert", "papermill", "vl-convert-python"} == set(REPORT_TOOLS)
    assert not [r for r in stale_reasons(ws, st, templates_copy) if r.startswith("tool ")]
    st["predicate"]["tools"]["altair"] = "5.0.0"
    assert f"tool altair 5.0.0 -> {tool_versions()['altair']}" in stale_reasons(ws, st, templates_copy)


# --------------------------------------------------------------------------- pages: in the reader's language


@pytest.mark.parametrize("code,params,english", [
    ("status.bound_assessment", {"id": "a-b", "folder": "reports/c/v9"},
     "the statement is for assessment a-b but the report is in reports/c/v9"),
    ("status.bound_version", {"n": 4, "id": "a-b", "folder": "reports/a-b/v3"},
     "the statement is for answers version 4 of a-b but the report is in reports/a-b/v3"),
    ("status.bound_digest", {"want": "sha256:aa", "n": 4, "id": "a-b", "have": "sha256:bb"},
     "the statement was built from answers sha256:aa, but version 4 of a-b in this workspace is sha256:bb"),
    ("status.bound_missing", {"n": 4, "id": "a-b"},
     "the statement is for answers version 4 of a-b, which this workspace does not have"),
    ("status.record_orphan", {"who": "karin (dpo)"},
     "a signing record by karin (dpo) has no signature: the signature was removed"),
    ("status.cosigner_removed", {"who": "anna (assessor)", "name": "karin"},
     "the signature by anna (assessor) was removed (the signing record of karin names it)"),
    ("status.symlink_file", {}, "is a symbolic link; a report folder holds only plain files"),
    ("status.added_folder", {}, "a folder not listed in statement.json (added after rendering)"),
    ("status.symlink_folder", {}, "the report folder is a symbolic link; expected a plain folder"),
    ("status.keylog_digest", {"log": "keys/key-log.json", "n": 2},
     "keys/key-log.json entry 2: its digest does not match its content; the entry was edited"),
    ("status.keylog_author", {"log": "keys/key-log.json", "n": 3, "key": "0123456789abcdef..."},
     "keys/key-log.json entry 3: signed by key 0123456789abcdef..., which is not the root key or a trusted DPO key "
     "at that point"),
    ("status.keylog_duplicate", {"log": "keys/key-log.json", "n": 3, "name": "karin", "m": 2},
     "keys/key-log.json entry 3: a key named karin is already trusted (entry 2); duplicate names are refused"),
    ("status.keylog_unpinned", {"log": "keys/key-log.json", "root": "sha256:ab", "config": "/x/trust.yaml",
                                "env": "LIA_TRUST_ROOT", "pin": "sha256:ab"},
     "keys/key-log.json: its root entry sha256:ab is not pinned in /x/trust.yaml or LIA_TRUST_ROOT; "
     "run `lia keys pin sha256:ab` if you trust it"),
    ("status.tool_changed", {"name": "altair", "old": "5.0.0", "new": "6.0.0"}, "tool altair 5.0.0 -> 6.0.0"),
    ("status.keylog_legacy", {"file": "keys/trusted-keys.yaml"},
     "keys/trusted-keys.yaml is no longer trusted by itself; move its keys into the key log with "
     "`lia keys migrate --signed-by KEY` (KEY: one of its DPO keys)"),
])
def test_new_verification_messages_exist_in_swedish_and_norwegian(code: str, params: dict, english: str,
                                                                  monkeypatch) -> None:
    """The English the CLI and statements show is unchanged; a page renders the same finding from its code."""
    from lia import messages
    from lia.errors import Message

    message = Message(code, **params)
    assert message == english
    sv, nb = messages.translate(message, "sv"), messages.translate(message, "nb")
    assert sv != message and nb != message and sv != nb


def test_an_old_trusted_keys_file_is_migrated_into_a_pinned_key_log(tmp_path: Path, monkeypatch) -> None:
    from lia.reports.keylog import load_key_log, migrate_trusted_keys
    from lia.reports.keys import TrustedKey, export_trusted_keys, keyid_of, load_private_key, trusted_keys_path

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "ws").mkdir()
    ws = Workspace(tmp_path / "ws")
    (tmp_path / "a").mkdir()
    (tmp_path / "k").mkdir()
    anna, _ = _forged_key(tmp_path / "a")
    karin, karin_file = _forged_key(tmp_path / "k")
    old = [TrustedKey(n, r, keyid_of(k.public_key()), _pem(k), "2026-01-01") for n, r, k in
           (("anna", "assessor", anna), ("karin", "dpo", karin))]
    trusted_keys_path(ws).parent.mkdir()
    trusted_keys_path(ws).write_bytes(export_trusted_keys(old))
    log = load_key_log(ws)
    assert log.trusted == {} and "lia keys migrate --signed-by KEY" in log.problems[0]
    with pytest.raises(LiaError, match="must be a DPO key"):
        migrate_trusted_keys(ws, anna)
    migrate_trusted_keys(ws, load_private_key(karin_file))
    log = load_key_log(ws)
    assert log.problems == [] and [(k.name, k.entry, k.added_by) for k in log.trusted.values()] == [
        ("karin", 1, "karin"), ("anna", 2, "karin")]
    assert not trusted_keys_path(ws).exists()


def test_a_tampered_stale_report_reads_in_swedish_and_norwegian_from_its_codes(tws: tuple[Workspace, Path], monkeypatch,
                                                                                templates_copy: Path) -> None:
    """Issue 13 item 3: a DPO opening a tampered report on the Swedish viewer reads every finding in Swedish,
    rendered from its code (no English matched), and so does the portfolio after a round trip through its cache."""
    from lia import messages
    from lia.dashboards.sources import ReportCheck, Sources
    from lia.pages.viewer import ViewerPage
    from lia.store import Store

    ws, d = tws
    subjects = [s["name"] for s in json.loads((d / "statement.json").read_text("utf-8"))["subject"]]
    changed, gone = subjects[0], subjects[1]
    (d / changed).write_bytes((d / changed).read_bytes() + b" ")
    (d / gone).unlink()
    (d / "added.txt").write_text("x", encoding="utf-8")
    (d / "added-folder").mkdir()
    (d / "signatures.json").unlink()  # the signing records: every signature now lacks one
    store = Store(ws)
    monkeypatch.setenv("LIA_TEMPLATES", str(templates_copy))
    head = store.load(AID)
    store.save(AID, head.answers, author="Test", message="a newer version")

    check = Sources().verify(ws, d)
    codes = {getattr(m, "code", None) for _f, m in check.problems} | {getattr(m, "code", None) for m in check.stale}
    assert {"status.changed_file", "status.missing_file", "status.added_file", "status.added_folder",
            "status.signature_by", "status.newer_answers"} <= codes, codes
    assert check.state == "failing"
    # the English (CLI, JSON) is the catalogue's, word for word
    assert (changed, "SHA-256 differs from statement.json: the file was changed") in check.problems
    assert ("statement.dsse.json", "signature by karin (dpo): no signing record in signatures.json") in check.problems

    page = ViewerPage(ws.home, sources=Sources())
    page.apply_request({"QUERY_STRING": f"assessment={AID}&report={d.name}&lang=sv"})
    sv = page.signature.value
    for text in ("SHA-256 skiljer sig från statement.json: filen har ändrats", "finns i statement.json men saknas",
                 "finns inte i statement.json (tillagd efter rendering)",
                 "en mapp som inte finns i statement.json (tillagd efter rendering)",
                 "signatur av karin (dpo): ingen signeringspost i signatures.json", "ingen signeringspost i signatures.json",
                 "nyare svarsversion"):
        assert text in sv, text
    assert "the file was changed" not in sv and "no signing record" not in sv
    page.set_language("nb")
    nb = page.signature.value
    assert "SHA-256 avviker fra statement.json: filen er endret" in nb and "signatur av karin (dpo): ingen signeringspost" in nb

    # the portfolio reads findings back from its cache: still codes, still rendered in the reader's language
    back = ReportCheck.from_json(json.loads(json.dumps(check.to_json())))
    assert back == check and back.state == "failing"
    assert [messages.translate(m, "sv") for _f, m in back.problems] == [m.text("sv") for _f, m in check.problems]
    assert [messages.translate(m, "nb") for m in back.stale] == [m.text("nb") for m in check.stale]
