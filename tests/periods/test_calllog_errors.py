"""Bad call logs: every problem named with file, row/line, column, value, expected form and count; nothing kept."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lia.errors import InputError
from lia.periods.calllog import COLUMNS, read_call_log
from lia.periods.synth import generate

from .helpers import HEADER, row, write_csv


def err(path: Path) -> InputError:
    with pytest.raises(InputError) as ei:
        read_call_log(path)
    assert str(path) in str(ei.value), "the message names the file"
    return ei.value


def test_good_csv_with_extra_columns_semicolons_and_case_is_read(tmp_path):
    header = HEADER.upper().replace(",", ";") + ";NOTES"
    rows = [row(1).replace(",", ";") + ";hello", row(2, recorded="0").replace(",", ";") + ";"]
    log = read_call_log(write_csv(tmp_path / "ok.csv", rows, header=header))
    assert len(log) == 2 and log.recorded.tolist() == [True, False]


def test_missing_columns_are_named_with_the_expected_ones(tmp_path):
    p = tmp_path / "calls.csv"
    p.write_text("call_id,agent,start,recorded\nC1,A1,2025-03-03T09:00:00Z,yes\n")
    e = err(p)
    msg = str(e)
    for c in ("team", "duration_s", "caller_consent", "deleted_at", "consent_withdrawn_at"):
        assert c in msg.split("expected")[0], f"{c} named as missing"
    assert "expected the columns " + ", ".join(COLUMNS) in msg
    assert e.where == "line 1 (header)"


def test_bad_times_name_line_column_value_expected_form_and_count(tmp_path):
    rows = [row(i) for i in range(1, 30)]
    rows[2] = row(3, start="2025-03-03T09:00:00")  # no offset: line 4
    rows[5] = row(6, start="2025-02-30T09:00:00+01:00")  # no such day: line 7
    rows[9] = row(10, start="yesterday")  # line 11
    rows[12] = row(13, deleted="03/03/2025")  # line 14
    e = err(write_csv(tmp_path / "calls.csv", rows))
    msg = str(e)
    assert e.where == "line 4, column start"
    assert "column start: 3 bad rows" in msg
    assert "line 4: '2025-03-03T09:00:00'" in msg and "line 7: '2025-02-30T09:00:00+01:00'" in msg and "line 11: 'yesterday'" in msg
    assert "ISO 8601 timestamp with a UTC offset" in msg
    assert "column deleted_at: 1 bad row" in msg and "line 14: '03/03/2025'" in msg
    assert "4 of 29 rows cannot be imported; nothing was imported" in msg


def test_bad_booleans_and_consent_values(tmp_path):
    rows = [row(1), row(2, recorded="maybe"), row(3, recorded="Y"), row(4, consent="perhaps"), row(5, recorded="TRUE")]
    msg = str(err(write_csv(tmp_path / "c.csv", rows)))
    assert "column recorded: 2 bad rows" in msg and "line 3: 'maybe'" in msg and "line 4: 'Y'" in msg
    assert "expected yes, no, true, false, 1 or 0" in msg
    assert "column caller_consent: 1 bad row" in msg and "line 5: 'perhaps'" in msg and "yes, no or not_asked" in msg


def test_more_than_ten_bad_rows_lists_the_first_ten_and_counts_all(tmp_path):
    rows = [row(i, duration="-5" if i % 2 else "60") for i in range(1, 41)]
    msg = str(err(write_csv(tmp_path / "d.csv", rows)))
    assert "column duration_s: 20 bad rows; first 10:" in msg
    assert len(re.findall(r"line \d+: '-5'", msg)) == 10


def test_duplicate_call_ids_name_the_rows(tmp_path):
    rows = [row(1), row(2), row(1), row(3), row(2), row(1)]
    e = err(write_csv(tmp_path / "dup.csv", rows))
    msg = str(e)
    assert "2 duplicated call ids (3 extra rows)" in msg
    assert "'C00001' on line 2, line 4, line 7" in msg and "'C00002' on line 3, line 6" in msg
    assert e.where == "line 4, column call_id"


def test_quoted_line_breaks_keep_line_numbers_right(tmp_path):
    header = HEADER + ",note"
    rows = [row(1) + ',"two\nlines"', row(2, recorded="nope") + ",x"]
    msg = str(err(write_csv(tmp_path / "q.csv", rows, header=header)))
    assert "line 4: 'nope'" in msg  # header 1, row 1 on lines 2-3, row 2 on line 4


@pytest.mark.parametrize("content, expected", [
    (b"", "the file is empty"),
    (b"\n\n  \n", "the file is empty"),
    (bytes(range(256)) * 40, "binary data"),
    (b"call_id,agent\xff\xfe,team\n", "not UTF-8"),
])
def test_empty_and_garbage_files(tmp_path, content, expected):
    p = tmp_path / "x.csv"
    p.write_bytes(content)
    assert expected in str(err(p))


def test_invalid_utf8_in_the_body_names_the_line(tmp_path):
    p = write_csv(tmp_path / "u.csv", [row(1), row(2)])
    p.write_bytes(p.read_bytes() + row(3, agent="A\xe9").encode("latin-1") + b"\n")
    e = err(p)
    assert "not UTF-8" in str(e) and e.where == "line 4"


def test_wrong_number_of_fields(tmp_path):
    e = err(write_csv(tmp_path / "w.csv", [row(1), row(2) + ",extra", row(3)]))
    assert "1 row with the wrong number of fields (expected 9" in str(e) and "line 3: 10 fields" in str(e)


def test_huge_field_is_refused_with_its_length(tmp_path):
    e = err(write_csv(tmp_path / "h.csv", [row(1), row(2, agent="A" * 2_000_000)]))
    assert "line 3" in str(e) and "2000000 characters" in str(e) and "longer than 1000 characters" in str(e)


def test_line_longer_than_the_reader_block(tmp_path):
    e = err(write_csv(tmp_path / "hh.csv", [row(1) + ",", row(2) + "," + "x" * (40 << 20)], header=HEADER + ",blob"))
    assert "16 MiB" in str(e) and e.where == "line 3"


def test_not_a_parquet_file_despite_its_name(tmp_path):
    p = tmp_path / "log.parquet"
    p.write_bytes(b"PAR1" + b"\x00garbage" * 50)
    assert "not a readable Parquet file" in str(err(p))
    p2 = tmp_path / "other.parquet"
    p2.write_text("call_id\n1\n")
    assert "does not start with the Parquet marker" in str(err(p2))


def test_parquet_with_wrong_types_names_columns_and_types(tmp_path):
    t = generate(weeks=2, teams=1, agents_per_team=2, calls_per_agent_day=3).table
    t = t.set_column(t.schema.get_field_index("start"), "start", pa.array(range(t.num_rows), pa.int64()))
    t = t.set_column(t.schema.get_field_index("recorded"), "recorded", pa.array([0.5] * t.num_rows))
    p = tmp_path / "typed.parquet"
    pq.write_table(t, p)
    msg = str(err(p))
    assert "column start has type int64; expected timestamp with time zone, or ISO 8601 text" in msg
    assert "column recorded has type double; expected boolean, 0/1 integer, or text yes/no" in msg
    assert "2 columns have the wrong type; nothing was imported" in msg


def test_parquet_naive_timestamps_are_refused(tmp_path):
    t = generate(weeks=2, teams=1, agents_per_team=2, calls_per_agent_day=3).table
    i = t.schema.get_field_index("start")
    t = t.set_column(i, "start", t["start"].cast(pa.timestamp("us")))
    p = tmp_path / "naive.parquet"
    pq.write_table(t, p)
    assert "column start has type timestamp[us]; expected timestamp with time zone" in str(err(p))


def test_parquet_text_and_integer_columns_are_accepted_and_checked(tmp_path):
    t = pa.table({
        "call_id": pa.array([1, 2, 3]), "agent": ["A1", "A1", "A2"], "team": ["t", "t", "t"],
        "start": ["2025-03-03T09:00:00Z", "2025-03-04T09:00:00+01:00", "bad"],
        "duration_s": [1.5, 2.0, 3.0], "recorded": pa.array([1, 0, 2]), "caller_consent": ["yes", "no", "not_asked"],
        "deleted_at": pa.nulls(3, pa.null()), "consent_withdrawn_at": ["", "", ""],
    })
    p = tmp_path / "text.parquet"
    pq.write_table(t, p)
    msg = str(err(p))
    assert "column start: 1 bad row; first 1: row 3: 'bad'" in msg
    assert "column recorded: 1 bad row; first 1: row 3: '2'" in msg


def test_nothing_partial_is_kept(tmp_path):
    """A refused log leaves the folder as it was: no cache, no half-converted copy."""
    folder = tmp_path / "logs"
    folder.mkdir()
    p = write_csv(folder / "bad.csv", [row(1), row(2, start="never")])
    before = sorted(x.name for x in folder.iterdir())
    err(p)
    assert sorted(x.name for x in folder.iterdir()) == before


def test_missing_file(tmp_path):
    assert "does not exist" in str(err(tmp_path / "nope.csv"))


@pytest.mark.parametrize("ids", [
    ["C01", "C02", "C02", "C03"],  # fixed width, sorted: adjacent duplicate
    ["7", "10", "7", "123456"],  # variable width, short
    ["call-" + "x" * 20 + "-1", "call-" + "x" * 20 + "-2", "call-" + "x" * 20 + "-1", "z"],  # long ids
])
def test_duplicates_found_whatever_the_id_shape(tmp_path, ids):
    rows = [row(1).replace("C00001", i, 1) for i in ids]
    msg = str(err(write_csv(tmp_path / "ids.csv", rows)))
    assert "1 duplicated call id (1 extra row)" in msg


def test_sorted_unique_ids_pass(tmp_path):
    rows = [row(1).replace("C00001", f"C{i:03d}", 1) for i in range(1, 50)]
    assert len(read_call_log(write_csv(tmp_path / "ok.csv", rows))) == 49
