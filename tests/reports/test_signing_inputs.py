"""Keys on disk, and hostile or broken envelopes, statements, key files and trusted-keys files."""

from __future__ import annotations

import base64
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from lia.errors import InputError, LiaError
from lia.workspace import Workspace


@pytest.fixture
def report(example_ws: Workspace, example_report: Path, keys: dict[str, Path], tmp_path: Path) -> Path:
    """A signed copy of the example report, outside the workspace."""
    from lia.reports.signing import sign_report

    d = tmp_path / "report"
    shutil.copytree(example_report, d)
    sign_report(example_ws, d, keys["assessor"])
    return d


def test_keys_new_writes_a_private_key_only_its_owner_can_read(tmp_path: Path) -> None:
    from conftest import run_lia

    home = tmp_path / "ws"
    home.mkdir()
    out = tmp_path / "keys"
    r = run_lia("--home", str(home), "keys", "new", "Karin Lindqvist", "--role", "dpo", "--passphrase-env", "PP",
                "--out", str(out), env={"PP": "s3cret"})
    assert r.returncode == 0, r.stderr
    key = out / "Karin Lindqvist.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in key.read_bytes()
    assert b"BEGIN PUBLIC KEY" in (out / "Karin Lindqvist.pub").read_bytes()
    from lia.reports.keylog import load_key_log
    from lia.workspace import Workspace as _Ws

    trusted = list(load_key_log(_Ws(home)).trusted.values())
    assert [(k.name, k.role, k.entry) for k in trusted] == [("Karin Lindqvist", "dpo", 1)]
    assert len(trusted[0].keyid) == 64
    # the same name again is refused, and nothing is overwritten
    before = key.read_bytes()
    r = run_lia("--home", str(home), "keys", "new", "Karin Lindqvist", "--role", "dpo", "--out", str(out))
    assert r.returncode == 2 and "already exists" in r.stderr and "Traceback" not in r.stderr
    assert key.read_bytes() == before
    r = run_lia("--home", str(home), "keys", "new", "x/../y", "--role", "dpo", "--out", str(out))
    assert r.returncode == 2 and "no path separators" in r.stderr
    r = run_lia("--home", str(home), "keys", "new", "eve", "--role", "dpo", "--passphrase-env", "NOPE", "--out",
                str(out))
    assert r.returncode == 2 and "NOPE" in r.stderr and not (out / "eve.key").exists()


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj))


@pytest.mark.parametrize("content, expected", [
    (b"", "not valid JSON"),
    (b'{"payload": "eyJ', "not valid JSON"),  # truncated
    (b"[1, 2]", "expected a DSSE envelope"),
    (b'{"payloadType": "text/plain", "payload": "", "signatures": []}', "payloadType"),
    (b'{"payloadType": "application/vnd.in-toto+json", "payload": "***", "signatures": []}', "base64"),
    (b'{"payloadType": "application/vnd.in-toto+json", "payload": "", "signatures": [{"keyid": 1}]}',
     "signatures[0]"),
    (b'{"payloadType": "application/vnd.in-toto+json", "payload": "", "signatures": {"a": 1}}', "signatures"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
])
def test_broken_envelope_is_a_clear_input_error(example_ws: Workspace, report: Path, content: bytes,
                                                expected: str) -> None:
    from lia.reports.signing import verify_report

    (report / "statement.dsse.json").write_bytes(content)
    with pytest.raises(InputError) as err:
        verify_report(example_ws, report)
    assert "statement.dsse.json" in str(err.value) and expected in str(err.value)


def test_oversized_envelope_is_refused_without_reading_it(example_ws: Workspace, report: Path) -> None:
    from lia.reports.signing import verify_report

    with open(report / "statement.dsse.json", "wb") as fh:
        fh.truncate(17 * 1024 * 1024)
    with pytest.raises(InputError, match="expected a small file"):
        verify_report(example_ws, report)


@pytest.mark.parametrize("mutate, expected", [
    (lambda st: st.update(_type="https://in-toto.io/Statement/v0.1"), "_type"),
    (lambda st: st.update(subject=[]), "subject"),
    (lambda st: st["subject"][0].update(name="../../etc/passwd"), "subject[0]"),
    (lambda st: st["subject"][0]["digest"].update(sha256="abc"), "subject[0]"),
    (lambda st: st.pop("predicate"), "predicate"),
    (lambda st: st["predicate"].update(answers="v2"), "predicate.answers"),
])
def test_malformed_statement_is_a_clear_input_error(example_ws: Workspace, report: Path, mutate, expected) -> None:
    from lia.reports.signing import verify_report

    st = json.loads((report / "statement.json").read_text())
    mutate(st)
    _write_json(report / "statement.json", st)
    with pytest.raises(InputError) as err:
        verify_report(example_ws, report)
    assert "statement.json" in str(err.value) and expected in str(err.value)


@pytest.mark.parametrize("text, expected", [
    ("keys: [", "expected valid YAML"),
    ("format: lia-trusted-keys/1\nkeys: 5\n", "list 'keys'"),
    ("format: other\nkeys: []\n", "lia-trusted-keys/1"),
    ("format: lia-trusted-keys/1\nkeys:\n- name: a\n", "missing role, keyid, public_key, added"),
    ("format: lia-trusted-keys/1\nkeys:\n- {name: a, role: ceo, keyid: x, public_key: y, added: z}\n", "role"),
    ("format: lia-trusted-keys/1\nkeys:\n- {name: a, role: dpo, keyid: x, public_key: not-a-key, added: z}\n",
     "PEM public key"),
])
def test_broken_trusted_keys_file_is_a_clear_input_error(example_ws: Workspace, report: Path, tmp_path: Path,
                                                         text: str, expected: str) -> None:
    from lia.reports.signing import verify_report

    bad = tmp_path / "trusted.yaml"
    bad.write_text(text)
    with pytest.raises(InputError) as err:
        verify_report(example_ws, report, trusted_keys=bad)
    assert str(bad) in str(err.value) and expected in str(err.value)


def test_trusted_key_whose_id_does_not_match_its_key_is_refused(example_ws: Workspace, report: Path,
                                                               tmp_path: Path) -> None:
    from lia.reports.keylog import load_key_log
    from lia.reports.keys import export_trusted_keys
    from lia.reports.signing import verify_report

    text = export_trusted_keys(load_key_log(example_ws).trusted.values()).decode()
    import re

    first = re.search(r"keyid: ([0-9a-f]{64})", text).group(1)  # type: ignore[union-attr]
    forged = tmp_path / "trusted.yaml"
    forged.write_text(text.replace(first, "0" * 64, 1))
    with pytest.raises(InputError, match="does not match the public key"):
        verify_report(example_ws, report, trusted_keys=forged)


@pytest.mark.parametrize("content, expected", [
    (b"", "expected a PEM private key"),
    (b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a readable PEM private key"),
])
def test_broken_private_key_is_a_clear_input_error(example_ws: Workspace, report: Path, tmp_path: Path,
                                                   content: bytes, expected: str) -> None:
    from lia.reports.signing import sign_report

    key = tmp_path / "broken.key"
    key.write_bytes(content)
    with pytest.raises(InputError) as err:
        sign_report(example_ws, report, key)
    assert str(key) in str(err.value) and expected in str(err.value)


def test_rsa_key_is_refused(example_ws: Workspace, report: Path, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from lia.reports.signing import sign_report

    key = tmp_path / "rsa.key"
    key.write_bytes(rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with pytest.raises(InputError, match="expected an Ed25519 key"):
        sign_report(example_ws, report, key)


def test_envelope_of_another_report_is_caught(example_ws: Workspace, report: Path) -> None:
    from lia.reports.signing import verify_report

    env = json.loads((report / "statement.dsse.json").read_text())
    env["payload"] = base64.b64encode(b'{"_type": "https://in-toto.io/Statement/v1"}').decode()
    _write_json(report / "statement.dsse.json", env)
    res = verify_report(example_ws, report)
    assert res.exit_code == 1
    assert any(f == "statement.dsse.json" and "payload differs" in m for f, m in res.problems)


def test_signing_record_for_another_statement_is_caught(example_ws: Workspace, report: Path,
                                                        example_report: Path, keys: dict[str, Path],
                                                        tmp_path: Path) -> None:
    """A signing record whose claimed role was edited no longer verifies."""
    from lia.reports.signing import verify_report

    records = json.loads((report / "signatures.json").read_text())
    rec = json.loads(base64.b64decode(records["records"][0]["payload"]))
    assert rec["role"] == "assessor" and rec["statement"].startswith("sha256:")
    rec["role"] = "dpo"  # claim a different role: the record's signature no longer matches
    records["records"][0]["payload"] = base64.b64encode(json.dumps(rec).encode()).decode()
    _write_json(report / "signatures.json", records)
    res = verify_report(example_ws, report)
    assert res.exit_code == 1
    assert any("signing record" in m for _, m in res.problems)


def test_cli_turns_hostile_input_into_a_message_not_a_traceback(example_ws: Workspace, report: Path) -> None:
    from conftest import run_lia

    (report / "statement.dsse.json").write_bytes(b'{"payload": ')
    r = run_lia("--home", str(example_ws.home), "verify", str(report))
    assert r.returncode == 2
    assert "statement.dsse.json" in r.stderr and "Traceback" not in r.stderr
    r = run_lia("--home", str(example_ws.home), "verify", str(report.parent / "nowhere"))
    assert r.returncode == 2 and "no such report folder" in r.stderr
    r = run_lia("--home", str(example_ws.home), "sign", str(report), "--key", str(report / "missing.key"))
    assert r.returncode == 2 and "missing.key" in r.stderr and "Traceback" not in r.stderr
    assert os.environ.get("LIA_DEBUG") is None


def test_report_folder_may_be_named_relative_to_the_workspace(tmp_path, monkeypatch) -> None:
    """`lia --home W verify reports/ID/v1` works from any folder, as does `ID/v1`; unknown names say what was expected."""
    from lia.commands.sign import resolve_report_dir
    from lia.errors import NotFoundError
    from lia.workspace import Workspace

    home = tmp_path / "ws"
    (home / "reports" / "cc" / "v1").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    ws = Workspace(home)
    want = home / "reports" / "cc" / "v1"
    assert resolve_report_dir(ws, "reports/cc/v1").resolve() == want.resolve()
    assert resolve_report_dir(ws, "cc/v1").resolve() == want.resolve()
    import pytest

    with pytest.raises(NotFoundError, match="expected a path such as"):
        resolve_report_dir(ws, "cc/v9")
