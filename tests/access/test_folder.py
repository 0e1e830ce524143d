"""A folder of Parquet files is one access log: the same analysis as one file, problems named by file and row."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lia.access.analysis import analyse, load_calls
from lia.access.limits import AccessLimits
from lia.access.log import read_access_log
from lia.access.synth import INJECTABLE, generate_access
from lia.errors import InputError


def analysed(path, calls_file, acc):
    log = read_access_log(path)
    try:
        load_calls(log.con, calls_file, validate=False)
        return log.rows, analyse(log, AccessLimits.from_answers(acc.answers), calls=True, tz=acc.tz)
    finally:
        log.close()


def test_a_folder_of_parquet_files_is_read_as_one_log(calls_synth, calls_file, tmp_path):
    acc = generate_access(calls_synth, seed=5, inject=INJECTABLE)
    whole = acc.write_parquet(tmp_path / "whole.parquet")
    folder = tmp_path / "log"
    folder.mkdir()
    n = len(acc.table)
    cuts = [0, n // 3, 2 * n // 3, n]
    for i in range(3):  # written by month or by day on the platform: several files, one log
        pq.write_table(acc.table.slice(cuts[i], cuts[i + 1] - cuts[i]), folder / f"part-{i + 1}.parquet")
    (folder / "README.txt").write_text("not a log file; ignored")
    rows, rep = analysed(folder, calls_file, acc)
    rows1, rep1 = analysed(whole, calls_file, acc)
    assert rows == rows1 == n
    assert [b.to_dict() for b in rep.breaches] == [b.to_dict() for b in rep1.breaches] == \
        [b.to_dict() for b in acc.injected]
    assert rep.role_month == rep1.role_month and rep.agent_users == rep1.agent_users


def _events(ids, actions):
    k = len(ids)
    return pa.table({"event_id": ids, "recording_id": ["C1"] * k, "user": ["U1"] * k, "role": ["qa"] * k,
                     "action": actions, "at": pa.array([1_700_000_000_000_000] * k, pa.timestamp("us", tz="UTC"))})


def test_a_bad_value_is_named_by_its_file_and_row(tmp_path):
    folder = tmp_path / "log"
    folder.mkdir()
    pq.write_table(_events(["E1", "E2"], ["listen", "listen"]), folder / "part-1.parquet")
    pq.write_table(_events(["E3", "E4", "E2"], ["listen", "burn", "listen"]), folder / "part-2.parquet")
    with pytest.raises(InputError) as ei:
        read_access_log(folder)
    msg = str(ei.value)
    assert str(folder) in msg
    assert "column action: 1 bad row; first 1: part-2.parquet row 2: 'burn'" in msg
    assert "'E2' on part-1.parquet row 2, part-2.parquet row 3" in msg  # a duplicate across files
    assert ei.value.where == "part-2.parquet row 2, column action"  # the earliest place (a duplicate is at its repeat)


def test_a_folder_without_parquet_files_or_with_unlike_files_is_refused(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.csv").write_text("event_id\n")
    with pytest.raises(InputError) as ei:
        read_access_log(empty)
    assert "a folder without Parquet files" in str(ei.value) and "folder of Parquet files" in str(ei.value)
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    pq.write_table(_events(["E1"], ["listen"]), mixed / "a.parquet")
    pq.write_table(_events(["E2"], ["listen"]).rename_columns(
        ["event_id", "recording_id", "USER", "role", "action", "at"]), mixed / "b.parquet")
    with pytest.raises(InputError) as ei:
        read_access_log(mixed)
    assert "b.parquet" in str(ei.value) and "differently from a.parquet" in str(ei.value)
    (mixed / "b.parquet").write_bytes(b"garbage, not parquet")
    with pytest.raises(InputError) as ei:
        read_access_log(mixed)
    assert "b.parquet" in str(ei.value) and "PAR1" in str(ei.value)
