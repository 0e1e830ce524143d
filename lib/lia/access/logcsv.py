"""The CSV side of reading an access log: streaming it to Parquet, and the places of bad lines.

:func:`lia.access.log.read_access_log` reads a CSV access log through these (its header through
:func:`lia.tabular.csv_header`, as the call log does): the file is streamed
into a Parquet file of text columns a block at a time (never held whole), and when a value
is bad, the lines are found again as an editor counts them (quoted line breaks included).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ..errors import InputError, Joined, Message

#: A longer CSV line is refused (a hostile or broken file), as for call logs.
MAX_LINE = 16 << 20
#: How many bad lines an error shows.
_SHOW = 10

def _csv_to_parquet(p: Path, delim: str, cols: dict[str, str], out: str) -> None:
    """Stream the CSV into a Parquet file of text columns, in file order, a block at a time."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    bad_shape: list[Any] = []

    def on_invalid(row: Any) -> str:
        bad_shape.append(row)
        return "skip"

    names = list(cols)
    try:
        reader = pcsv.open_csv(
            p, read_options=pcsv.ReadOptions(block_size=4 << 20, use_threads=True),
            parse_options=pcsv.ParseOptions(delimiter=delim, newlines_in_values=True, invalid_row_handler=on_invalid),
            convert_options=pcsv.ConvertOptions(column_types={cols[c]: pa.string() for c in names},
                                                include_columns=[cols[c] for c in names],
                                                strings_can_be_null=False, quoted_strings_can_be_null=False))
        schema = pa.schema([(c, pa.string()) for c in names])
        with pq.ParquetWriter(out, schema, compression="lz4") as w:
            for batch in reader:
                if bad_shape:
                    break
                w.write_table(pa.Table.from_batches([batch]).select([cols[c] for c in names]).rename_columns(names))
    except (pa.ArrowInvalid, pa.ArrowException) as e:
        raise _csv_failure(p, e) from None
    if bad_shape:
        found = _wrong_width_lines(p, delim)
        if not found:
            raise _csv_failure(p, pa.ArrowInvalid("straddling block"))
        shown = Joined([Joined([Message("errors.where_line", line=ln), Message("errors.frag_fields", n=k)], ": ")
                        for ln, k, _ in found[:_SHOW]], "; ")
        raise InputError(Message("errors.access_wrong_width", width=found[0][2], k=min(len(found), _SHOW), shown=shown),
                         file=p, where=Message("errors.where_line", line=found[0][0]))


def _wrong_width_lines(p: Path, delim: str) -> list[tuple[int, int, int]]:
    out: list[tuple[int, int, int]] = []
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_LINE)
    try:
        with open(p, newline="", encoding="utf-8-sig", errors="replace") as f:
            reader = csv.reader(f, delimiter=delim)
            width, line = None, 1
            for row in reader:
                if width is None:
                    width = len(row)
                elif row and len(row) != width:
                    out.append((line, len(row), width))
                    if len(out) >= _SHOW:
                        break
                line = reader.line_num + 1
    except csv.Error:
        pass
    finally:
        csv.field_size_limit(limit)
    return out


def _csv_failure(p: Path, e: Exception) -> InputError:
    msg = str(e)
    if "UTF8" in msg or "utf8" in msg.lower():
        line = _first_line(p, _not_utf8)
        return InputError(Message("errors.calllog_not_utf8"), file=p,
                          where=Message("errors.where_line", line=line) if line else None)
    if "straddling" in msg or "block" in msg:
        line = _first_line(p, lambda raw: len(raw) > (4 << 20))
        return InputError(Message("errors.access_huge_line"), file=p, where=Message("errors.where_line", line=line) if line else None)
    return InputError(Message("errors.calllog_bad_csv", error=msg.splitlines()[0] if msg else type(e).__name__), file=p)


def _not_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True


def _first_line(p: Path, bad: Any) -> int | None:
    """The first physical line for which ``bad`` is true; reads at most 64 MiB per line (bounded memory)."""
    with open(p, "rb") as f:
        for i, raw in enumerate(iter(lambda: f.readline(64 << 20), b""), start=1):
            if bad(raw):
                return i
    return None


def _csv_lines(p: Path, delim: str, rows: list[int]) -> dict[int, str]:
    """Line numbers (header = line 1) of 1-based data rows, counting quoted line breaks (error path only)."""
    want = sorted(set(rows))
    out: dict[int, str] = {}
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_LINE)
    try:
        with open(p, newline="", encoding="utf-8-sig", errors="replace") as f:
            reader = csv.reader(f, delimiter=delim)
            k, start, i = 0, 1, 0
            for _row in reader:
                if k > 0:
                    while i < len(want) and want[i] == k:
                        out[k] = Message("errors.where_line", line=start)
                        i += 1
                    if i >= len(want):
                        break
                k += 1
                start = reader.line_num + 1
    finally:
        csv.field_size_limit(limit)
    return {r: out.get(r) or Message("errors.frag_row", n=r) for r in rows}


def _row_labels(rows: list[int]) -> dict[int, str]:
    return {r: Message("errors.frag_row", n=r) for r in rows}


# -- a folder of Parquet files -----------------------------------------------------------------

#: A row of a folder's log is numbered (file number << _FILE_SHIFT) + row in that file.
