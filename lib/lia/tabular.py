"""The one way the workbench opens large tabular logs: DuckDB, bounded, over a file or a folder.

A log may be one file or a folder of Parquet files (e.g. monthly exports) read as one
log. :func:`parquet_folder` lists such a folder and refuses what a hostile or careless
folder may hold (links, devices, sub-folders, other files, too many or too large
files); :func:`connect` opens an in-process DuckDB with a memory limit, a spill folder
and a thread count, so the peak memory of an analysis is bounded whatever the size of
the log. The call-log and access-log analyses both use these.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from .errors import InputError, Message, os_reason

__all__ = ["connect", "csv_header", "parquet_folder", "sql_str", "ident", "MEMORY_LIMIT", "MAX_FILES", "MAX_FILE_BYTES"]

#: DuckDB's memory limit (env ``LIA_DUCKDB_MEMORY``, e.g. ``1GB``); beyond it, DuckDB spills to disk.
MEMORY_LIMIT = "1536MB"
#: At most this many Parquet files in a folder log (a year of daily exports fits).
MAX_FILES = 1000
#: No single file of a folder log may be larger than this (64 GiB).
MAX_FILE_BYTES = 64 << 30
_SUFFIXES = (".parquet", ".pq")


def sql_str(s: str) -> str:
    """``s`` as the body of a SQL string literal."""
    return s.replace("'", "''")


def ident(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def connect(threads: int | None = None, memory_limit: str | None = None, temp_dir: str | Path | None = None) -> Any:
    """An in-process DuckDB connection with bounded memory (spilling to ``temp_dir``) and ``threads``."""
    import duckdb

    limit = memory_limit or os.environ.get("LIA_DUCKDB_MEMORY") or MEMORY_LIMIT
    spill = Path(temp_dir) if temp_dir else Path(tempfile.gettempdir()) / f"lia-duckdb-{os.getuid()}"
    spill.mkdir(mode=0o700, parents=True, exist_ok=True)
    con = duckdb.connect(config={"memory_limit": limit, "threads": int(threads or min(os.cpu_count() or 2, 8)),
                                 "temp_directory": str(spill), "preserve_insertion_order": False,
                                 "enable_external_access": True})
    con.execute("SET enable_progress_bar = false")  # it would write to the caller's output
    return con


def parquet_folder(folder: Path) -> list[Path]:
    """The Parquet files of a folder log, sorted by name; InputError for anything else in it.

    Every entry must be a regular ``.parquet``/``.pq`` file (not a link, not a device or
    FIFO, not a folder) that starts with the Parquet marker, at most :data:`MAX_FILE_BYTES`
    large; hidden files (``.name``) are ignored; at most :data:`MAX_FILES` files.
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        raise InputError(Message("errors.logfolder_unlisted", error=os_reason(err)), file=folder) from None
    files: list[Path] = []
    for e in entries:
        if e.name.startswith("."):
            continue
        st = os.lstat(e.path)
        if stat.S_ISLNK(st.st_mode):
            raise InputError(Message("errors.logfolder_symlink"), file=e.path)
        if not stat.S_ISREG(st.st_mode):
            if stat.S_ISDIR(st.st_mode):
                raise InputError(Message("errors.logfolder_subfolder"), file=e.path)
            raise InputError(Message("errors.logfolder_special"), file=e.path)
        if not e.name.lower().endswith(_SUFFIXES):
            raise InputError(Message("errors.logfolder_not_parquet"), file=e.path)
        if st.st_size > MAX_FILE_BYTES:
            raise InputError(Message("errors.logfolder_too_large", limit=MAX_FILE_BYTES >> 30,
                                         size=f"{st.st_size / 2**30:.1f}"), file=e.path)
        with open(e.path, "rb", opener=lambda p, fl: os.open(p, fl | os.O_NOFOLLOW | os.O_NONBLOCK)) as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode) or f.read(4) != b"PAR1":
                raise InputError(Message("errors.logfolder_no_marker"), file=e.path)
        files.append(Path(e.path))
        if len(files) > MAX_FILES:
            raise InputError(Message("errors.logfolder_too_many", n=MAX_FILES), file=folder)
    if not files:
        raise InputError(Message("errors.logfolder_empty"), file=folder)
    return files


def csv_header(p: Path, head: bytes) -> tuple[list[str], str]:
    """A CSV log's header names and delimiter (the one its first line has most of), from its first bytes.

    The call log and the access log both read their header this way: binary data, or a header
    that is not UTF-8, is refused naming the file and the place.
    """
    nul = head.find(b"\x00")
    if nul >= 0:
        raise InputError(Message("errors.calllog_binary", offset=nul), file=p)
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    first = text.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        header_line = first.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(Message("errors.calllog_header_not_utf8", byte=f"0x{first[e.start]:02x}", offset=e.start),
                         file=p, where=Message("errors.where_line", line=1)) from None
    delim = max((",", ";", "\t"), key=header_line.count)
    return next(csv.reader(io.StringIO(header_line), delimiter=delim), []), delim
