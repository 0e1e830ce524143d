"""The access log's value report, missing columns and wrong widths in the reader's language (issue 13 item 3).

Before, lia.access.log wrote these in plain English ("3 problems in 19 rows ...; column action: 1 bad
row; first 1: line 4: 'listen_secretly'; expected one of ...") while the call log's same errors were
codes, so a Swedish or Norwegian page showed them in English. They now reuse the call log's codes
and pieces; every bad log here reads in sv and nb without the English template's words.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lia.access.log import read_access_log
from lia.errors import InputError
from lia.messages import translate_error

from .test_log_errors import HEADER, row, write

ENGLISH = re.compile(r"\b(problems|rows?|bad|values?|nothing|was|imported|column|first|line|expected|one|of|"
                     r"empty|too|long|duplicate|duplicated|ids|every|event|once|missing|columns|optionally|"
                     r"extra|are|ignored|found|fields?|wrong|number|header|file|may|be|truncated|characters|"
                     r"pseudonymous|user|such|as|timestamp|with|offset|at|most|exist|or|folder|named|like|does|start|marker|"
                     r"has|but|access|events|have|integer)\b")


def _words(shown: str, path: Path) -> list[str]:
    """English words left, leaving out the file, the values ('...') and column and action names."""
    rest = re.sub(r"'[^']*'(\.\.\.)?", "", shown.replace(str(path), "").replace(path.name, ""))
    rest = re.sub(r"\b(event_id|recording_id|user|role|action|at|reason|call_id|listen|view_transcript|download|"
                  r"export|delete|access\.roles|[a-z]+_[a-z_]+)\b", "", rest)
    rest = re.sub(r"e\.g\.|t\.ex\.|f\.eks\.", "", rest)
    return ENGLISH.findall(rest)


def _bad_logs(tmp: Path) -> dict[str, Path]:
    rows = [row(i) for i in range(1, 20)]
    rows[2] = row(3, action="listen_secretly")
    rows[4] = row(5, at="2025-03-03T09:15:00")
    rows[6] = row(7, user=" ")
    rows[8] = row(9, reason="x" * 5000)
    out = {"bad values": write(tmp / "values.csv", rows)}
    out["duplicates"] = write(tmp / "dups.csv", [row(1), row(2), row(1), row(3), row(2)])
    out["missing columns"] = write(tmp / "cols.csv", ["E1,C1,U1,2025-03-03T09:15:00Z"], "event_id,recording_id,user,at")
    out["wrong width"] = write(tmp / "width.csv", [row(1), row(2) + ",x,y", row(3)])
    folder = tmp / "log"
    folder.mkdir()
    t = pa.table({"event_id": ["E1", "E2"], "recording_id": ["C1", "C2"], "user": ["U1", "U2"],
                  "role": ["qa_analyst", "qa_analyst"], "action": ["listen", "whistle"],
                  "at": ["2025-03-03T09:15:00Z", "2025-03-03T09:16:00Z"]})
    pq.write_table(t, folder / "part-1.parquet")
    out["parquet folder"] = folder
    (tmp / "empty.csv").write_text("")
    out["empty"] = tmp / "empty.csv"
    out["does not exist"] = tmp / "nowhere.csv"
    (tmp / "fake.parquet").write_text(HEADER + "\n")
    out["misnamed"] = tmp / "fake.parquet"
    out["no events"] = write(tmp / "none.csv", [])
    (tmp / "nothing").mkdir()
    out["empty folder"] = tmp / "nothing"
    typed = t.set_column(0, "event_id", pa.array([1.5, 2.5]))
    pq.write_table(typed, tmp / "typed.parquet")
    out["wrong types"] = tmp / "typed.parquet"
    return out


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_every_access_log_value_error_reads_in_the_readers_language(tmp_path: Path, lang: str) -> None:
    for what, path in _bad_logs(tmp_path).items():
        with pytest.raises(InputError) as ei:
            read_access_log(path)
        err = ei.value
        assert err.code and err.code.startswith("errors."), (what, str(err))
        shown = translate_error(err, lang)
        assert shown.startswith(str(path)) and shown != str(err), (what, shown)
        left = _words(shown, path)
        assert not left, (what, lang, shown, left)


def test_the_english_is_what_the_command_line_printed(tmp_path: Path) -> None:
    logs = _bad_logs(tmp_path)
    with pytest.raises(InputError) as ei:
        read_access_log(logs["bad values"])
    text = str(ei.value)
    assert text.startswith(f"{logs['bad values']}, line 4, column action: 4 problems in 19 rows (4 bad values); "
                           "nothing was imported.\n  - "), text
    assert "column action: 1 bad row; first 1: line 4: 'listen_secretly'; expected one of " in text
    assert "column user: 1 bad row (empty or too long); first 1: line 8: ' '; expected a non-empty pseudonymous" in text
    assert f"line 10: '{'x' * 40}'... (5000 characters); expected empty, or a text of at most" in text
    with pytest.raises(InputError) as ei:
        read_access_log(logs["duplicates"])
    assert ("column event_id: 2 duplicate rows; first 2 duplicated ids: 'E00001' on line 2, line 4; "
            "'E00002' on line 3, line 6; expected every event id once") in str(ei.value)
    with pytest.raises(InputError) as ei:
        read_access_log(logs["wrong width"])
    assert str(ei.value) == (f"{logs['wrong width']}, line 3: rows with the wrong number of fields (expected 7, as in "
                             "the header); first 1: line 3: 9 fields; the file may be truncated. Nothing was imported.")
    with pytest.raises(InputError) as ei:
        read_access_log(logs["parquet folder"])
    assert "part-1.parquet row 2" in str(ei.value)
