"""Library messages and errors reach Swedish and Norwegian readers in their language."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest

from lia.errors import InputError, Joined, Message, NotFoundError
from lia.i18n import catalogue
from lia.messages import CATALOGUES, translate, translate_error, translate_problem
from lia.periods.calllog import read_call_log

ROOT = Path(__file__).resolve().parents[1]
# every module of the library, adjacent string literals split over lines joined (modules move and split)
_LIBRARY = re.sub(r"\"\s*\n\s*f?\"", "", "".join(p.read_text() for p in sorted((ROOT / "lib" / "lia").rglob("*.py"))))
#: codes the library cannot write as a Message: the catalogue's own reader names it (it would need itself)
_NOT_A_MESSAGE = {"errors.what_catalogue"}


@pytest.mark.parametrize("area", CATALOGUES)
def test_every_catalogue_entry_is_written_by_the_library(area: str) -> None:
    """An entry no module writes any more is dead text: a reworded writer took a new code and left it."""
    unused = [f"{area}.{key}" for key in catalogue(area)
              if f'"{area}.{key}"' not in _LIBRARY and f'"{key}"' not in _LIBRARY and f"{area}.{key}" not in _NOT_A_MESSAGE]
    assert unused == []


def _calls(tmp_path: Path, rows: list[str], name: str = "calls.csv", header: str | None = None) -> InputError:
    from periods.helpers import HEADER, write_csv

    with pytest.raises(InputError) as ei:
        read_call_log(write_csv(tmp_path / name, rows, header or HEADER))
    return ei.value


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


def test_call_log_errors_in_swedish_and_norwegian_keep_the_file_the_place_and_the_values(tmp_path: Path) -> None:
    from periods.helpers import row

    rows = [row(i) for i in range(1, 12)]
    rows[2] = row(3, start="yesterday")
    rows[7] = row(8, start="2025-13-01T09:00:00Z")
    rows[5] = row(6, agent="")
    err = _calls(tmp_path, rows)
    f = tmp_path / "calls.csv"
    assert err.code == "errors.calllog_rejected" and err.where.code == "errors.frag_cell"
    # the English the command line prints is the same as ever
    assert str(err).splitlines() == [
        f"{f}, line 7, column agent: 3 of 11 rows cannot be imported; nothing was imported.",
        "  - column agent: 1 bad row (empty); first 1: line 7: ''; expected a non-empty pseudonymous agent id such as A0042",
        "  - column start: 2 bad rows; first 2: line 4: 'yesterday'; line 9: '2025-13-01T09:00:00Z'; expected an ISO 8601 "
        "timestamp with a UTC offset, e.g. 2025-03-03T09:15:00+01:00 or 2025-03-03T08:15:00Z",
    ]
    sv = translate_error(err, "sv")
    assert sv.splitlines() == [
        f"{f}, rad 7, kolumn agent: 3 av 11 rader kan inte importeras; inget importerades.",
        "  - kolumnen agent: 1 felaktig rad (tomt); de första 1: rad 7: ''; väntade ett pseudonymt agent-id som inte "
        "är tomt, till exempel A0042",
        "  - kolumnen start: 2 felaktiga rader; de första 2: rad 4: 'yesterday'; rad 9: '2025-13-01T09:00:00Z'; väntade "
        "en ISO 8601-tidsstämpel med UTC-förskjutning, t.ex. 2025-03-03T09:15:00+01:00 eller 2025-03-03T08:15:00Z",
    ]
    nb = translate_error(err, "nb")
    assert nb.startswith(f"{f}, linje 7, kolonne agent: 3 av 11 rader kan ikke importeres; ingenting ble importert.")
    assert "1 ugyldig rad (tomt); de første 1: linje 7: ''" in nb
    assert translate_error(err, "en") == str(err)


def test_duplicates_wrong_widths_and_missing_columns(tmp_path: Path) -> None:
    from periods.helpers import row

    dup = _calls(tmp_path, [row(1), row(2), row(3), row(1)])
    assert str(dup).endswith("column call_id: 1 duplicated call id (1 extra row); first 1: 'C00001' on line 2, line 5; "
                             "expected every call id once")
    assert "'C00001' på rad 2, rad 5; väntade varje samtals-id en gång" in translate_error(dup, "sv")
    assert translate_error(dup, "nb").startswith(f"{tmp_path / 'calls.csv'}, linje 5, kolonne call_id: 1 av 4 rader")
    width = _calls(tmp_path, [row(1), row(2) + ",x", row(3), "C00004"], "w.csv")
    assert str(width).endswith("2 rows with the wrong number of fields (expected 9, as in the header); first 2: "
                               "line 3: 10 fields; line 5: 1 field. Nothing was imported.")
    assert translate_error(width, "sv") == (f"{tmp_path / 'w.csv'}, rad 3: 2 rader med fel antal fält (väntade 9, som i "
                                            "rubrikraden); de första 2: rad 3: 10 fält; rad 5: 1 fält. Inget importerades.")
    cols = _calls(tmp_path, ["C1,A1,2025-03-03T09:00:00Z"], "c.csv", header="call_id,agent,start")
    assert translate_error(cols, "nb") == (
        f"{tmp_path / 'c.csv'}, linje 1 (overskriftslinjen): kolonnene team, duration_s, recorded, caller_consent, "
        "deleted_at, consent_withdrawn_at mangler; forventet kolonnene call_id, agent, team, start, duration_s, "
        "recorded, caller_consent, deleted_at, consent_withdrawn_at (andre kolonner ignoreres); fant: call_id, agent, "
        "start")
    many = _calls(tmp_path, ["1"], "m.csv", header=",".join(f"c{i}" for i in range(23)))
    assert str(many).endswith("found: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, "
                              "c18, c19, and 3 more")
    assert translate_error(many, "sv").endswith("c19, och 3 till")
    long = _calls(tmp_path, [row(1, agent="A" * 1001)], "l.csv")
    assert "(longer than 1000 characters); first 1: line 2: '" + "A" * 40 + "'... (1001 characters)" in str(long)
    assert "(längre än 1000 tecken); de första 1: rad 2: '" + "A" * 40 + "'... (1001 tecken)" in \
        translate_error(long, "sv")


def test_pieces_of_a_message_are_rendered_in_its_language() -> None:
    """Joined pieces: Messages in the reader's language, values as they are; the English is str()."""
    shown = Joined([Joined([Message("errors.frag_row", n=3), "'x'"], ": "), Joined(["f.parquet",
                    Message("errors.where_line", line=9)], " ")], "; ")
    assert shown == "row 3: 'x'; f.parquet line 9"
    assert translate(shown, "nb") == "rad 3: 'x'; f.parquet linje 9"
    back = Message.from_data(json.loads(json.dumps(Message("status.cannot_check", error=shown).as_data())))
    assert back.text("sv") == "kan inte kontrollera om underlaget är aktuellt: rad 3: 'x'; f.parquet rad 9"
    assert pickle.loads(pickle.dumps(shown)).text("sv") == "rad 3: 'x'; f.parquet rad 9"


def test_store_errors_and_unknown_errors(tmp_path: Path) -> None:
    """The store's errors are codes: the English the CLI prints is unchanged, a page renders them from the code."""
    from lia.store import Store
    from lia.workspace import Workspace

    (tmp_path / "ws").mkdir()
    ws = Workspace(tmp_path / "ws")
    Store(ws).create({"id": "cc", "title": "Call recording"}, author="T", message="m")
    with pytest.raises(NotFoundError) as ei:
        Store(ws).load("cc", 9)
    err = ei.value
    assert str(err) == "the assessment 'cc' has no version 9; its versions are 1 to 1"

    assert translate_error(err, "sv") == "bedömningen 'cc' har ingen version 9; dess versioner är 1 till 1"
    with pytest.raises(NotFoundError) as ei:
        Store(ws).load("nope")
    assert translate_error(ei.value, "nb").startswith("det finnes ingen vurdering 'nope' i ")
    assert Message("errors.store_no_version", id="cc", n=9, have=Message("errors.store_none_yet")).text("nb") == \
        "vurderingen 'cc' har ingen versjon 9; versjonene er ingen ennå"
    # not a LiaError: a bug, shown with its class so it can be reported
    assert translate_error(KeyError("x"), "sv") == "KeyError: 'x'"
    # a message nobody translated stays as written
    assert translate_error(InputError("brand new problem", file="f.csv", where="line 2"), "sv") == "f.csv, line 2: brand new problem"
    assert translate_error(InputError("brand new problem", file="f.csv", where=Message("errors.where_line", line=2)),
                           "sv") == "f.csv, rad 2: brand new problem"


def test_a_cut_value_says_its_length_in_the_readers_language(tmp_path: Path) -> None:
    """excerpt() cuts a long value from a user's file; "(N characters)" was English on every page."""
    from lia.errors import excerpt

    err = InputError(Message("errors.key_twice", key=excerpt("k" * 60)), file="/x/" + "f" * 400 + ".yaml")
    assert str(err) == f"/x/{'f' * 297}... (408 characters): the key {'k' * 40}... (60 characters) is given twice; give each key once"
    assert translate_error(err, "sv") == (f"/x/{'f' * 297}... (408 tecken): nyckeln {'k' * 40}... (60 tecken) anges två "
                                          "gånger; ange varje nyckel en gång")
    assert translate_error(err, "nb").startswith(f"/x/{'f' * 297}... (408 tegn): ")
    assert excerpt("short") == "short"


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_an_access_logs_unreadable_header_reads_in_the_readers_language(tmp_path: Path, lang: str) -> None:
    """The access log shares the call log's file errors: a binary file or a header that is not UTF-8 is a code,
    with its line, on the access page too (they were matched against English until the fallback went)."""
    from lia.access.log import read_access_log

    (tmp_path / "nul.csv").write_bytes(b"event_id,recording_id\n\x00\x01")
    (tmp_path / "latin1.csv").write_bytes("event_id,rôle\n".encode("latin-1"))
    for name, code in (("nul.csv", "errors.calllog_binary"), ("latin1.csv", "errors.calllog_header_not_utf8")):
        with pytest.raises(InputError) as ei:
            read_access_log(tmp_path / name)
        assert ei.value.code == code
        shown = translate_error(ei.value, lang)
        assert "expected" not in shown and "binary" not in shown and "header" not in shown, shown
    assert shown.startswith(f"{tmp_path / 'latin1.csv'}, {'rad' if lang == 'sv' else 'linje'} 1: ")
