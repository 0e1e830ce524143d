"""Import of a recording system's call log (CSV, Parquet, or a folder of Parquet files).

One row per call. Columns (names case-insensitive, extra columns ignored):

==========================  ===============================================================
call_id                     unique id of the call (text or integer), unique in the whole log
agent                       pseudonymous agent id (never a name), e.g. A0042
team                        team or employee group; matched against training-period groups
start                       ISO 8601 timestamp with a UTC offset or Z
duration_s                  call length in seconds (a number >= 0)
recorded                    yes / no / true / false / 1 / 0
caller_consent              yes / no / not_asked
deleted_at                  ISO 8601 timestamp with offset; empty if not deleted
consent_withdrawn_at        ISO 8601 timestamp with offset; empty if never withdrawn
==========================  ===============================================================

A *folder* of Parquet files (e.g. monthly exports) is read as one log; see
:func:`lia.tabular.parquet_folder` for what it may hold. Nothing is loaded whole:
typed Parquet files are checked by one DuckDB query, the rest in Arrow batches
(:mod:`lia.periods.columns`) into a clean temporary Parquet file; the analysis reads
the parts through :meth:`CallLog.sql` (docs/periods.md, "Engine").

Every problem in a file is collected and reported together (per column: the
number of bad rows, the first ten with their values, and what was expected).
A log with any problem is refused as a whole: nothing partial is kept. In a folder,
the message names the file. CSV places are line numbers as a text editor counts
them (the header is line 1); Parquet places are row numbers (the first data row is
row 1).
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lia.errors import InputError, Joined, Message, excerpt
from lia.tabular import connect, csv_header, ident, parquet_folder, sql_str

from .columns import (_SHOW, CLEAN_SCHEMA, COLUMNS, CONSENT_VALUES, NAT, OPTIONAL_COLUMNS, _call_types, _consent,
                      _fixed_width_increasing,
                      _duplicates, _ids, _match_columns, _optional, _Problem, _report, _type_ok, check_batch,
                      type_problems)

__all__ = ["CallLog", "read_call_log", "from_table", "COLUMNS", "OPTIONAL_COLUMNS", "CONSENT_VALUES", "NAT"]

_BATCH = 1 << 20  # rows per Arrow batch: about 100 MiB of columns at most
_IN_MEMORY_IDS = 20_000_000  # a part with more ids, not in id order, is checked for duplicates in DuckDB
#: The columns every part gives the analysis (:meth:`CallLog.sql`).
VIEW = ("call_id", "agent", "team", "start_us", "duration_s", "recorded", "consent", "deleted_us", "withdrawn_us",
        "call_type")


@dataclass
class Part:
    """One file (or in-memory table) of a log, as DuckDB reads it."""

    name: str  # the file, shown in messages
    src: str  # the SQL table expression
    cols: dict[str, str]  # documented name -> the file's own spelling (required and optional present)
    types: dict[str, pa.DataType]
    rows: int
    label: Callable[[np.ndarray], Sequence[str]]  # 0-based row indices -> their places, Messages ("row 3" / "line 4")
    clean: bool = False  # ``src`` has the columns of CLEAN_SCHEMA (written by the batch checks)
    table: pa.Table | None = None  # in-memory source, registered under ``src``
    file: str | None = None  # the Parquet file ``src`` reads (the part's own, or its clean copy)

    def exprs(self) -> dict[str, str]:
        """SQL expression of each column of :data:`VIEW`."""
        if self.clean:
            return {c: c for c in VIEW}
        c = {k: ident(v) for k, v in self.cols.items()}
        t = self.types

        def us(k: str) -> str:
            return "NULL::BIGINT" if pa.types.is_null(t[k]) else f"epoch_us({c[k]})"

        return {"call_id": f"CAST({c['call_id']} AS VARCHAR)", "agent": f"CAST({c['agent']} AS VARCHAR)",
                "team": f"CAST({c['team']} AS VARCHAR)", "start_us": us("start"),
                "duration_s": f"CAST({c['duration_s']} AS DOUBLE)",
                "recorded": c["recorded"] if pa.types.is_boolean(t["recorded"]) else f"({c['recorded']} = 1)",
                "consent": f"CAST({c['caller_consent']} AS VARCHAR)", "deleted_us": us("deleted_at"),
                "withdrawn_us": us("consent_withdrawn_at"),
                "call_type": f"CAST({c['call_type']} AS VARCHAR)" if "call_type" in c and not pa.types.is_null(
                    t["call_type"]) else "NULL::VARCHAR"}

    def select(self, extra: str = "") -> str:
        return f"SELECT {extra}{', '.join(f'{e} AS {k}' for k, e in self.exprs().items())} FROM {self.src}"


@dataclass
class CallLog:
    """A validated call log: its parts and what the checks learnt (rows, time span).

    The calls stay in their files; :meth:`sql` is the query that reads them all as one
    table with the columns of :data:`VIEW` (times in microseconds since 1970 UTC,
    ``consent`` and ``call_type`` as written, mapped by :attr:`consent_codes` and
    :attr:`call_type_names`), and :meth:`connect` opens the DuckDB connection to run it.
    """

    source: str
    format: str
    parts: list[Part]
    meta: dict[str, Any] = field(default_factory=dict)
    #: caller_consent as written -> its position in CONSENT_VALUES
    consent_codes: dict[str, int] = field(default_factory=dict)
    #: call_type as written -> compared form (lower case, ``_`` for spaces), None for empty; {} if no column
    call_type_names: dict[str, str | None] = field(default_factory=dict)
    has_call_type: bool = False
    _keep: list[Any] = field(default_factory=list, repr=False)  # temporary folders of the clean parts

    def __len__(self) -> int:
        return int(self.meta.get("rows", 0))

    def sql(self) -> str:
        """One query over every part: the calls with the columns of :data:`VIEW`."""
        return "\nUNION ALL ".join(p.select() for p in self.parts)

    def connect(self, **kw: Any) -> Any:
        """A bounded DuckDB connection on which :meth:`sql` runs (in-memory parts registered); the caller closes it."""
        con = connect(**kw)
        for p in self.parts:
            if p.table is not None:
                con.register(p.src, p.table)
        return con

    def column(self, name: str) -> np.ndarray:
        """One column of :data:`VIEW` in file order, as numpy (for small logs and tests)."""
        con = self.connect()
        try:
            sel = "\nUNION ALL ".join(p.select(f"{k} AS part, ") for k, p in enumerate(self.parts))
            return con.sql(f"SELECT {name} FROM ({sel})").fetchnumpy()[name]
        finally:
            con.close()

    @property
    def call_types(self) -> list[str]:
        """The distinct call types of the log, as compared (empty if it has no ``call_type`` column)."""
        return sorted({v for v in self.call_type_names.values() if v is not None})

    recorded = property(lambda self: np.asarray(self.column("recorded"), dtype=bool), doc="The recorded flags, in order.")


def read_call_log(path: str | Path) -> CallLog:
    """Read and validate a CSV or Parquet call log, or a folder of Parquet files; InputError listing every problem.

    The format is recognised by content (Parquet files start with ``PAR1``), not by the
    file name.
    """
    from lia.loaders import open_user_file

    p = Path(path)
    if p.is_dir():
        if p.is_symlink():
            raise InputError(Message("errors.calllog_folder_link"), file=p)
        files = parquet_folder(p)
        return _validate(CallLog(str(p), "folder", [_parquet_part(f, many=True) for f in files]))
    if not p.exists() and not p.is_symlink():
        raise InputError(Message("errors.calllog_missing"), file=p)
    with open_user_file(p, what=Message("errors.frag_what_call_log")) as f:  # regular files only: no device, no FIFO
        size = os.fstat(f.fileno()).st_size
        head = f.read(65536)
    if size == 0 or not head.strip():
        raise InputError(Message("errors.calllog_empty", columns=", ".join(COLUMNS)), file=p)
    if head[:4] == b"PAR1":
        return _validate(CallLog(str(p), "parquet", [_parquet_part(p)]))
    if p.suffix.lower() in (".parquet", ".pq"):
        raise InputError(Message("errors.calllog_misnamed"), file=p)
    return _validate(CallLog(str(p), "csv", [_csv_part(p, head)]))


def from_table(table: pa.Table, source: str = "<table>") -> CallLog:
    """Validate an in-memory Arrow table with the call-log columns (as read from Parquet)."""
    cols = {**_match_columns(table.column_names, source, "column"), **_optional(table.column_names)}
    part = Part(source, "calls_table", cols, {c: table.schema.field(v).type for c, v in cols.items()}, table.num_rows,
                _rows, table=table)
    return _validate(CallLog(source, "table", [part]))


def _rows(idx: np.ndarray) -> list[Message]:
    """The places of 0-based rows of a Parquet file or a table: "row 1" is the first data row."""
    return [Message("errors.frag_row", n=int(i) + 1) for i in idx]


def _parquet_part(p: Path, many: bool = False) -> Part:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(p)
        schema, rows = pf.schema_arrow, pf.metadata.num_rows
    except (pa.ArrowException, OSError) as e:
        raise InputError(Message("errors.calllog_bad_parquet", error=_reason(str(e))), file=p) from None
    cols = {**_match_columns(schema.names, str(p), "column"), **_optional(schema.names)}
    return Part(str(p), f"read_parquet('{sql_str(str(p))}')", cols, {c: schema.field(v).type for c, v in cols.items()},
                rows, _rows, file=str(p))


def _csv_part(p: Path, head: bytes) -> Part:
    header, delim = csv_header(p, head)
    cols = {**_match_columns(header, str(p), "header", where=Message("errors.frag_line_header", n=1)), **_optional(header)}
    part = Part(str(p), "", cols, {c: pa.string() for c in cols}, -1,
                lambda idx: _csv_lines(p, delim, cols, idx, None))
    part.delim, part.width = delim, len(header)  # type: ignore[attr-defined]
    return part


# -- validation ------------------------------------------------------------------------------

def _sql_checkable(part: Part) -> bool:
    """Whether the part's types let one SQL query find every bad value (else: the Arrow batch checks)."""
    t = {k: (v.value_type if pa.types.is_dictionary(v) else v) for k, v in part.types.items()}
    if part.src == "" or not all(_type_ok(c, part.types[c]) for c in COLUMNS):
        return False
    text = lambda x: pa.types.is_string(x) or pa.types.is_large_string(x)  # noqa: E731
    return (pa.types.is_timestamp(t["start"]) and all(pa.types.is_timestamp(t[c]) or pa.types.is_null(t[c])
                                                      for c in ("deleted_at", "consent_withdrawn_at"))
            and not text(t["duration_s"]) and not pa.types.is_decimal(t["duration_s"]) and not text(t["recorded"])
            and ("call_type" not in t or text(t["call_type"]) or pa.types.is_null(t["call_type"])))


def _validate(log: CallLog) -> CallLog:
    """Check every part (SQL where it can, Arrow batches where it must), then the call ids; fill ``log.meta``."""
    log.has_call_type = any("call_type" in p.cols for p in log.parts)
    quick = [k for k, p in enumerate(log.parts) if _sql_checkable(p)]
    found = _sql_check(log, quick) if quick else {}
    spans: list[Any] = []
    for k, part in enumerate(log.parts):
        if k in found and found[k] is not None:
            spans.append(found[k])
            continue
        if part.src:  # a wrong type is reported before any value
            type_problems(pa.schema([(c, part.types[c]) for c in part.cols]), part.name)
        spans.append(_batch_check(log, k))
    log.consent_codes.update({v: i for i, v in enumerate(CONSENT_VALUES)})
    log.meta = {"rows": sum(p.rows for p in log.parts), "files": len(log.parts),
                "start_min_us": min((s[0] for s in spans if s[0] is not None), default=None),
                "start_max_us": max((s[1] for s in spans if s[1] is not None), default=None),
                "max_us": max((s[2] for s in spans if s[2] is not None), default=None)}
    _check_unique(log)
    return log


def _sql_check(log: CallLog, quick: list[int]) -> dict[int, tuple | None]:
    """One query over the quickly checkable parts: per part, None if it needs the batch checks, else its time span."""
    sels = []
    for k in quick:
        p = log.parts[k]
        c, e = {x: ident(v) for x, v in p.cols.items()}, p.exprs()
        rec = f"{c['recorded']} IS NULL" if pa.types.is_boolean(p.types["recorded"]) else \
            f"NOT coalesce({c['recorded']} IN (0, 1), false)"
        sels.append(f"SELECT {k} AS part, {e['agent']} AS agent, {e['team']} AS team, {e['consent']} AS consent, "
                    f"{e['call_type']} AS call_type, {e['start_us']} AS s, greatest({e['deleted_us']}, "
                    f"{e['withdrawn_us']}) AS o, ({c['start']} IS NULL OR NOT coalesce(isfinite({e['duration_s']}) AND {e['duration_s']} "
                    f">= 0, false) OR {rec}) AS bad FROM {p.src}")
    con = log.connect()
    try:
        rows = con.sql(f"SELECT part, agent, team, consent, call_type, count(*) FILTER (bad) AS bad, min(s), max(s), "
                       f"max(o) FROM ({' UNION ALL '.join(sels)}) GROUP BY ALL").fetchall()
    finally:
        con.close()
    out: dict[int, tuple | None] = {}
    by_part: dict[int, list[tuple]] = {k: [] for k in quick}
    for r in rows:
        by_part[r[0]].append(r)
    for k, rs in by_part.items():
        out[k] = _distinct_ok(log, rs)
    return out


def _distinct_ok(log: CallLog, rows: list[tuple]) -> tuple | None:
    """Check a part's distinct agents, teams, consents and call types exactly; its time span, or None if not clean."""
    if not rows or any(r[5] for r in rows):
        return None if rows else (None, None, None)
    probs: list[_Problem] = []
    for i, col in ((1, "agent"), (2, "team")):
        vals = pa.array(sorted({r[i] for r in rows if r[i] is not None}) + [None] * any(r[i] is None for r in rows),
                        pa.string())
        _, names = _ids(col, vals, probs)
        if probs or names != vals.to_pylist():  # spaces around an id: the batch checks trim them
            return None
    consents = pa.array(sorted({r[3] for r in rows if r[3] is not None}) + [None] * any(r[3] is None for r in rows),
                        pa.string())
    codes = _consent(consents, probs)
    if probs:
        return None
    log.consent_codes.update(zip(consents.to_pylist(), codes.tolist()))
    types = sorted({r[4] for r in rows if r[4] is not None})
    if types:
        tc, tn = _call_types(pa.array(types, pa.string()))
        log.call_type_names.update({v: (tn[c] if c >= 0 else None) for v, c in zip(types, tc.tolist())})
    s_min = min(r[6] for r in rows)
    s_max = max(r[7] for r in rows)
    other = max((r[8] for r in rows if r[8] is not None), default=None)
    return s_min, s_max, max(s_max, other) if other is not None else s_max


def _batch_check(log: CallLog, k: int) -> tuple:
    """Check part ``k`` batch by batch with the Arrow checks; raise its report, or make it a clean Parquet part."""
    import pyarrow.parquet as pq

    part = log.parts[k]
    if not log._keep:
        log._keep.append(tempfile.TemporaryDirectory(prefix="lia-calls-"))
    out = Path(log._keep[0].name) / f"part-{k:05d}.parquet"
    merged: dict[tuple[str, str], _Problem] = {}
    bad_rows = offset = 0
    span = [None, None, None]
    writer = pq.ParquetWriter(out, CLEAN_SCHEMA)
    try:
        for batch in _batches(part):
            probs, nbad, clean = check_batch(batch)
            for p in probs:
                key = (p.column, p.what)
                if key not in merged:
                    merged[key] = _Problem(p.column, p.rows[:_SHOW] + offset, p.values, p.expected, p.what, p.count)
                else:
                    m = merged[key]
                    room = _SHOW - m.rows.size
                    if room > 0:
                        m.rows, m.values = np.r_[m.rows, p.rows[:room] + offset], m.values + p.values[:room]
                    m.count += p.count
            bad_rows += nbad
            offset += batch.num_rows
            if clean is not None and not merged:
                writer.write_table(clean)
                log.call_type_names.update((v, v) for v in pc.unique(clean["call_type"]).drop_null().to_pylist())
                mm = pc.min_max(clean["start_us"]).as_py()
                o = max([x for x in (pc.max(clean["deleted_us"]).as_py(), pc.max(clean["withdrawn_us"]).as_py(),
                                     mm["max"]) if x is not None], default=None)
                span = [_opt(min, span[0], mm["min"]), _opt(max, span[1], mm["max"]), _opt(max, span[2], o)]
    finally:
        writer.close()
    part.rows = offset
    if merged:
        problems = list(merged.values())
        if ("call_id", "empty") not in merged:
            dup = _duplicates(pa.chunked_array(list(_id_chunks(part)), pa.string()), offset)
            if dup is not None:
                problems.append(dup)
                bad_rows += dup.count
        raise _report(problems, part.name, part.label, offset, bad_rows)
    part.src, part.clean, part.table, part.file = f"read_parquet('{sql_str(str(out))}')", True, None, str(out)
    part.cols = {c: c for c in CLEAN_SCHEMA.names}
    return tuple(span)


def _opt(f: Callable, a: Any, b: Any) -> Any:  # f(a, b), None meaning "none yet"
    return b if a is None else a if b is None else f(a, b)


def _batches(part: Part):
    """The part's rows as Arrow tables of at most _BATCH rows, columns renamed to the documented names."""
    names = list(part.cols)
    if part.table is not None:
        t = part.table.select([part.cols[c] for c in names]).rename_columns(names)
        for b in t.to_batches(max_chunksize=_BATCH):
            yield pa.Table.from_batches([b])
    elif part.src:
        import pyarrow.parquet as pq

        try:
            for b in pq.ParquetFile(part.name).iter_batches(batch_size=_BATCH, columns=[part.cols[c] for c in names]):
                yield pa.Table.from_batches([b]).rename_columns(names)
        except (pa.ArrowException, OSError) as e:
            raise InputError(Message("errors.calllog_damaged_parquet", error=_reason(str(e))), file=part.name) from None
    else:
        yield from _csv_batches(part, names)


def _id_chunks(part: Part):
    """The call ids of a part as text, a batch at a time."""
    import pyarrow.parquet as pq

    if part.table is not None:
        chunks = iter(part.table[part.cols["call_id"]].chunks)
    elif part.file:
        chunks = (b.column(0) for b in pq.ParquetFile(part.file).iter_batches(batch_size=_BATCH,
                                                                              columns=[part.cols["call_id"]]))
    else:
        chunks = (b["call_id"].combine_chunks() for b in _csv_batches(part, ["call_id"]))
    for a in chunks:
        yield a.cast(pa.string()) if not pa.types.is_string(a.type) else a


def _scan_ids(part: Part) -> tuple[bool, tuple[Any, Any] | None, bool]:
    """One pass over a part's ids: (strictly increasing, so distinct; (min, max); some empty, null or too long)."""
    stats: dict[str, Any] = {"lo": None, "hi": None, "bad": False}

    def watched():
        for c in _id_chunks(part):
            mm = pc.min_max(c).as_py()
            ln = pc.min_max(pc.binary_length(c)).as_py()
            stats["bad"] |= bool(c.null_count) or (ln["min"] is not None and (ln["min"] < 1 or ln["max"] > 1000))
            if mm["min"] is not None:
                stats["lo"] = _opt(min, stats["lo"], mm["min"])
                stats["hi"] = _opt(max, stats["hi"], mm["max"])
            yield c

    gen = watched()
    ordered = _fixed_width_increasing(gen)
    for _ in gen:  # the rest, for the range and the checks
        pass
    return ordered, (stats["lo"], stats["hi"]) if stats["lo"] is not None else None, stats["bad"]


def _check_unique(log: CallLog) -> None:
    """Every call id once in the whole log: per part (a strict-order check in batches, else hashes in memory),
    across parts in DuckDB (only if their ranges meet, or a large part is not in id order: DuckDB spills)."""
    ranges, in_sql = [], False
    for k, part in enumerate(log.parts):
        ordered, rng, bad = _scan_ids(part)
        if bad and not part.clean:  # the batch checks name the rows
            _batch_check(log, k)
            ordered, rng, bad = _scan_ids(part)
        if not ordered and part.rows <= _IN_MEMORY_IDS:
            ids = pa.chunked_array(list(_id_chunks(part)), pa.string())
            dup = _duplicates(ids, part.rows)
            if dup is not None:
                raise _report([dup], part.name, part.label, part.rows)
            del ids
        in_sql |= not ordered and part.rows > _IN_MEMORY_IDS
        if rng is not None:
            ranges.append(rng)
    ranges.sort()
    if not in_sql and all(a[1] < b[0] for a, b in zip(ranges, ranges[1:])):
        return
    sel = " UNION ALL ".join(f"SELECT {k}::BIGINT AS part, {r}::BIGINT AS r, {p.exprs()['call_id']} AS id FROM "
                             f"{p.src[:-1] + ', file_row_number = true)' if p.table is None else p.src}"
                             for k, p in enumerate(log.parts)
                             for r in ["file_row_number" if p.table is None else "row_number() OVER () - 1"])
    con = log.connect()
    try:
        groups = con.sql(f"SELECT id, list(part * 1099511627776 + r ORDER BY part, r) AS places FROM ({sel}) GROUP BY id "
                         f"HAVING count(*) > 1 ORDER BY min(part * 1099511627776 + r) LIMIT 100000").fetchall()
    finally:
        con.close()
    if not groups:
        return
    offsets = np.cumsum([0] + [p.rows for p in log.parts])
    glob = [(i, [int(offsets[x >> 40] + (x & ((1 << 40) - 1))) for x in places]) for i, places in groups]

    def label(idx: np.ndarray) -> list[str]:
        k = np.searchsorted(offsets, idx, side="right") - 1
        return [Joined([Path(log.parts[j].name).name, log.parts[j].label(np.array([i - offsets[j]]))[0]], " ")
                for i, j in zip(idx.tolist(), k.tolist())]

    rows = np.array(sorted(i for _, v in glob for i in v[1:]))
    prob = _Problem("call_id", rows, [g[0] for g in glob[:_SHOW]], Message("errors.frag_expect_call_id"), "duplicate",
                    int(rows.size), glob)
    raise _report([prob], log.source, label, len(log), int(rows.size))


# -- CSV ---------------------------------------------------------------------------------------

def _csv_batches(part: Part, names: list[str]):
    """A CSV part in batches (every column read as text); the wrong-width and unreadable-file errors."""
    import pyarrow.csv as pcsv

    p, delim, cols = Path(part.name), part.delim, part.cols  # type: ignore[attr-defined]
    bad_shape: list[Any] = []

    def on_invalid(row: Any) -> str:
        bad_shape.append(row)
        return "skip"

    try:
        reader = pcsv.open_csv(
            p, read_options=pcsv.ReadOptions(block_size=16 << 20),
            parse_options=pcsv.ParseOptions(delimiter=delim, newlines_in_values=True, invalid_row_handler=on_invalid),
            convert_options=pcsv.ConvertOptions(
                column_types={v: pa.string() for v in cols.values()}, include_columns=[cols[c] for c in names],
                strings_can_be_null=False, quoted_strings_can_be_null=False))
        batches = iter(reader)
        while True:
            try:
                b = next(batches)
            except StopIteration:
                break
            if not bad_shape:
                yield pa.Table.from_batches([b]).rename_columns(names)
    except (pa.ArrowInvalid, pa.ArrowException) as e:
        raise _csv_failure(p, e) from None
    if bad_shape:
        n = len(bad_shape)
        found = _wrong_width_lines(p, delim, part.width)  # type: ignore[attr-defined]
        if not found:  # Arrow gives up on a record longer than its block: a huge field
            raise _csv_failure(p, pa.ArrowInvalid("straddling block"))
        shown = Joined([Joined([_line(ln), Message("errors.frag_fields", n=k)], ": ") for ln, k in found[:_SHOW]], "; ")
        raise InputError(Message("errors.calllog_wrong_width", n=n, width=part.width,  # type: ignore[attr-defined]
                                 k=min(n, _SHOW), shown=shown), file=p, where=_line(found[0][0]))


def _line(n: int) -> Message:
    """The place of line ``n`` of a CSV file, as a text editor counts it (the header is line 1)."""
    return Message("errors.where_line", line=n)


def _wrong_width_lines(p: Path, delim: str, width: int) -> list[tuple[int, int]]:
    """(line, number of fields) of the first rows whose width differs from the header (error path only)."""
    out: list[tuple[int, int]] = []
    limit = csv.field_size_limit()
    csv.field_size_limit(1 << 30)
    try:
        return _scan_widths(p, delim, width, out)
    finally:
        csv.field_size_limit(limit)


def _scan_widths(p: Path, delim: str, width: int, out: list[tuple[int, int]]) -> list[tuple[int, int]]:
    with open(p, newline="", encoding="utf-8-sig", errors="replace") as f:
        reader = csv.reader(f, delimiter=delim)
        line = 1
        for row in reader:
            if line > 1 and len(row) != width and row:
                out.append((line, len(row)))
                if len(out) >= _SHOW:
                    break
            line = reader.line_num + 1
    return out


def _csv_failure(p: Path, e: Exception) -> InputError:
    msg = str(e)
    if "UTF8" in msg or "utf8" in msg.lower():
        line = _first_line(p, lambda raw: _not_utf8(raw))
        return InputError(Message("errors.calllog_not_utf8"), file=p, where=_line(line) if line else None)
    if "straddling" in msg or "block" in msg:
        line = _first_line(p, lambda raw: len(raw) > (16 << 20))
        return InputError(Message("errors.calllog_huge_line"), file=p, where=_line(line) if line else None)
    return InputError(Message("errors.calllog_bad_csv", error=_reason(msg)), file=p)


def _reason(msg: str) -> str:
    """The first line of a reader's error, without the piece of the file it may quote (``...: <row>``)."""
    import re

    first = (msg.splitlines() or [""])[0]
    first = re.sub(r"(got \d+)\s*:.*$", r"\1", first)  # Arrow: "Expected 9 columns, got 1: <the row>"
    return excerpt(first, 80)


def _not_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True


def _first_line(p: Path, bad: Callable[[bytes], bool]) -> int | None:
    """The number of the first physical line for which ``bad`` is true (error path only)."""
    with open(p, "rb") as f:
        for i, raw in enumerate(iter(lambda: f.readline(64 << 20), b""), start=1):
            if bad(raw):
                return i
    return None


def _csv_lines(p: Path, delim: str, cols: dict[str, str], idx: np.ndarray, table: pa.Table) -> list[Message]:
    """Line numbers of data rows ``idx``: header is line 1; quoted line breaks are counted."""
    import pyarrow.csv as pcsv

    extra = None
    try:
        full = pcsv.read_csv(p, parse_options=pcsv.ParseOptions(delimiter=delim, newlines_in_values=True),
                             convert_options=pcsv.ConvertOptions(column_types={}, strings_can_be_null=False,
                                                                 auto_dict_encode=False))
        nl = np.zeros(full.num_rows, dtype=np.int64)
        for c in full.columns:
            if pa.types.is_string(c.type) or pa.types.is_large_string(c.type):
                nl += pc.count_substring(c, "\n").to_numpy(zero_copy_only=False).astype(np.int64)
        if nl.any():
            extra = np.concatenate([[0], np.cumsum(nl)[:-1]])
    except pa.ArrowException:
        extra = None
    return [_line(int(i) + 2 + (int(extra[i]) if extra is not None else 0)) for i in idx]

