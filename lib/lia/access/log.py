"""Import of a recording platform's access log (CSV, Parquet, or a folder of Parquet files) into DuckDB.

One row per access event. Columns (names case-insensitive, extra columns ignored):

=============  ==================================================================
event_id       unique id of the event (text or integer)
recording_id   the call's ``call_id`` in the call log
user           pseudonymous id of the person (never a name)
role           the role the platform granted, matched against ``access.roles``
action         listen, download, export, share, view_transcript or delete
at             ISO 8601 timestamp with a UTC offset or Z
reason         optional: why; may start with a purpose id (``training: session 12``)
=============  ==================================================================

Validation runs as SQL over the file (a CSV is first streamed into a temporary
Parquet file in order, so every row keeps its number), in a DuckDB connection
with a memory limit: a file of any size is read in bounded memory. Every problem
is collected per column (count, the first ten with their line and value, and
what was expected) and the file is refused as a whole when anything is wrong.
CSV places are line numbers as an editor counts them (header = line 1, quoted
line breaks counted); Parquet places are row numbers (first data row = row 1); in a
folder of Parquet files (one log, files in name order) a place is a file and a row.

The file is read once and never held whole: one pass writes the events as a narrow table
of small integers (ENUMs) with a problem flag per row, so 20 million events take about
600 MB of DuckDB's memory. Users, roles, actions and reasons are checked and converted once
per distinct value (DuckDB reads their distinct values from the Parquet dictionaries into
small maps joined to the rows); event and recording ids and times are checked per row. The
event ids are unique when they are strictly increasing in file order (one scan of that column
with Arrow, as for call ids); only otherwise are their hashes counted. Only when a flag is
set do further queries find the first bad rows and their values.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Joined, Message, os_reason
from .limits import ACTIONS, PURPOSES
from ..tabular import csv_header
from .logcsv import _SHOW, MAX_LINE, _csv_lines, _csv_to_parquet, _row_labels

__all__ = ["COLUMNS", "OPTIONAL", "AccessLog", "read_access_log", "connect", "MAX_LINE"]

COLUMNS = ("event_id", "recording_id", "user", "role", "action", "at")
OPTIONAL = ("reason",)
MAX_FIELD = 1000
_TS_RE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}(:?\d{2})?)$"
#: what each column should hold: its message code and parameters (rendered in the reader's language)
_EXPECT: dict[str, tuple[str, dict[str, Any]]] = {
    "event_id": ("errors.access_expect_event_id", {}),
    "recording_id": ("errors.access_expect_recording_id", {}),
    "user": ("errors.access_expect_user", {}),
    "role": ("errors.access_expect_role", {}),
    "action": ("errors.frag_expect_one_of", {"choices": ", ".join(ACTIONS)}),
    "at": ("errors.frag_expect_start", {}),
    "reason": ("errors.access_expect_reason", {"n": MAX_FIELD}),
}
#: what type each column should have: the call log's codes for the same words
_TYPE_EXPECT = {
    "event_id": "frag_type_id", "recording_id": "frag_type_id", "user": "frag_type_id",
    "role": "frag_type_text", "action": "frag_type_text", "at": "frag_type_time", "reason": "frag_type_text",
}


def connect(memory_limit: str = "2GB", threads: int = 2, temp_dir: str | None = None) -> Any:
    """A DuckDB connection with bounded memory and threads (spills to ``temp_dir`` beyond the limit)."""
    import duckdb

    con = duckdb.connect(config={"memory_limit": memory_limit, "threads": threads,
                                 "preserve_insertion_order": False})
    if temp_dir:
        con.execute(f"SET temp_directory = '{_sql_str(temp_dir)}'")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    return con


def _sql_str(s: str) -> str:
    return str(s).replace("'", "''")


def _ident(s: str) -> str:
    return '"' + str(s).replace('"', '""') + '"'


@dataclass
class AccessLog:
    """A validated access log: the DuckDB tables ``events`` and ``access_roles`` on ``con``.

    ``events`` has ``recording_id`` (trimmed text), ``ts`` (TIMESTAMPTZ, the ``at`` column) and,
    as ENUMs (a small integer per row, so millions of events stay within the memory limit),
    ``user`` (trimmed), ``role_key`` (trimmed, lower case), ``action`` (lower case) and
    ``purpose``: the purpose id a ``reason`` starts with, ``OTHER_PURPOSE`` for a reason that
    names none, NULL for no reason. ``access_roles`` maps each ``role_key`` to the role as
    written in the log.
    """

    source: str
    format: str
    rows: int
    con: Any
    tmp: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return self.rows

    def close(self) -> None:
        """Drop the table and remove the temporary folder (the connection stays the caller's)."""
        try:
            _drop(self.con)
        except Exception:  # noqa: BLE001 - closing never fails the caller
            pass
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


def read_access_log(path: str | Path, con: Any = None, *, memory_limit: str = "2GB", threads: int = 2) -> AccessLog:
    """Read and validate a CSV or Parquet access log, or a folder of Parquet files, into ``con``.

    ``con`` is a new bounded connection if None. A folder's ``*.parquet`` files (in name order)
    are one log; a place in it is named by file and row. Raises :class:`~lia.errors.InputError`
    listing every problem (file, line or row, column, value, what was expected); nothing is
    kept when anything is wrong.
    """
    p = Path(path)
    try:
        st = os.stat(p)
    except OSError:
        raise InputError(Message("errors.access_missing"), file=p) from None
    files: list[Path] | None = None
    if stat.S_ISDIR(st.st_mode):
        files = _parquet_folder(p)
    elif not stat.S_ISREG(st.st_mode):
        kind = (Message("errors.access_kind_fifo") if stat.S_ISFIFO(st.st_mode)
                else Message("errors.access_kind_device") if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                else Message("errors.access_kind_special"))
        raise InputError(Message("errors.access_not_regular", kind=kind), file=p)
    head = b"PAR1"
    if files is None:
        with open(p, "rb") as f:
            head = f.read(65536)
        if st.st_size == 0 or not head.strip():
            raise InputError(Message("errors.access_empty", columns=", ".join(COLUMNS)), file=p)
    tmp = tempfile.mkdtemp(prefix="lia-access-")
    own = con is None
    if own:
        con = connect(memory_limit, threads, temp_dir=os.path.join(tmp, "spill"))
    fmt = "parquet"
    try:
        if files is not None:
            cols = _folder_columns(files)
            names = [str(f) for f in files]
            src = (f"(SELECT *, (list_position({_sql_list(names)}, filename)::BIGINT << {_FILE_SHIFT}) "
                   f"+ file_row_number + 1 AS __lia_rn FROM read_parquet({_sql_list(names)}, file_row_number = true, "
                   "filename = true, union_by_name = true))")
            label = lambda rows: _folder_labels(files, rows)  # noqa: E731
            id_files = [(f, cols["event_id"]) for f in names]
        elif head[:4] == b"PAR1":
            cols = _parquet_columns(p)
            src = (f"(SELECT *, file_row_number + 1 AS __lia_rn FROM read_parquet('{_sql_str(str(p))}', "
                   "file_row_number = true))")
            label = _row_labels
            id_files = [(str(p), cols["event_id"])]
        else:
            if p.suffix.lower() in (".parquet", ".pq"):
                raise InputError(Message("errors.access_misnamed"), file=p)
            header, delim = csv_header(p, head)
            cols = _match(header, str(p), Message("errors.frag_line_header", n=1))
            parquet = os.path.join(tmp, "log.parquet")
            _csv_to_parquet(p, delim, cols, parquet)
            fmt = "csv"
            cols = {c: c for c in cols}  # the temporary file uses the documented names
            src = (f"(SELECT *, file_row_number + 1 AS __lia_rn FROM read_parquet('{_sql_str(parquet)}', "
                   "file_row_number = true))")
            label = lambda rows: _csv_lines(p, delim, rows)  # noqa: E731
            id_files = [(parquet, "event_id")]
        n = _load(con, src, cols, str(p), label, id_files)
    except BaseException:
        try:
            _drop(con)
        except Exception:  # noqa: BLE001
            pass
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if fmt == "csv":
        try:
            os.unlink(os.path.join(tmp, "log.parquet"))
        except OSError:
            pass
    return AccessLog(source=str(p), format=fmt, rows=n, con=con, tmp=tmp,
                     meta={"own_connection": own, **({"files": len(files)} if files is not None else {})})


# -- columns and CSV ---------------------------------------------------------------------------

def _match(names: list[str], source: str, where: str | None) -> dict[str, str]:
    norm: dict[str, str] = {}
    for n in names:
        norm.setdefault(str(n).strip().lower(), n)
    missing = [c for c in COLUMNS if c not in norm]
    if missing:
        found = ", ".join(str(n) for n in names) if names else Message("errors.frag_nothing")
        raise InputError(Message("errors.access_missing_columns", n=len(missing), missing=", ".join(missing),
                                 columns=", ".join(COLUMNS), found=found), file=source, where=where)
    return {c: norm[c] for c in COLUMNS + OPTIONAL if c in norm}


_FILE_SHIFT = 40


def _sql_list(items: list[str]) -> str:
    return "[" + ", ".join(f"'{_sql_str(i)}'" for i in items) + "]"


def _parquet_folder(p: Path) -> list[Path]:
    try:
        files = sorted(f for f in p.iterdir() if f.suffix.lower() in (".parquet", ".pq") and f.is_file())
    except OSError as e:
        raise InputError(Message("errors.access_folder_unlisted", reason=os_reason(e)), file=p) from None
    if not files:
        raise InputError(Message("errors.access_folder_empty"), file=p)
    return files


def _folder_columns(files: list[Path]) -> dict[str, str]:
    """Every file has the access-log columns with acceptable types, named alike (case included)."""
    first = None
    for f in files:
        with open(f, "rb") as fh:
            if fh.read(4) != b"PAR1":
                raise InputError(Message("errors.access_folder_not_parquet"), file=f)
        cols = _parquet_columns(f)
        if first is None:
            first = (f, cols)
        elif cols != first[1]:
            diff = ", ".join(f"{cols.get(c)!r} (not {first[1].get(c)!r})" for c in first[1] if cols.get(c) != first[1].get(c))
            raise InputError(Message("errors.access_folder_columns", first=first[0].name, diff=diff), file=f)
    assert first is not None
    return first[1]


def _folder_labels(files: list[Path], rows: list[int]) -> dict[int, str]:
    mask = (1 << _FILE_SHIFT) - 1
    return {r: Joined([files[(r >> _FILE_SHIFT) - 1].name, Message("errors.frag_row", n=r & mask)], " ") for r in rows}


# -- Parquet -----------------------------------------------------------------------------------

def _parquet_columns(p: Path) -> dict[str, str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.ParquetFile(p).schema_arrow
    except (pa.ArrowException, OSError) as e:
        raise InputError(Message("errors.access_bad_parquet", error=str(e).splitlines()[0]), file=p) from None
    cols = _match(schema.names, str(p), None)
    bad = []
    for c, name in cols.items():
        t = schema.field(name).type
        if pa.types.is_dictionary(t):
            t = t.value_type
        text = pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)
        ok = (text or pa.types.is_null(t) if c == "reason"
              else text or (pa.types.is_timestamp(t) and t.tz is not None) if c == "at"
              else text or pa.types.is_integer(t) if c in ("event_id", "recording_id", "user")
              else text)
        if not ok:
            bad.append(Message("errors.calllog_wrong_type", column=c, type=str(t),
                               expected=Message(f"errors.{_TYPE_EXPECT[c]}")))
    if bad:
        raise InputError(Message("errors.calllog_wrong_types", n=len(bad), problems=Joined(bad, "\n  - ")), file=p)
    return cols


# -- validation in SQL -------------------------------------------------------------------------

#: The compact ``events`` table's column types: ENUMs (one small integer per row) for the few
#: distinct users, roles, actions and purposes, so 20 million events fit DuckDB's memory limit.
_ENUMS = ("lia_access_user", "lia_access_role", "lia_access_action", "lia_access_purpose")
#: The purpose of a reason that does not start with a known purpose id (never judged).
OTHER_PURPOSE = "~"


def _drop(con: Any) -> None:
    con.execute("DROP TABLE IF EXISTS events")
    con.execute("DROP TABLE IF EXISTS access_roles")
    for c in _VALUE_COLUMNS:
        con.execute(f"DROP TABLE IF EXISTS __lia_m_{c}")
    for e in _ENUMS:
        con.execute(f"DROP TYPE IF EXISTS {e}")


#: The columns with few distinct values: each distinct value is checked and converted once, in a small
#: map joined to the rows (DuckDB reads them as Parquet dictionaries), not once per row.
_VALUE_COLUMNS = ("user", "role", "action", "reason")
#: Bits of the loading pass's per-row problem flags, in the order of the columns' checks.
_BITS = ("event_id", "recording_id", "user", "role", "action", "at", "reason")


def _trimmed(x: str) -> str:
    """SQL: ``trim(x)``, computed only for the values that start or end with a space (a copy per row is slow)."""
    return f"CASE WHEN starts_with({x}, ' ') OR ends_with({x}, ' ') THEN trim({x}) ELSE {x} END"


def _empty_or_long(x: str) -> str:
    """SQL: ``coalesce(x, '') = '' OR length(x) > MAX_FIELD``, counting characters only for long values."""
    return f"CASE WHEN strlen({x}) > {MAX_FIELD} THEN length({x}) > {MAX_FIELD} ELSE coalesce({x}, '') = '' END"


def _load(con: Any, src: str, cols: dict[str, str], source: str, label: Any,
          id_files: list[tuple[str, str]] | None = None) -> int:
    """Validate ``src`` (a SQL source with the raw columns and ``__lia_rn``) and load it into ``events``.

    One pass writes the compact typed table with a problem flag per row: users, roles, actions and
    reasons are checked and converted once per distinct value (small maps joined to the rows), event
    and recording ids and times per row. The event ids are unique when they are strictly increasing
    in file order (one scan of that column, ``id_files``); else their hashes are counted in DuckDB.
    Only when something is wrong do further queries find the first rows. Nothing is kept when
    anything is wrong.
    """
    import duckdb

    try:
        types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {src})").fetchall())
    except duckdb.Error as e:
        raise InputError(Message("errors.access_unreadable", error=str(e).splitlines()[0]), file=source) from None

    def raw(c: str) -> str:
        return _ident(cols[c])

    def txt(c: str) -> str:
        return f"trim(CAST({raw(c)} AS VARCHAR))"

    at_t = types.get(cols["at"], "VARCHAR")
    at_expr = (f"{raw('at')}::TIMESTAMPTZ" if at_t.startswith("TIMESTAMP")
               else f"CASE WHEN regexp_full_match({txt('at')}, '{_TS_RE}') THEN try_cast({txt('at')} AS TIMESTAMPTZ) END")
    reason = f"nullif({txt('reason')}, '')" if "reason" in cols else "NULL::VARCHAR"
    # every value trimmed, as the checks see it (the error path: the first bad rows and their values)
    typed = (f"""(SELECT __lia_rn AS rn, {txt('event_id')} AS event_id, {txt('recording_id')} AS recording_id,
            {txt('user')} AS "user", {txt('role')} AS role, lower({txt('action')}) AS action, {at_expr} AS ts,
            {reason} AS reason FROM {src})""")
    flags = {
        **{c: f"coalesce({_ident(c)}, '') = '' OR length({_ident(c)}) > {MAX_FIELD}"
           for c in ("event_id", "recording_id", "user", "role")},
        "action": f"action IS NULL OR action NOT IN ({', '.join(repr(a) for a in ACTIONS)})",
        "at": "ts IS NULL",
    }
    if "reason" in cols:
        flags["reason"] = f"length(reason) > {MAX_FIELD}"
    _drop(con)
    valued = [c for c in _VALUE_COLUMNS if c in cols]
    try:
        # the distinct raw values (as written) of the few-valued columns, each checked once
        for c in valued:
            con.execute(f"CREATE TEMP TABLE __lia_m_{c} AS SELECT DISTINCT CAST({raw(c)} AS VARCHAR) AS raw FROM {src}")
    except duckdb.Error as e:
        raise InputError(Message("errors.access_unreadable", error=str(e).splitlines()[0]), file=source) from None
    ok = f"NOT ({_empty_or_long('trim(raw)')})"
    con.execute(f"""CREATE TABLE access_roles AS SELECT lower(r) AS role_key, min(r) AS role
                    FROM (SELECT DISTINCT trim(raw) AS r FROM __lia_m_role WHERE {ok}) GROUP BY 1""")
    con.execute(f"CREATE TYPE {_ENUMS[0]} AS ENUM (SELECT DISTINCT trim(raw) FROM __lia_m_user WHERE {ok} ORDER BY 1)")
    con.execute(f"CREATE TYPE {_ENUMS[1]} AS ENUM (SELECT role_key FROM access_roles ORDER BY role_key)")
    con.execute(f"CREATE TYPE {_ENUMS[2]} AS ENUM ({', '.join(repr(a) for a in ACTIONS)})")
    con.execute(f"CREATE TYPE {_ENUMS[3]} AS ENUM ({', '.join(repr(a) for a in PURPOSES + (OTHER_PURPOSE,))})")
    purpose = "lower(trim(split_part(nullif(trim(raw), ''), ':', 1)))"
    acts = ", ".join(repr(a) for a in ACTIONS)
    maps = {
        "user": f"CASE WHEN {ok} THEN CAST(trim(raw) AS {_ENUMS[0]}) END",
        "role": f"CASE WHEN {ok} THEN CAST(lower(trim(raw)) AS {_ENUMS[1]}) END",
        "action": f"CASE WHEN lower(trim(raw)) IN ({acts}) THEN CAST(lower(trim(raw)) AS {_ENUMS[2]}) END",
        "reason": f"""CASE WHEN nullif(trim(raw), '') IS NOT NULL THEN coalesce(TRY_CAST({purpose} AS {_ENUMS[3]}),
                                                                          '{OTHER_PURPOSE}'::{_ENUMS[3]}) END""",
    }
    for c in valued:
        bad = f"coalesce(length(trim(raw)) > {MAX_FIELD}, false)" if c == "reason" else "false"
        con.execute(f"CREATE OR REPLACE TEMP TABLE __lia_m_{c} AS SELECT raw, {maps[c]} AS v, {bad} AS bad "
                    f"FROM __lia_m_{c}")
    joins = " ".join(f"LEFT JOIN __lia_m_{c} m_{c} ON s.{c} = m_{c}.raw" for c in valued)
    bits = {
        "event_id": _empty_or_long("s.event_id"), "recording_id": _empty_or_long("s.recording_id"),
        "user": "m_user.v IS NULL", "role": "m_role.v IS NULL", "action": "m_action.v IS NULL", "at": "s.ts IS NULL",
        "reason": "coalesce(m_reason.bad, false)" if "reason" in cols else "false",
    }
    flag = " + ".join(f"(({bits[c]})::UTINYINT << {i})" for i, c in enumerate(_BITS))
    inner = ", ".join([f"{_trimmed(f'CAST({raw(c)} AS VARCHAR)')} AS {c}" for c in ("event_id", "recording_id")]
                      + [f"CAST({raw(c)} AS VARCHAR) AS {_ident(c)}" for c in valued] + [f"{at_expr} AS ts"])
    try:
        con.execute(f"""CREATE TABLE events AS SELECT
            CASE WHEN NOT ({bits['recording_id']}) THEN s.recording_id END AS recording_id, s.ts,
            m_user.v AS "user", m_role.v AS role_key, m_action.v AS action,
            {'m_reason.v' if 'reason' in cols else f'NULL::{_ENUMS[3]}'} AS purpose, ({flag})::UTINYINT AS __lia_bad
            FROM (SELECT {inner} FROM {src}) s {joins}""")
        counts = con.execute("SELECT count(*), " + ", ".join(f"count_if(__lia_bad & {1 << i} <> 0)"
                                                              for i in range(len(_BITS))) + " FROM events").fetchone()
    except duckdb.Error as e:
        raise InputError(Message("errors.access_unreadable", error=str(e).splitlines()[0]), file=source) from None
    n = int(counts[0])
    if n == 0:
        raise InputError(Message("errors.access_no_events"), file=source)
    problems: list[tuple[str, int, list[tuple[int, Any]], str]] = []
    for c, f in flags.items():
        k = counts[1 + _BITS.index(c)]
        if k:
            rns = [r for (r,) in con.execute(f"SELECT rn FROM {typed} WHERE {f} ORDER BY rn LIMIT {_SHOW}").fetchall()]
            vals = dict(con.execute(f"SELECT __lia_rn, CAST({raw(c)} AS VARCHAR) FROM {src} "
                                    f"WHERE __lia_rn IN ({', '.join(map(str, rns))})").fetchall())
            what = Message("errors.access_reason_empty_long") if c in ("event_id", "recording_id", "user", "role") else ""
            problems.append((c, int(k), [(r, vals.get(r)) for r in rns], what))
    dups: list[tuple[Any, list[int]]] = []
    n_dup = 0
    if not any(p[0] == "event_id" for p in problems) and not _ids_in_order(id_files) and \
            int(con.execute(f"SELECT count(DISTINCT hash(event_id)) FROM {typed}").fetchone()[0]) < n:
        # equal hashes: compare exactly
        n_dup = con.execute(f"SELECT count(*) - count(DISTINCT event_id) FROM {typed}").fetchone()[0]
        if n_dup:
            dups = con.execute(f"""SELECT event_id, rns FROM (SELECT event_id, list(rn ORDER BY rn) AS rns,
                    min(rn) AS first FROM {typed} GROUP BY 1 HAVING count(*) > 1) ORDER BY first LIMIT {_SHOW}""").fetchall()
    if problems or dups:
        raise _report(problems, dups, int(n_dup), source, label, n)
    con.execute("ALTER TABLE events DROP COLUMN __lia_bad")
    for c in valued:
        con.execute(f"DROP TABLE __lia_m_{c}")
    return n


def _ids_in_order(files: list[tuple[str, str]] | None) -> bool:
    """Whether the event ids in these Parquet files (file, column; in order) are distinct, known by one scan:
    text of one width, strictly increasing, no space at either end (so trimming changes none)."""
    if not files:
        return False
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..periods.columns import _fixed_width_increasing

    spaced = [False]

    def chunks():
        for path, col in files:
            for b in pq.ParquetFile(path).iter_batches(batch_size=1 << 20, columns=[col]):
                c = b.column(0)
                if pa.types.is_dictionary(c.type):
                    c = c.dictionary_decode()
                if pa.types.is_large_string(c.type) or pa.types.is_string_view(c.type):
                    c = c.cast(pa.string())
                if pa.types.is_string(c.type) and len(c) and not c.null_count:
                    offs = np.frombuffer(c.buffers()[1], dtype=np.int32, count=len(c) + 1, offset=c.offset * 4)
                    data = np.frombuffer(c.buffers()[2], dtype=np.uint8)
                    if (offs[1:] == offs[:-1]).any() or (data[offs[:-1]] == 32).any() or (data[offs[1:] - 1] == 32).any():
                        spaced[0] = True
                        return
                yield c

    try:
        return _fixed_width_increasing(chunks()) and not spaced[0]
    except (pa.ArrowException, OSError):
        return False  # DuckDB's count names what is wrong


def _short(v: Any) -> str:
    s = "" if v is None else str(v)
    return Joined([repr(s[:40]) + "...", Message("errors.frag_cut", n=len(s))], " ") if len(s) > 40 else repr(s)


def _report(problems: list[tuple[str, int, list[tuple[int, Any]], str]], dups: list[tuple[Any, list[int]]],
            n_dup: int, source: str, label: Any, n: int) -> InputError:
    rows = sorted({int(r) for _, _, shown, _ in problems for r, _ in shown}
                  | {int(r) for _, rns in dups for r in rns[:_SHOW]})
    names = label(rows)
    lines, places = [], []
    for c, k, shown, what in problems:
        s = Joined([Joined([names[int(r)], _short(v)], ": ") for r, v in shown], "; ")
        code, params = _EXPECT[c]
        expected = Message(code, **params)
        lines.append(Message("errors.calllog_bad_rows_why", column=c, k=k, reason=what, m=len(shown), shown=s,
                             expected=expected) if what else
                     Message("errors.calllog_bad_rows", column=c, k=k, m=len(shown), shown=s, expected=expected))
        places.append((int(shown[0][0]), c))
    if dups:
        s = Joined([Message("errors.frag_on_places", value=_short(e), places=Joined([names[int(r)] for r in rns[:_SHOW]], ", "))
                    for e, rns in dups], "; ")
        lines.append(Message("errors.access_duplicates", k=n_dup, m=len(dups), shown=s))
        places.append((int(dups[0][1][1]), "event_id"))
    r0, c0 = min(places)  # the earliest place in the file
    first = Message("errors.frag_cell", where=names[r0], column=c0)
    bad_total = sum(k for _, k, _, _ in problems) + n_dup
    msg = Message("errors.access_rejected", p=len(lines), n=n, b=bad_total, problems=Joined(lines, "\n  - "))
    return InputError(msg, file=source, where=first)
