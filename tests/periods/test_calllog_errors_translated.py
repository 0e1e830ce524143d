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
