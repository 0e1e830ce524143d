"""A folder of Parquet files (monthly exports) is one call log: same results, precise errors, hostile entries refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lia.errors import InputError
from lia.periods.analysis import analyse
from lia.periods.calllog import read_call_log
from lia.periods.limits import Limits
from lia.periods.synth import INJECTABLE, generate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def g():
    return generate(seed=11, inject=INJECTABLE)


def _split(table: pa.Table, folder: Path, parts: int = 3) -> list[Path]:
    folder.mkdir()
    n = table.num_rows
    cuts = [n * i // parts for i in range(parts + 1)]
    out = []
    for i in range(parts):
        p = folder / f"calls-2025-{i + 1:02d}.parquet"
        pq.write_table(table.slice(cuts[i], cuts[i + 1] - cuts[i]), p)
        out.append(p)
    return out


def _result(rep) -> dict:
    d = rep.to_dict()
    d["summary"]["overview"].pop("source")
    return d


def test_a_folder_gives_the_same_analysis_as_one_file(tmp_path: Path, g) -> None:
    one = tmp_path / "all.parquet"
    pq.write_table(g.table, one)
    files = _split(g.table, tmp_path / "monthly")
    limits = Limits.from_answers(g.answers)
    whole = analyse(read_call_log(one), limits)
    log = read_call_log(tmp_path / "monthly")
    assert log.format == "folder" and log.meta["files"] == 3 and len(log) == g.table.num_rows
    folder = analyse(log, limits)
    assert _result(folder) == _result(whole)
    assert folder.agent_days.equals(whole.agent_days)
    assert {b.kind for b in folder.breaches} >= set(INJECTABLE) - {"whole_week"}
    assert len(files) == 3


def test_a_bad_value_in_the_third_file_names_that_file_and_its_row(tmp_path: Path, g) -> None:
    files = _split(g.table.slice(0, 3000), tmp_path / "monthly")
    t = pq.read_table(files[2])
    dur = t["duration_s"].to_pylist()
    dur[6] = -5
    pq.write_table(t.set_column(t.column_names.index("duration_s"), "duration_s", pa.array(dur, t["duration_s"].type)),
                   files[2])
    with pytest.raises(InputError) as ei:
        read_call_log(tmp_path / "monthly")
    msg = str(ei.value)
    assert msg.startswith(f"{files[2]}, row 7, column duration_s: ")
    assert "row 7: '-5'" in msg and "1 of 1000 rows cannot be imported" in msg
    assert files[0].name not in msg and files[1].name not in msg


def test_a_call_id_in_two_files_names_both(tmp_path: Path, g) -> None:
    files = _split(g.table.slice(0, 3000), tmp_path / "monthly")
    t = pq.read_table(files[2])
    ids = t["call_id"].to_pylist()
    first = pq.read_table(files[0])["call_id"][4].as_py()
    ids[9] = first
    pq.write_table(t.set_column(0, "call_id", pa.array(ids)), files[2])
    with pytest.raises(InputError) as ei:
        read_call_log(tmp_path / "monthly")
    msg = str(ei.value)
    assert msg.startswith(str(tmp_path / "monthly"))
    assert f"'{first}' on {files[0].name} row 5, {files[2].name} row 10" in msg, msg


def test_a_text_typed_file_in_a_folder_is_checked_in_batches_with_its_rows(tmp_path: Path, g) -> None:
    files = _split(g.table.slice(0, 3000), tmp_path / "monthly")
    t = pq.read_table(files[1])
    start = pa.compute.strftime(t["start"], format="%Y-%m-%dT%H:%M:%S%z").to_pylist()
    start[2] = "2025-02-30T10:00:00+01:00"
    pq.write_table(t.set_column(t.column_names.index("start"), "start", pa.array(start)), files[1])
    with pytest.raises(InputError) as ei:
        read_call_log(tmp_path / "monthly")
    assert str(ei.value).startswith(f"{files[1]}, row 3, column start: "), str(ei.value)


@pytest.mark.parametrize("entry", ["symlink", "fifo", "csv", "subfolder", "not_parquet"])
def test_hostile_folder_entries_are_refused(tmp_path: Path, g, entry: str) -> None:
    folder = tmp_path / "logs"
    _split(g.table.slice(0, 300), folder, parts=2)
    bad = folder / {"csv": "extra.csv", "not_parquet": "fake.parquet"}.get(entry, "zz-" + entry)
    if entry == "symlink":
        (tmp_path / "outside.parquet").write_bytes((folder / "calls-2025-01.parquet").read_bytes())
        bad = folder / "zz.parquet"
        bad.symlink_to(tmp_path / "outside.parquet")
    elif entry == "fifo":
        bad = folder / "zz.parquet"
        os.mkfifo(bad)
    elif entry == "csv":
        bad.write_text("call_id\n1\n")
    elif entry == "subfolder":
        bad.mkdir()
    else:
        bad.write_bytes(b"not parquet at all")
    with pytest.raises(InputError) as ei:
        read_call_log(folder)
    assert str(ei.value).startswith(str(bad)), str(ei.value)


def test_an_empty_folder_and_a_link_to_a_folder_are_refused(tmp_path: Path, g) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".hidden").write_text("x")
    with pytest.raises(InputError, match="holds no Parquet file"):
        read_call_log(tmp_path / "empty")
    _split(g.table.slice(0, 300), tmp_path / "real", parts=2)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(InputError, match="is a link to a folder"):
        read_call_log(tmp_path / "link")


_PEAK = r"""
import json, sys
from lia.periods.calllog import read_call_log
from lia.periods.analysis import analyse
from lia.periods.limits import Limits
rep = analyse(read_call_log(sys.argv[1]), Limits.from_answers(json.load(open(sys.argv[2]))))
hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")][0]  # this process's own peak (not the parent's)
print(json.dumps({"calls": rep.overview["calls"], "peak_mib": int(hwm.split()[1]) / 1024}))
"""


def _peak(folder: Path, answers: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "lib"), LIA_DUCKDB_MEMORY="256MB")
    res = subprocess.run([sys.executable, "-c", _PEAK, str(folder), str(answers)], capture_output=True, text=True,
                         env=env, timeout=600)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_peak_memory_does_not_grow_with_the_log(tmp_path: Path) -> None:
    """Four times the calls (4 million) cost at most 150 MiB more at the peak (in-memory columns would cost 500 more)."""
    big = generate(seed=3, n_calls=4_000_000, teams=4, agents_per_team=25, weeks=26)
    answers = tmp_path / "limits.json"
    answers.write_text(json.dumps(big.answers))
    n = big.table.num_rows
    small_t = big.table.slice(0, n // 4)
    _split(small_t, tmp_path / "small", parts=2)
    _split(big.table, tmp_path / "big", parts=4)
    del big, small_t
    small, large = _peak(tmp_path / "small", answers), _peak(tmp_path / "big", answers)
    assert large["calls"] == n and small["calls"] == n // 4
    assert large["peak_mib"] - small["peak_mib"] < 150, (small, large)


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_folder_errors_are_translated(tmp_path: Path, g, lang: str) -> None:
    from lia.messages import translate_error

    folder = tmp_path / "logs"
    _split(g.table.slice(0, 300), folder, parts=2)
    (folder / "notes.txt").write_text("x")
    with pytest.raises(InputError) as ei:
        read_call_log(folder)
    shown = translate_error(ei.value, lang)
    assert shown.startswith(str(folder / "notes.txt")) and "Parquet" in shown
    assert "may hold only" not in shown and "expected" not in shown, shown


def test_lia_periods_reads_a_folder_and_attaches_its_fingerprint(tmp_path: Path, ptemplates: Path) -> None:
    from lia.periods.evidence import source_fingerprint
    from lia.store import Store
    from lia.workspace import Workspace

    from .helpers import run_lia

    home = tmp_path / "ws"
    home.mkdir()
    g = generate(seed=4, inject=INJECTABLE, weeks=26, teams=3, agents_per_team=5, calls_per_agent_day=10)
    store = Store(Workspace(home))
    store.create({"id": "cc-rec", "title": "Call recording", "jurisdictions": ["EU", "SE"]}, author="test")
    store.save("cc-rec", g.answers, author="test", message="limits agreed with the union")
    files = _split(g.table, tmp_path / "exports")
    env = {"LIA_HOME": str(home), "LIA_TEMPLATES": str(ptemplates)}
    res = run_lia("periods", "cc-rec", "--log", str(tmp_path / "exports"), "--json", "--attach", env=env)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    got = sorted((b["kind"], b.get("agent") or b["team"], b["period"]["start"], b["period"]["end"]) for b in out["breaches"])
    assert got == sorted(x.key() for x in g.injected)
    fp = source_fingerprint(tmp_path / "exports")
    assert fp["name"] == "exports" and fp["size"] == sum(f.stat().st_size for f in files)
    assert fp["sha256"] in (home / "assessments" / "cc-rec" / "evidence" / "periods.json").read_text() or \
        fp["sha256"][:12] in res.stderr
    pq.write_table(pq.read_table(files[0]).slice(1), files[0])  # one call fewer: another fingerprint
    assert source_fingerprint(tmp_path / "exports")["sha256"] != fp["sha256"]
