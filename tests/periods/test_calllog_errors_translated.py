"""Call-log errors as a union representative reading the page in Swedish or Norwegian sees them.

The library writes its errors in English (the CLI and other tools rely on the wording); the
works-council page shows them through lia.messages.translate_error. These tests feed real bad
files through read_call_log, so a message reworded in lia.periods.calllog without its catalogue
entry (templates/i18n/errors.yaml) fails here instead of reaching readers in English.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lia.errors import InputError
from lia.messages import translate_error
from lia.periods.calllog import read_call_log
from lia.periods.synth import generate

from .helpers import HEADER, row, write_csv

#: English words the library's call-log errors use; none may remain in a translation.
ENGLISH = re.compile(r"\b(expected|column|columns|rows?|line|lines|bad|nothing|imported|empty|missing|found|"
                     r"fields?|duplicated|first|header|file|contains|readable|offset|with|not)\b")


def bad_files(tmp: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    rows = [row(i) for i in range(1, 12)]
    rows[2] = row(3, start="yesterday")
    rows[4] = row(5, agent=" ")
    rows[6] = row(7, recorded="maybe", consent="perhaps", duration="-4")
    rows[8] = row(2)  # a second C00002
    files["bad rows"] = write_csv(tmp / "rows.csv", rows)
    files["wrong width"] = write_csv(tmp / "width.csv", [row(1), row(2) + ",x,y", row(3)])
    files["missing columns"] = write_csv(tmp / "cols.csv", ["C1,A1,2025-03-03T09:00:00Z"], header="call_id,agent,start")
    (tmp / "empty.csv").write_text("")
    files["empty"] = tmp / "empty.csv"
    (tmp / "nul.csv").write_bytes(HEADER.encode() + b"\n\x00\x01")
    files["binary"] = tmp / "nul.csv"
    (tmp / "latin1.csv").write_bytes(HEADER.replace("agent", "agent\xe9").encode("latin-1") + b"\n")
    files["header not UTF-8"] = tmp / "latin1.csv"
    (tmp / "fake.parquet").write_text(HEADER + "\n")
    files["misnamed"] = tmp / "fake.parquet"
    t = generate(weeks=1, teams=1, agents_per_team=2, calls_per_agent_day=2).table
    t = t.set_column(t.schema.get_field_index("start"), "start", pa.array(range(t.num_rows), pa.int64()))
    pq.write_table(t, tmp / "typed.parquet")
    files["wrong types"] = tmp / "typed.parquet"
    files["does not exist"] = tmp / "nowhere.csv"
    return files


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_every_call_log_error_is_translated_whole(tmp_path: Path, lang: str) -> None:
    for what, path in bad_files(tmp_path).items():
        with pytest.raises(InputError) as ei:
            read_call_log(path)
        shown = translate_error(ei.value, lang)
        assert shown.startswith(str(path)), f"{what}: the file is named first"
        # the values from the file and the column names stay; English words do not
        text = re.sub(r"'[^']*'|\"[^\"]*\"|\([^()]*Arrow[^()]*\)", "", shown[len(str(path)):])
        for col in ("call_id", "agent", "team", "start", "duration_s", "recorded", "caller_consent", "deleted_at",
                    "consent_withdrawn_at", "not_asked", "yes, no"):
            text = text.replace(col, "")
        left = ENGLISH.findall(text)
        assert not left, f"{what} in {lang} still has English {left}:\n{shown}\n(English: {ei.value})"


def test_the_place_and_values_survive_translation(tmp_path: Path) -> None:
    rows = [row(i) for i in range(1, 6)]
    rows[2] = row(3, start="yesterday")
    with pytest.raises(InputError) as ei:
        read_call_log(write_csv(tmp_path / "calls.csv", rows))
    sv = translate_error(ei.value, "sv")
    assert sv.startswith(f"{tmp_path / 'calls.csv'}, rad 4, kolumn start: 1 av 5 rader kan inte importeras")
    assert "rad 4: 'yesterday'" in sv and "väntade en ISO 8601-tidsstämpel" in sv
    nb = translate_error(ei.value, "nb")
    assert "linje 4, kolonne start: 1 av 5 rader kan ikke importeres" in nb and "linje 4: 'yesterday'" in nb


def _codes(value: object) -> set[str]:
    """The codes of a message and of every piece it holds."""
    from lia.errors import Joined, Message

    if isinstance(value, Message):
        return {value.code}.union(*(_codes(v) for v in value.params.values()))
    if isinstance(value, Joined):
        return set().union(*(_codes(v) for v in value.items))
    return set()


def _english_words(code: str, lang: str) -> set[str]:
    """The words of ``code``'s English template (plural forms included) that its ``lang`` text does not use."""
    from lia.i18n import catalogue
    from lia.messages import tokens

    area, _, key = code.partition(".")
    entry = catalogue(area)[key]
    own = {w.lower() for w in re.findall(r"[A-Za-z]+", entry[lang])}
    en = " ".join(t[1] if t[0] == "text" else " ".join(t[2:]) for t in tokens(entry["en"]) if t[0] != "field")
    return {w for w in re.findall(r"[A-Za-z]{3,}", en) if w.lower() not in own}


def every_kind_of_bad_value(tmp: Path) -> dict[str, Path]:
    """One file per way a call log's values can be wrong (CSV lines, Parquet rows, a folder's files)."""
    rows = [row(i) for i in range(1, 20)]
    rows[1] = row(2, agent=" ", team="")  # empty agent and team
    rows[2] = row(3, start="yesterday")  # not a timestamp
    rows[3] = row(4, start="")  # no start
    rows[4] = row(5, duration="-4")  # negative
    rows[5] = row(6, duration="long")  # not a number
    rows[6] = row(7, recorded="maybe")
    rows[7] = row(8, consent="perhaps")
    rows[8] = row(9, deleted="soon")
    rows[9] = row(10, withdrawn="2025-02-30T10:00:00Z")  # no such day
    rows[10] = row(3)  # a second C00003
    files = {"bad values": write_csv(tmp / "values.csv", rows)}
    files["too long"] = write_csv(tmp / "long.csv", [row(1, agent="A" * 1001, team="t" * 2000), row(2),
                                                      "," + row(3).split(",", 1)[1]])  # and an empty call id
    t = pa.table({"call_id": ["c1", "c2", "c1"], "agent": ["A1", "", "A2"], "team": ["t", "t", "t"],
                  "start": ["2025-03-03T09:00:00Z", "later", "2025-03-03T10:00:00Z"], "duration_s": [1.0, -1.0, 2.0],
                  "recorded": [True, False, None], "caller_consent": ["yes", "no", "not_asked"],
                  "deleted_at": [None, None, None], "consent_withdrawn_at": [None, None, None]})
    pq.write_table(t, tmp / "values.parquet")
    files["Parquet values"] = tmp / "values.parquet"
    folder = tmp / "months"
    folder.mkdir()
    for k in (1, 2):  # the same call id in two files
        pq.write_table(t.slice(0, 1).set_column(1, "agent", pa.array([f"A{k}"])), folder / f"2025-0{k}.parquet")
    files["duplicate across files"] = folder
    return files


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_each_kind_of_bad_value_reads_without_the_english_templates_words(tmp_path: Path, lang: str) -> None:
    """Issue 13 item 3: a union representative reading the works-council page in Swedish or Norwegian meets no
    word of the English templates: every call-log error, and every piece in it (places, reasons, what was
    expected, lists, cut values), is rendered from its code."""
    kinds = 0
    for what, path in every_kind_of_bad_value(tmp_path).items():
        with pytest.raises(InputError) as ei:
            read_call_log(path)
        err = ei.value
        codes = _codes(err.said) | _codes(err.where)
        assert err.code and err.code.startswith("errors.calllog_"), f"{what}: no code ({err})"
        shown = translate_error(err, lang)
        assert shown.startswith(str(path)) and "⟦" not in shown
        # the values from the file (quoted), the file names and the column names stay as written
        text = re.sub(r"'[^']*'|[\w.-]+\.(csv|parquet)\b", "", shown[len(str(path)):])
        for col in ("call_id", "agent", "team", "start", "duration_s", "recorded", "caller_consent", "deleted_at",
                    "consent_withdrawn_at", "not_asked"):
            text = text.replace(col, "")
        words = set().union(*(_english_words(c, lang) for c in codes))
        left = sorted(w for w in words if re.search(rf"\b{w}\b", text))
        assert not left, f"{what} in {lang} still has the English {left}:\n{shown}\n(English: {err})"
        kinds += len([c for c in codes if c.startswith("errors.calllog_bad_rows")])
    assert kinds >= 3


def test_every_kind_of_bad_value_is_named_in_english_as_before(tmp_path: Path) -> None:
    """The command line's English stays word for word what it was (scripts and the CLI read it)."""
    files = every_kind_of_bad_value(tmp_path)
    with pytest.raises(InputError) as ei:
        read_call_log(files["bad values"])
    lines = str(ei.value).splitlines()
    assert lines[0] == f"{files['bad values']}, line 3, column agent: 10 of 19 rows cannot be imported; nothing was imported."
    assert "  - column call_id: 1 duplicated call id (1 extra row); first 1: 'C00003' on line 4, line 12; expected every " \
        "call id once" in lines
    assert "  - column duration_s: 2 bad rows; first 2: line 6: '-4'; line 7: 'long'; expected a number of seconds, 0 or more" \
        in lines
    with pytest.raises(InputError) as ei:
        read_call_log(files["too long"])
    assert ("column team: 1 bad row (longer than 1000 characters); first 1: line 2: '" + "t" * 40 + "'... (2000 characters)"
            in str(ei.value))
    assert str(ei.value).endswith("  - column call_id: 1 bad row (empty); first 1: line 4: ''; expected a non-empty id, "
                                  "unique in the file")
    with pytest.raises(InputError) as ei:
        read_call_log(files["duplicate across files"])
    assert str(ei.value).endswith("first 1: 'c1' on 2025-01.parquet row 1, 2025-02.parquet row 1; expected every call id once")
    assert translate_error(ei.value, "nb").endswith("de første 1: 'c1' på 2025-01.parquet rad 1, 2025-02.parquet rad 1; "
                                                    "forventet hver samtale-id én gang")
