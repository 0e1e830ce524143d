"""Render the example, sign it, verify it; every tampered byte and every untrusted key is caught."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from lia.errors import InputError, LiaError
from lia.workspace import Workspace

from .conftest import add_assessment, render_one


def _copy(report: Path, tmp_path: Path) -> Path:
    """Copy a report folder to <tmp>/<id>/<name>: outside the workspace's reports/, where a folder
    is bound to its statement only through the workspace's answers (verify takes the workspace)."""
    dst = tmp_path / report.parent.name / report.name
    shutil.copytree(report, dst)
    return dst


@pytest.fixture
def signed(example_ws: Workspace, example_report: Path, keys: dict[str, Path], tmp_path: Path) -> Path:
    """A copy of the example report signed by the assessor and the DPO."""
    from lia.reports.signing import sign_report

    d = _copy(example_report, tmp_path)
    sign_report(example_ws, d, keys["assessor"])
    sign_report(example_ws, d, keys["dpo"], passphrase=b"correct horse")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_render_writes_every_file_and_a_statement_over_them(example_report: Path, example_ws: Workspace) -> None:
    from lia.example import EXAMPLE_ID
    from lia.store import Store

    names = {p.name for p in example_report.iterdir()}
    assert {"report.ipynb", "report.html", "report.pdf", "statement.json"} <= names
    st = json.loads((example_report / "statement.json").read_text())
    assert st["_type"] == "https://in-toto.io/Statement/v1"
    assert st["predicateType"] == "https://lia-workbench.invalid/assessment-report/v1"
    subjects = {s["name"]: s["digest"]["sha256"] for s in st["subject"]}
    for name in ("report.ipynb", "report.html", "report.pdf"):
        assert subjects[name] == hashlib.sha256((example_report / name).read_bytes()).hexdigest()
    pred = st["predicate"]
    head = Store(example_ws).load(EXAMPLE_ID)
    assert pred["answers"]["version"] == head.number and pred["answers"]["digest"] == head.digest
    assert {q["id"] for q in pred["questionnaires"]} >= {"lia", "dpia_screening", "dpia_risks"}
    assert all(q["digest"].startswith("sha256:") for q in pred["questionnaires"] + pred["rule_packs"])
    assert pred["template"]["digest"].startswith("sha256:") and pred["library"]["version"]
    assert pred["lang"] == "en" and pred["rendered_at"].endswith("Z")


def test_report_hides_code_and_shows_every_section(example_report: Path) -> None:
    html = (example_report / "report.html").read_text()
    for anchor in ("summary", "lia", "dpia", "findings", "periods", "access", "union", "answers", "provenance"):
        assert f'id="{anchor}"' in html
    assert "R.show(" not in html and "report_html" not in html  # no code cells in the page
    assert "<script" not in html.lower()
    assert "Nordkust" in html or "Recording" in html  # the example's own content


def test_verify_signed_report_names_signers_and_roles(example_ws: Workspace, signed: Path) -> None:
    from lia.reports.signing import verify_report

    res = verify_report(example_ws, signed)
    assert res.problems == []
    assert sorted((s.name, s.role, s.valid) for s in res.signers) == [("anna", "assessor", True),
                                                                      ("karin", "dpo", True)]
    assert all(s.signed_at and s.signed_at.endswith("Z") for s in res.signers)
    assert res.exit_code == 0


def test_one_flipped_byte_in_any_report_file_fails_and_names_it(example_ws: Workspace, signed: Path,
                                                                tmp_path: Path) -> None:
    from lia.reports.signing import verify_report

    names = [s["name"] for s in json.loads((signed / "statement.json").read_text())["subject"]]
    assert {"report.ipynb", "report.html", "report.pdf"} <= set(names)
    for name in names:
        d = tmp_path / name
        shutil.copytree(signed, d)
        path = d / name
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
        res = verify_report(example_ws, d)
        assert res.exit_code == 1, name
        assert [f for f, _ in res.problems] == [name]
        assert "changed" in res.problems[0][1]


def test_a_changed_digest_in_the_statement_fails(example_ws: Workspace, signed: Path) -> None:
    from lia.reports.signing import verify_report

    path = signed / "statement.json"
    text = path.read_text()
    st = json.loads(text)
    old = st["subject"][0]["digest"]["sha256"]
    new = ("0" if old[0] != "0" else "1") + old[1:]
    path.write_text(text.replace(old, new, 1))  # one byte, still valid JSON
    res = verify_report(example_ws, signed)
    files = {f for f, _ in res.problems}
    assert res.exit_code == 1
    assert st["subject"][0]["name"] in files  # the listed digest no longer matches its file
    assert "statement.dsse.json" in files  # and the signed payload is not this statement


def test_a_flipped_byte_that_breaks_the_statement_is_a_clear_input_error(example_ws: Workspace,
                                                                        signed: Path) -> None:
    from lia.reports.signing import verify_report

    path = signed / "statement.json"
    data = bytearray(path.read_bytes())
    data[0] = ord("[")
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="statement.json"):
        verify_report(example_ws, signed)


def test_tampered_envelope_signature_fails(example_ws: Workspace, signed: Path) -> None:
    import base64

    from lia.reports.signing import verify_report

    path = signed / "statement.dsse.json"
    env = json.loads(path.read_text())
    sig = bytearray(base64.b64decode(env["signatures"][0]["sig"]))
    sig[5] ^= 0x01
    env["signatures"][0]["sig"] = base64.b64encode(bytes(sig)).decode()
    path.write_text(json.dumps(env))
    res = verify_report(example_ws, signed)
    assert res.exit_code == 1
    assert any(f == "statement.dsse.json" and "does not match" in m for f, m in res.problems)


def test_an_added_file_is_reported(example_ws: Workspace, signed: Path) -> None:
    from lia.reports.signing import verify_report

    (signed / "report-final.pdf").write_bytes(b"%PDF-1.4 forged")
    res = verify_report(example_ws, signed)
    assert ("report-final.pdf", "not listed in statement.json (added after rendering)") in res.problems


def test_signature_by_an_untrusted_key_fails(example_ws: Workspace, example_report: Path, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from lia.reports.signing import verify_report

    d = _copy(example_report, tmp_path)
    try:
        from lia.reports.signing import sign_report

        sign_report(example_ws, d, Path("unused"), private_key=Ed25519PrivateKey.generate(),
                    signer=("mallory", "dpo"))
        res = verify_report(example_ws, d)
        assert res.exit_code == 1
        assert [s.valid for s in res.signers] == [False]
        assert "not in the trusted keys" in res.signers[0].problem
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_sign_refuses_an_untrusted_key_and_a_tampered_report(example_ws: Workspace, example_report: Path,
                                                            tmp_path: Path, keys: dict[str, Path]) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from lia.reports.signing import sign_report

    d = _copy(example_report, tmp_path)
    try:
        stranger = tmp_path / "stranger.key"
        stranger.write_bytes(Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        with pytest.raises(LiaError, match="not trusted by .*key-log.json"):
            sign_report(example_ws, d, stranger)
        with pytest.raises(LiaError, match="passphrase"):
            sign_report(example_ws, d, keys["dpo"])
        with pytest.raises(LiaError, match="wrong passphrase"):
            sign_report(example_ws, d, keys["dpo"], passphrase=b"nope")
        (d / "report.html").write_text("<p>forged</p>")
        with pytest.raises(LiaError, match="report.html"):
            sign_report(example_ws, d, keys["assessor"])
        assert not (d / "statement.dsse.json").exists()
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_approved_assessment_needs_a_dpo_signature(tmp_path_factory: pytest.TempPathFactory,
                                                   templates_copy: Path, pool: Any) -> None:
    from lia.reports.keylog import new_key
    from lia.reports.keys import load_private_key
    from lia.reports.signing import sign_report, verify_report

    from .conftest import make_workspace

    ws = make_workspace(tmp_path_factory.mktemp("approved") / "ws", templates_copy)
    add_assessment(ws, "approved-case", templates_copy, status="approved")
    d = render_one(ws, "approved-case", templates_copy, pool)
    out = tmp_path_factory.mktemp("k")
    a = new_key(ws, "anna", "assessor", out)
    k = new_key(ws, "karin", "dpo", out, signed_by=load_private_key(Path(a["private_key"])))
    sign_report(ws, d, Path(a["private_key"]))
    res = verify_report(ws, d, check_current=False)
    assert res.exit_code == 1
    assert any("no valid DPO signature" in m for _, m in res.problems)
    sign_report(ws, d, Path(k["private_key"]))
    assert verify_report(ws, d, check_current=False).exit_code == 0


def test_same_inputs_give_the_same_bytes(example_ws: Workspace, example_report: Path, templates_copy: Path,
                                         pool: Any) -> None:
    from lia.example import EXAMPLE_ID

    again = render_one(example_ws, EXAMPLE_ID, templates_copy, pool, pdf=True)
    try:
        assert again.name.startswith(example_report.name + "-r")  # never overwrites the first report
        for name in ("report.ipynb", "report.html", "report.pdf"):
            assert (again / name).read_bytes() == (example_report / name).read_bytes(), name
    finally:
        shutil.rmtree(again)


def test_failed_execution_keeps_the_error_notebook_and_names_the_cell(tmp_path: Path, templates_copy: Path,
                                                                      pool: Any) -> None:
    import nbformat

    from lia.example import EXAMPLE_ID
    from lia.reports.folders import report_dirs

    from .conftest import make_workspace

    broken = tmp_path / "templates"
    shutil.copytree(templates_copy, broken)
    nb = nbformat.read(str(broken / "report.ipynb"), as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == "findings")
    cell.source = "raise RuntimeError('rule pack exploded')"
    nbformat.write(nb, str(broken / "report.ipynb"))
    ws = make_workspace(tmp_path / "ws", templates_copy)
    with pytest.raises(LiaError) as err:
        render_one(ws, EXAMPLE_ID, broken, pool)
    msg = str(err.value)
    assert "'findings'" in msg and "RuntimeError: rule pack exploded" in msg
    failed = next((ws.reports_dir / EXAMPLE_ID).glob("v*.failed"))
    assert str(failed / "report.ipynb") in msg
    out = nbformat.read(str(failed / "report.ipynb"), as_version=4)
    errors = [o for c in out.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors and errors[0]["evalue"] == "rule pack exploded"
    assert report_dirs(ws, EXAMPLE_ID) == []  # no half report
    assert not list((ws.reports_dir / EXAMPLE_ID).glob(".tmp-*"))


def test_cli_verify_prints_signers_and_exits_zero(example_ws: Workspace, signed: Path) -> None:
    from conftest import run_lia

    r = run_lia("--home", str(example_ws.home), "verify", str(signed))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "signed by anna (assessor)" in r.stdout and "signed by karin (dpo)" in r.stdout
    (signed / "report.pdf").write_bytes(b"%PDF-1.4 forged")
    r = run_lia("--home", str(example_ws.home), "verify", str(signed), "--json")
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert out["problems"][0]["file"] == "report.pdf" and out["ok"] is False
