"""Errors of a report's signing and statement files as a Swedish or Norwegian DPO reads them (issue 13 item 3).

Before, lia.reports.dsse, statement, keys, keylog and signing wrote plain English ("expected a JSON
object (in-toto Statement)", "name 'x': expected 1-64 letters ..."), shown in English on every page.
Each bad file here goes through the real reader; its error must read in sv and nb without the
English template's words, and its English must stay what the command line printed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lia.errors import InputError, LiaError
from lia.messages import translate_error
from lia.reports import keys, signing
from lia.reports.statement import STATEMENT_FILE, load_statement

ENGLISH = re.compile(r"\b(expected|found|is|not|valid|an|of|list|object|with|and|missing|letters|digits|"
                     r"does|match|listed|twice|readable|key|private|public|exactly|one|signature|"
                     r"record|envelope|statement|empty|give|either|set|character|plain|file|records)\b")


def _words(shown: str, path: Path) -> list[str]:
    """English words left in ``shown``, leaving out the file, values ('...'), JSON shapes ({...}) and options."""
    rest = shown.replace(str(path), "")
    rest = re.sub(r"'[^']*'|`[^`]*`|--[\w-]+|-----[A-Z ]+-----|\b[a-z]+_[a-z_]+\b", "", rest)
    rest = re.sub(r"\{[^{}]*\}", "", re.sub(r"\{[^{}]*\}", "", rest))
    return ENGLISH.findall(rest)


def _statements(tmp: Path) -> dict[str, tuple[bytes, str]]:
    return {
        "not UTF-8": (b'{"_type": "\xff"}', "statement is not UTF-8 text (byte 11)"),
        "not JSON": (b'{"_type": ', "line 1, column 11: statement is not valid JSON: Expecting value"),
        "not an object": (b"[]", "expected a JSON object (in-toto Statement)"),
        "wrong type": (b'{"_type": "x"}', "_type: expected 'https://in-toto.io/Statement/v1', found 'x'"),
        "no subjects": (b'{"_type": "https://in-toto.io/Statement/v1", "subject": []}',
                        "subject: expected a non-empty list of {name, digest: {sha256}}"),
        "bad subject": (json.dumps({"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "a/b"}]}).encode(),
                        "subject[0]: expected {name: a plain file name, digest: {sha256: 64 hex digits}}"),
    }


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_a_bad_statement_reads_in_the_readers_language(tmp_path: Path, lang: str) -> None:
    path = tmp_path / STATEMENT_FILE
    for what, (raw, english) in _statements(tmp_path).items():
        path.write_bytes(raw)
        with pytest.raises(InputError) as ei:
            load_statement(tmp_path)
        assert str(ei.value).endswith(english), (what, str(ei.value))
        shown = translate_error(ei.value, lang)
        assert shown.startswith(str(path)) and not _words(shown, path), (what, lang, shown, _words(shown, path))


def _trusted(tmp: Path) -> dict[str, tuple[str, str]]:
    return {
        "not a mapping": ("- 1\n", "expected a mapping with 'format: lia-trusted-keys/1' and a list 'keys'"),
        "wrong format": ("format: x\nkeys: []\n", "expected format 'lia-trusted-keys/1', found 'x'"),
        "entry not a mapping": ("format: lia-trusted-keys/1\nkeys: [1]\n",
                                "keys[0]: expected a mapping with name, role, keyid, public_key, added"),
        "entry missing": ("format: lia-trusted-keys/1\nkeys: [{name: a}]\n", "keys[0]: missing role, keyid, public_key, added"),
        "bad name": ("format: lia-trusted-keys/1\nkeys: [{name: 'a/b', role: dpo, keyid: k, public_key: p, added: d}]\n",
                     "keys[0]: name 'a/b': expected 1-64 letters, digits, space, _ . @ -"),
        "bad role": ("format: lia-trusted-keys/1\nkeys: [{name: a, role: boss, keyid: k, public_key: p, added: d}]\n",
                     "keys[0]: role 'boss': expected one of "),
        "bad pem": ("format: lia-trusted-keys/1\nkeys: [{name: a, role: dpo, keyid: k, public_key: nonsense, added: d}]\n",
                    "keys[0]: expected a PEM public key (-----BEGIN PUBLIC KEY-----)"),
    }


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_a_bad_trusted_keys_file_reads_in_the_readers_language(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "trusted-keys.yaml"
    for what, (text, english) in _trusted(tmp_path).items():
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as ei:
            keys.load_trusted_keys(path)
        assert english in str(ei.value), (what, str(ei.value))
        shown = translate_error(ei.value, lang)
        assert not _words(shown, path), (what, lang, shown, _words(shown, path))


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_bad_envelopes_records_and_keys_read_in_the_readers_language(tmp_path: Path, lang: str) -> None:
    cases = [
        (signing.ENVELOPE_FILE, b"[]", signing._load_envelope, "expected a DSSE envelope object"),
        (signing.ENVELOPE_FILE, json.dumps({"payloadType": signing.PAYLOAD_TYPE, "payload": 3}).encode(),
         signing._load_envelope, "payload: expected a base64 string"),
        (signing.ENVELOPE_FILE, json.dumps({"payloadType": signing.PAYLOAD_TYPE, "payload": "!!"}).encode(),
         signing._load_envelope, "payload: expected standard base64"),
        (signing.RECORDS_FILE, b"{}", signing._load_records, "expected {format: 'lia-signing-records/1'"),
        ("private.key", b"hello", lambda d: keys.load_private_key(d / "private.key"), "expected a PEM private key"),
    ]
    for name, raw, read, english in cases:
        path = tmp_path / name
        path.write_bytes(raw)
        with pytest.raises(InputError) as ei:
            read(tmp_path)
        assert english in str(ei.value), (name, str(ei.value))
        shown = translate_error(ei.value, lang)
        assert shown != str(ei.value) and not _words(shown, path), (name, lang, shown, _words(shown, path))


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_passphrase_errors_read_in_the_readers_language(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    monkeypatch.delenv("LIA_NO_SUCH_PASSPHRASE", raising=False)
    for call, english in ((lambda: keys.read_passphrase("f", "E"), "give either --passphrase-file or --passphrase-env, not both"),
                          (lambda: keys.read_passphrase(env="LIA_NO_SUCH_PASSPHRASE"),
                           "environment variable LIA_NO_SUCH_PASSPHRASE (--passphrase-env) is not set")):
        with pytest.raises(LiaError) as ei:
            call()
        assert str(ei.value) == english
        shown = translate_error(ei.value, lang)
        assert shown != english and not _words(shown, Path("LIA_NO_SUCH_PASSPHRASE")), (lang, shown)
