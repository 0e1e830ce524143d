"""Library messages and errors reach Swedish and Norwegian readers in their language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lia.errors import InputError, Message, NotFoundError
from lia.i18n import catalogue
from lia.messages import CATALOGUES, is_legacy, render, tokens, translate, translate_error, translate_problem

ROOT = Path(__file__).resolve().parents[1]
# Where the legacy messages are written: anywhere in the library (modules move and split; a
# message that no module writes any more is the failure this looks for).
_LIBRARY = re.sub(r"\"\s*\n\s*f?\"", "", "".join(p.read_text() for p in sorted((ROOT / "lib" / "lia").rglob("*.py"))))
# adjacent string literals split over lines are one message
SOURCES = {area: _LIBRARY for area in ("status", "errors")}
# the legacy entries, still matched against the English their writers write (lia.messages.LEGACY);
# the entries that are codes only are rendered from their code and tested in tests/test_error_codes.py
ENTRIES = sorted((area, key) for area in CATALOGUES for key in catalogue(area) if is_legacy(area, key))


def sample_values(template: str) -> dict[str, str]:
    """``<name-1.2>`` for each placeholder of *template*."""
    return {t[1]: f"<{t[1]}-1.2>" for t in tokens(template) if t[0] == "field"}


def _plural_count(template: str) -> int:
    return sum(1 for t in tokens(template) if t[0] == "plural")


@pytest.mark.parametrize("area,key", ENTRIES)
def test_each_message_round_trips_into_swedish_and_norwegian(area: str, key: str) -> None:
    entry = catalogue(area)[key]
    values = sample_values(entry["en"])
    for lang in ("sv", "nb"):
        assert set(sample_values(entry[lang])) == set(values), f"{key}: {lang} names other placeholders"
        assert _plural_count(entry[lang]) == _plural_count(entry["en"]), f"{key}: {lang} has other plural words"
    if key.startswith("frag_"):
        return  # pieces of messages: tested inside the messages that hold them
    for singular in ([False], [True]) if _plural_count(entry["en"]) else ([False],):
        plurals = singular * _plural_count(entry["en"])
        english = render(entry["en"], values, plurals)
        for lang in ("sv", "nb"):
            assert translate(english, lang) == render(entry[lang], values, plurals)
        assert translate(english, "en") == english


@pytest.mark.parametrize("area,key", ENTRIES)
def test_catalogue_matches_what_the_library_writes(area: str, key: str) -> None:
    """A message reworded in the library without the catalogue would stay English on the pages."""
    en = catalogue(area)[key]["en"]
    for tok in tokens(en):
        if tok[0] != "text":
            continue
        for piece in re.split(r"[(){}\[\];:]", tok[1]):
            if len(piece.strip()) >= 6:
                assert piece.strip() in SOURCES[area], f"{key}: {piece.strip()!r} is no longer written by the library"


def test_nested_and_unknown_messages() -> None:
    """Verification findings are codes: a nested finding is rendered in the same language, and the English
    (the CLI, statements) is the catalogue's word for word."""
    msg = Message("status.signature_by", who="Karin Lindqvist (dpo)", problem=Message("status.untrusted_key"))
    assert msg == "signature by Karin Lindqvist (dpo): key is not in the trusted keys"
    assert translate(msg, "sv") == "signatur av Karin Lindqvist (dpo): nyckeln finns inte bland de betrodda nycklarna"
    changed = Message("status.pack_changed", id="se", version="1.1.0", file="rules/se.yaml")
    assert translate(changed, "nb").startswith("regelpakken se 1.1.0 er endret uten nytt versjonsnummer")
    assert translate(Message("status.pack_bumped", id="se", old="1.0.0", new="1.1.0"), "sv") == \
        "regelpaketet se 1.0.0 -> 1.1.0"
    # a placeholder used twice holds the same value both times
    assert translate(Message("status.viewer_no_reports", id="cc"), "nb") == \
        "cc har ingen gjengitt rapport ennå; gjengi en med `lia render cc`"
    # an English text nobody coded is no longer matched: shown as written
    assert translate("cc has no rendered report yet; render one with `lia render cc`", "nb").startswith("cc has no")
    assert translate("something new the catalogue does not know", "sv") == "something new the catalogue does not know"
    assert translate_problem("report.html", Message("status.changed_file"), "nb") == \
        "report.html: SHA-256 avviker fra statement.json: filen er endret"


def test_call_log_errors_in_swedish_and_norwegian_keep_the_file_the_place_and_the_values() -> None:
    err = InputError("3 of 12 rows cannot be imported; nothing was imported.\n"
                     "  - column start: 2 bad rows; first 2: line 4: 'yesterday'; line 9: '2025-13-01'; expected an ISO 8601 "
                     "timestamp with a UTC offset, e.g. 2025-03-03T09:15:00+01:00 or 2025-03-03T08:15:00Z\n"
                     "  - column agent: 1 bad row (empty); first 1: line 7: ''; expected a non-empty pseudonymous agent id "
                     "such as A0042", file="calls.csv", where="line 4, column start")
    sv = translate_error(err, "sv")
    assert sv.splitlines() == [
        "calls.csv, rad 4, kolumn start: 3 av 12 rader kan inte importeras; inget importerades.",
        "  - kolumnen start: 2 felaktiga rader; de första 2: rad 4: 'yesterday'; rad 9: '2025-13-01'; väntade en ISO "
        "8601-tidsstämpel med UTC-förskjutning, t.ex. 2025-03-03T09:15:00+01:00 eller 2025-03-03T08:15:00Z",
        "  - kolumnen agent: 1 felaktig rad (tomt); de första 1: rad 7: ''; väntade ett pseudonymt agent-id som inte "
        "är tomt, till exempel A0042",
    ]
    nb = translate_error(err, "nb")
    assert nb.startswith("calls.csv, linje 4, kolonne start: 3 av 12 rader kan ikke importeres; ingenting ble importert.")
    assert "1 ugyldig rad (tomt); de første 1: linje 7: ''" in nb
    assert translate_error(err, "en") == str(err)


def test_duplicates_wrong_widths_and_missing_columns() -> None:
    dup = InputError("1 of 4 rows cannot be imported; nothing was imported.\n  - column call_id: 1 duplicated call id "
                     "(1 extra row); first 1: 'c-1' on row 2, row 4; expected every call id once",
                     file="calls.parquet", where="row 4, column call_id")
    assert "'c-1' på rad 2, rad 4; väntade varje samtals-id en gång" in translate_error(dup, "sv")
    assert translate_error(dup, "nb").startswith("calls.parquet, rad 4, kolonne call_id: 1 av 4 rader")
    width = InputError("2 rows with the wrong number of fields (expected 9, as in the header); first 2: line 3: 8 fields; "
                       "line 5: 1 field. Nothing was imported.", file="c.csv", where="line 3")
    assert translate_error(width, "sv") == ("c.csv, rad 3: 2 rader med fel antal fält (väntade 9, som i rubrikraden); "
                                            "de första 2: rad 3: 8 fält; rad 5: 1 fält. Inget importerades.")
    cols = InputError("missing columns agent, team; expected the columns a, b (extra columns are ignored); found: nothing",
                      file="c.csv", where="line 1 (header)")
    assert translate_error(cols, "nb") == ("c.csv, linje 1 (overskriftslinjen): kolonnene agent, team mangler; forventet "
                                           "kolonnene a, b (andre kolonner ignoreres); fant: ingenting")


def test_store_errors_and_unknown_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's errors are codes: the English the CLI prints is unchanged, a page renders them from the code."""
    from lia import messages
    from lia.store import Store
    from lia.workspace import Workspace

    (tmp_path / "ws").mkdir()
    ws = Workspace(tmp_path / "ws")
    Store(ws).create({"id": "cc", "title": "Call recording"}, author="T", message="m")
    with pytest.raises(NotFoundError) as ei:
        Store(ws).load("cc", 9)
    err = ei.value
    assert str(err) == "the assessment 'cc' has no version 9; its versions are 1 to 1"

    def no_regex(*a: object, **k: object) -> None:
        raise AssertionError("a coded error went through the regex fallback")

    with monkeypatch.context() as m:
        m.setattr(messages, "_match", no_regex)
        assert translate_error(err, "sv") == "bedömningen 'cc' har ingen version 9; dess versioner är 1 till 1"
        with pytest.raises(NotFoundError) as ei:
            Store(ws).load("nope")
        assert translate_error(ei.value, "nb").startswith("det finnes ingen vurdering 'nope' i ")
    assert Message("errors.store_no_version", id="cc", n=9, have=Message("errors.store_none_yet")).text("nb") == \
        "vurderingen 'cc' har ingen versjon 9; versjonene er ingen ennå"
    # not a LiaError: a bug, shown with its class so it can be reported
    assert translate_error(KeyError("x"), "sv") == "KeyError: 'x'"
    # a message nobody translated stays as written
    assert translate_error(InputError("brand new problem", file="f.csv", where="line 2"), "sv") == "f.csv, rad 2: brand new problem"
