"""Checks of call-log columns on Arrow batches: what is wrong with which row, and the report.

The reader (:mod:`lia.periods.calllog`) runs these checks batch by batch when a file
needs them (CSV, text-typed Parquet, or any file whose quick SQL check found a
problem), so the messages and their row or line numbers are the same whatever the
size of the log. A problem keeps its count and its first ten rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lia.errors import InputError, Joined, Message, excerpt

#: The required columns, in the documented order.
COLUMNS = ("call_id", "agent", "team", "start", "duration_s", "recorded", "caller_consent",
           "deleted_at", "consent_withdrawn_at")
#: Columns read when present (case-insensitive); a log without them is complete. ``call_type``: free
#: text such as private, union_representative, occupational_health, customer (compared lower-case).
OPTIONAL_COLUMNS = ("call_type",)
#: caller_consent values; their position is the code stored in CallLog.consent.
CONSENT_VALUES = ("yes", "no", "not_asked")
#: The int64 that stands for "no time" (not deleted, never withdrawn).
NAT = np.iinfo(np.int64).min

_TRUE, _FALSE = ("yes", "true", "1"), ("no", "false", "0")
_MAX_FIELD = 1000
_SHOW = 10
_NUM_RE = r"^\+?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
#: What each column should hold: the code ``errors.<value>`` (a piece of the bad-rows message).
_EXPECT = {
    "call_id": "frag_expect_call_id",
    "agent": "frag_expect_agent",
    "team": "frag_expect_team",
    "start": "frag_expect_start",
    "duration_s": "frag_expect_duration",
    "recorded": "frag_expect_recorded",
    "caller_consent": "frag_expect_consent",
    "deleted_at": "frag_expect_deleted",
    "consent_withdrawn_at": "frag_expect_withdrawn",
}
#: What type each column may have in a typed file (Parquet): the code ``errors.<value>``.
_TYPE_EXPECT = {
    "call_id": "frag_type_id",
    "agent": "frag_type_id",
    "team": "frag_type_id",
    "start": "frag_type_time",
    "duration_s": "frag_type_number",
    "recorded": "frag_type_bool",
    "caller_consent": "frag_type_text",
    "deleted_at": "frag_type_time",
    "consent_withdrawn_at": "frag_type_time",
}


def _expect(col: str) -> Message:
    """What column ``col`` should hold, as a piece of a message."""
    return Message(f"errors.{_EXPECT[col]}")


def _empty() -> Message:
    return Message("errors.frag_reason_empty")


def _too_long() -> Message:
    return Message("errors.frag_reason_long", n=_MAX_FIELD)


@dataclass
class _Problem:
    column: str
    rows: np.ndarray  # indices of bad rows (0-based)
    values: list[Any]  # the offending values of the first rows
    expected: str  # a Message: what the column should hold
    what: str = ""  # "" for an unparsable value, "duplicate", else a reason (a Message: "empty", ...)
    count: int = 0  # bad rows in all (``rows`` may keep only the first)
    groups: list[tuple[Any, list[Any]]] = field(default_factory=list)  # duplicates: (id, [places])


# -- shared validation -----------------------------------------------------------------------

def _match_columns(names: list[str], source: str, what: str, where: str | None = None) -> dict[str, str]:
    """Map each required column to the file's own spelling (case and spaces ignored)."""
    norm: dict[str, str] = {}
    for n in names:
        norm.setdefault(str(n).strip().lower(), n)
    missing = [c for c in COLUMNS if c not in norm]
    if missing:
        # the header is the file's content: name at most 20 columns, each as a short escaped excerpt
        found: Any = Message("errors.frag_nothing")
        if names:
            found = Joined([excerpt(n, 24) for n in names[:20]]
                           + ([Message("errors.and_more", n=len(names) - 20)] if len(names) > 20 else []), ", ")
        raise InputError(Message("errors.calllog_missing_columns", n=len(missing), missing=", ".join(missing),
                                 columns=", ".join(COLUMNS), found=found), file=source, where=where)
    return {c: norm[c] for c in COLUMNS}


def _optional(names: list[str]) -> dict[str, str]:
    """The optional columns present, each mapped to the file's own spelling (case and spaces ignored)."""
    norm: dict[str, str] = {}
    for n in names:
        norm.setdefault(str(n).strip().lower(), n)
    return {c: norm[c] for c in OPTIONAL_COLUMNS if c in norm}


def _call_types(a: pa.Array) -> tuple[np.ndarray, list[str]]:
    """``call_type`` as codes (-1 for empty) and the distinct values, lower-case, spaces and hyphens as ``_``."""
    import pyarrow.compute as pc

    if pa.types.is_dictionary(a.type):
        a = a.dictionary_decode()
    s = pc.cast(a, pa.string())
    s = pc.replace_substring_regex(pc.utf8_lower(pc.utf8_trim_whitespace(s)), r"[\s-]+", "_")
    s = pc.if_else(pc.equal(s, ""), pa.scalar(None, pa.string()), s)
    enc = pc.dictionary_encode(s).combine_chunks() if isinstance(s, pa.ChunkedArray) else pc.dictionary_encode(s)
    codes = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, [str(x) for x in enc.dictionary.to_pylist()]


def _type_ok(col: str, t: pa.DataType) -> bool:
    if pa.types.is_dictionary(t):
        t = t.value_type
    s = pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)
    if col in ("call_id", "agent", "team"):
        return s or pa.types.is_integer(t)
    if col in ("start", "deleted_at", "consent_withdrawn_at"):
        return s or (pa.types.is_timestamp(t) and t.tz is not None) or (pa.types.is_null(t) and col != "start")
    if col == "duration_s":
        return s or pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)
    if col == "recorded":
        return s or pa.types.is_boolean(t) or pa.types.is_integer(t)
    return s  # caller_consent


def _is_text(a: pa.Array) -> bool:
    t = a.type.value_type if pa.types.is_dictionary(a.type) else a.type
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def _mask(m: pa.Array | np.ndarray) -> np.ndarray:
    if isinstance(m, np.ndarray):
        return m
    if m.null_count:
        m = pc.fill_null(m, True)
    return m.to_numpy(zero_copy_only=False)


def _add(problems: list[_Problem], col: str, bad: np.ndarray, raw: pa.Array, what: str = "") -> None:
    idx = np.flatnonzero(bad)
    if idx.size:
        vals = raw.take(pa.array(idx[:_SHOW])).to_pylist()  # only the shown values are materialised
        problems.append(_Problem(col, idx, vals, _expect(col), what, int(idx.size)))


def _ids(col: str, a: pa.Array, problems: list[_Problem], codes: bool = True) -> tuple[np.ndarray, list[str]]:
    if not _is_text(a):  # integer ids
        a_txt = a.cast(pa.string())
    else:
        a_txt = a
    if pa.types.is_dictionary(a_txt.type):
        dic = a_txt.dictionary.cast(pa.string())
        idx = a_txt.indices
        dvals = pc.utf8_trim_whitespace(dic)
        nulls = _mask(pc.is_null(idx))
        codes_ = pc.fill_null(idx, 0).to_numpy()
        dempty = _mask(pc.equal(dvals, ""))
        dlong = _mask(pc.greater(pc.utf8_length(dvals), _MAX_FIELD))
        _add(problems, col, nulls | np.where(nulls, False, dempty[codes_]), a_txt, _empty())
        _add(problems, col, np.where(nulls, False, dlong[codes_]), a_txt, _too_long())
        if not codes:
            return np.empty(0, np.int32), []
        # re-encode trimmed values so "A1" and " A1" are one agent
        enc = pc.dictionary_encode(dvals)
        names = enc.dictionary.to_pylist()
        remap = enc.indices.to_numpy()
        return remap[pc.fill_null(idx, 0).to_numpy()].astype(np.int32), names
    if not codes:  # call ids are compared exactly as written: only their length is checked
        length = pc.fill_null(pc.utf8_length(a_txt), 0).to_numpy()
        _add(problems, col, length == 0, a_txt, _empty())
        _add(problems, col, length > _MAX_FIELD, a_txt, _too_long())
        return np.empty(0, np.int32), []
    vals = pc.utf8_trim_whitespace(a_txt)
    _add(problems, col, _mask(pc.equal(vals, "")), a_txt, _empty())
    _add(problems, col, _mask(pc.greater(pc.utf8_length(vals), _MAX_FIELD)), a_txt, _too_long())
    enc = pc.dictionary_encode(vals)
    return pc.fill_null(enc.indices, 0).to_numpy().astype(np.int32), [str(x) for x in enc.dictionary.to_pylist()]


def _times(col: str, a: pa.Array, problems: list[_Problem], nullable: bool) -> np.ndarray:
    n = len(a)
    if pa.types.is_null(a.type):
        return np.full(n, NAT, dtype=np.int64)
    if pa.types.is_timestamp(a.type):
        us = a if a.type.unit == "us" else a.cast(pa.timestamp("us", tz=a.type.tz))  # instants: the zone is only a label
        us = us.view(pa.int64())
        out = (pc.fill_null(us, NAT) if us.null_count else us).to_numpy(zero_copy_only=False)
        if not nullable:
            _add(problems, col, _mask(pc.is_null(a)), a, _empty())
        return out
    if pa.types.is_dictionary(a.type):
        a = a.cast(pa.string())
    s = pc.utf8_trim_whitespace(a)
    empty = _mask(pc.or_(pc.is_null(s), pc.equal(s, "")))
    s = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), s)
    try:
        out = pc.fill_null(s.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()), NAT).to_numpy()
        if not nullable:
            _add(problems, col, empty, a, _empty())
        return out
    except pa.ArrowInvalid:
        pass
    bad = ~empty & ~_valid_ts(s)
    if not nullable:
        bad |= empty
    _add(problems, col, bad, a)
    clean = pc.if_else(pa.array(bad), pa.scalar(None, pa.string()), s)
    try:
        return pc.fill_null(clean.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()), NAT).to_numpy()
    except pa.ArrowInvalid:  # a form the checker let through but Arrow cannot parse: find those rows
        extra = np.zeros(n, dtype=bool)
        _bisect_bad(clean, 0, n, extra)
        if problems and problems[-1].column == col:
            problems.pop()
        _add(problems, col, bad | extra, a)
        return np.full(n, NAT, dtype=np.int64)


def _valid_ts(s: pa.Array) -> np.ndarray:
    """Whether each text is a well-formed ISO 8601 timestamp with offset and real calendar values."""
    parts = pc.extract_regex(s, r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})[T ](?P<H>\d{2}):(?P<M>\d{2})"
                                r"(?::(?P<S>\d{2})(?:\.\d{1,9})?)?(?:Z|z|[+-](?P<oh>\d{2})(?::?(?P<om>\d{2}))?)$")
    ok = ~_mask(pc.is_null(parts))  # no match (or no text) -> not ok

    def num(name: str) -> np.ndarray:
        f = pc.struct_field(parts, name)
        f = pc.if_else(pc.equal(f, ""), "0", f)
        return pc.fill_null(f, "0").cast(pa.int64()).to_numpy()

    y, m, d = num("y"), num("m"), num("d")
    H, M, S, oh, om = num("H"), num("M"), num("S"), num("oh"), num("om")
    mdays = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31])
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    dim = mdays[np.clip(m - 1, 0, 12)] + ((m == 2) & leap)
    ok &= (m >= 1) & (m <= 12) & (d >= 1) & (d <= dim) & (H <= 23) & (M <= 59) & (S <= 59) & (oh <= 14) & (om <= 59)
    return ok


def _bisect_bad(s: pa.Array, lo: int, hi: int, out: np.ndarray) -> None:
    try:
        s.slice(lo, hi - lo).cast(pa.timestamp("us", tz="UTC"))
    except pa.ArrowInvalid:
        if hi - lo == 1:
            out[lo] = True
            return
        mid = (lo + hi) // 2
        _bisect_bad(s, lo, mid, out)
        _bisect_bad(s, mid, hi, out)


def _duration(a: pa.Array, problems: list[_Problem]) -> np.ndarray:
    if _is_text(a):
        s = pc.utf8_trim_whitespace(a.cast(pa.string()) if pa.types.is_dictionary(a.type) else a)
        good = _mask(pc.match_substring_regex(s, _NUM_RE))
        good &= ~_mask(pc.is_null(s))
        _add(problems, "duration_s", ~good, a)
        clean = pc.if_else(pa.array(good), s, pa.scalar("0"))
        return clean.cast(pa.float64()).to_numpy(zero_copy_only=False)
    if not a.null_count and not pa.types.is_decimal(a.type):
        mm = pc.min_max(a).as_py()
        if mm["min"] is None or (mm["min"] >= 0 and np.isfinite(mm["max"]) and not
                                 (pa.types.is_floating(a.type) and pc.any(pc.is_nan(a)).as_py())):
            return a.to_numpy(zero_copy_only=False)  # valid as stored: no copy
    arr = pc.fill_null(a.cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False)
    bad = ~np.isfinite(arr) | (arr < 0)
    _add(problems, "duration_s", bad, a)
    return np.where(bad, 0.0, arr)


def _recorded(a: pa.Array, problems: list[_Problem]) -> np.ndarray:
    if pa.types.is_boolean(a.type):
        _add(problems, "recorded", _mask(pc.is_null(a)), a, _empty())
        return pc.fill_null(a, False).to_numpy(zero_copy_only=False)
    if pa.types.is_integer(a.type):
        v = pc.fill_null(a, -1).to_numpy(zero_copy_only=False)
        _add(problems, "recorded", (v != 0) & (v != 1), a)
        return v == 1
    s = pc.utf8_lower(pc.utf8_trim_whitespace(a.cast(pa.string()) if pa.types.is_dictionary(a.type) else a))
    yes = _mask(pc.is_in(s, value_set=pa.array(_TRUE))) & ~_mask(pc.is_null(s))
    no = _mask(pc.is_in(s, value_set=pa.array(_FALSE))) & ~_mask(pc.is_null(s))
    _add(problems, "recorded", ~(yes | no), a)
    return yes


def _consent(a: pa.Array, problems: list[_Problem]) -> np.ndarray:
    if pa.types.is_dictionary(a.type):
        dic = pc.utf8_lower(pc.utf8_trim_whitespace(a.dictionary.cast(pa.string())))
        dcode = pc.fill_null(pc.index_in(dic, value_set=pa.array(CONSENT_VALUES)), -1).to_numpy()
        idx = a.indices
        code = np.where(_mask(pc.is_null(idx)), -1, dcode[pc.fill_null(idx, 0).to_numpy()])
    else:
        s = pc.utf8_lower(pc.utf8_trim_whitespace(a))
        code = pc.fill_null(pc.index_in(s, value_set=pa.array(CONSENT_VALUES)), -1).to_numpy()
    _add(problems, "caller_consent", code < 0, a)
    return np.where(code < 0, 2, code).astype(np.int8)


def _duplicates(a: pa.Array, n: int) -> _Problem | None:
    """Duplicate call ids: hash every id (DuckDB, in parallel), sort the hashes, check candidates exactly."""
    import duckdb

    ids = a.cast(pa.string()) if not _is_text(a) or pa.types.is_dictionary(a.type) else a
    h = _short_id_hashes(ids)
    if h is None:
        con = duckdb.connect()
        try:
            t = pa.table({"i": ids})  # noqa: F841 - DuckDB reads it by name ("FROM t")
            h = con.sql("SELECT hash(i) AS h FROM t").fetchnumpy()["h"]
        finally:
            con.close()
    hs = np.sort(h)
    eq = hs[1:] == hs[:-1]
    if not eq.any():
        return None
    cand = np.flatnonzero(np.isin(h, hs[1:][eq]))
    vals = ids.take(pa.array(cand)).to_pylist()
    groups: dict[str, list[int]] = {}
    for i, v in zip(cand.tolist(), vals):
        groups.setdefault(v, []).append(i)
    groups = {k: sorted(v) for k, v in groups.items() if len(v) > 1}
    if not groups:
        return None
    ordered = sorted(groups.items(), key=lambda kv: kv[1][0])
    rows = np.array(sorted(i for _, v in ordered for i in v[1:]))
    return _Problem("call_id", rows, [k for k, _ in ordered[:_SHOW]], _expect("call_id"), "duplicate", int(rows.size),
                    ordered)


def _fixed_width_increasing(chunks: list[pa.Array]) -> bool:
    """Whether all ids have one width and are strictly increasing (then all are distinct); chunk by chunk."""
    width, last = None, None
    for c in chunks:
        if not pa.types.is_string(c.type) or c.null_count or len(c) == 0:
            if len(c):
                return False
            continue
        offs = np.frombuffer(c.buffers()[1], dtype=np.int32, count=len(c) + 1, offset=c.offset * 4)
        w = int(offs[1] - offs[0])
        if w == 0 or width not in (None, w) or int(offs[-1] - offs[0]) != w * len(c):
            return False
        if not (np.diff(offs) == w).all():
            return False
        width = w
        raw = np.frombuffer(c.buffers()[2], dtype=np.uint8, count=w * len(c), offset=int(offs[0])).reshape(len(c), w)
        if w <= 16:  # as two big-endian integers: integer order is byte order, and integers compare fast
            mat = np.zeros((len(c), 16), dtype=np.uint8)
            mat[:, :w] = raw
            v = mat.view(">u8").astype(np.uint64)
            hi, lo = v[:, 0], v[:, 1]
            up = (hi[1:] > hi[:-1]) | ((hi[1:] == hi[:-1]) & (lo[1:] > lo[:-1]))
            first, end = (int(hi[0]), int(lo[0])), (int(hi[-1]), int(lo[-1]))
        else:
            keys = raw.view(f"S{w}").ravel()
            up = keys[1:] > keys[:-1]
            first, end = bytes(keys[0]), bytes(keys[-1])  # type: ignore[assignment]  # bytes compare like the int pairs
        if not up.all() or (last is not None and not first > last):
            return False
        last = end
    return True


def _short_id_hashes(ids: pa.Array | pa.ChunkedArray) -> np.ndarray | None:
    """64-bit hashes of ids of at most 16 bytes, straight from Arrow's buffers (None: use the general path).

    Call ids are usually short and often fixed-width. Their bytes are packed into two
    big-endian integers per id. When those keys are strictly increasing (an export in
    id order) there is no duplicate and an empty array is returned without sorting;
    otherwise the keys are mixed into one hash. Collisions do no harm: candidates are
    compared exactly afterwards.
    """
    chunks = ids.chunks if isinstance(ids, pa.ChunkedArray) else [ids]
    if _fixed_width_increasing(chunks):
        return np.zeros(0, np.uint64)
    packed = []
    for c in chunks:
        if not pa.types.is_string(c.type):
            return None
        n = len(c)
        if n == 0:
            continue
        offs = np.frombuffer(c.buffers()[1], dtype=np.int32, count=n + 1, offset=c.offset * 4)
        data = np.frombuffer(c.buffers()[2], dtype=np.uint8) if c.buffers()[2] is not None else np.zeros(1, np.uint8)
        lens = np.diff(offs)
        w = int(lens.max())
        if w > 16:
            return None
        mat = np.zeros((n, 16), dtype=np.uint8)
        if w and (lens == w).all():
            mat[:, :w] = data[offs[0]:offs[-1]].reshape(n, w)
        elif w:
            idx = offs[:-1, None] + np.arange(w)[None, :]
            np.minimum(idx, data.size - 1, out=idx)
            mat[:, :w] = np.where(np.arange(w)[None, :] < lens[:, None], data[idx], 0)
        v = mat.view(">u8").astype(np.uint64)  # big-endian: integer order is byte order
        packed.append((v[:, 0], v[:, 1], lens.astype(np.uint64)))
    if not packed:
        return np.zeros(0, np.uint64)
    hi = np.concatenate([p[0] for p in packed])
    lo = np.concatenate([p[1] for p in packed])
    if (hi[1:] > hi[:-1]).all() or ((hi[1:] > hi[:-1]) | ((hi[1:] == hi[:-1]) & (lo[1:] > lo[:-1]))).all():
        return np.zeros(0, np.uint64)  # strictly increasing: all distinct
    lens = np.concatenate([p[2] for p in packed])
    k1, k2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)
    with np.errstate(over="ignore"):
        h = (hi * k1) ^ ((lo + lens) * k2)
        h ^= h >> np.uint64(29)
    return h


def _short(v: Any) -> str:
    s = "" if v is None else str(v)
    if len(s) > 40:
        return Joined([repr(s[:40]) + "...", Message("errors.frag_cut", n=len(s))], " ")
    return repr(s)


def _report(problems: list[_Problem], source: str, label: Callable[[np.ndarray], Sequence[str]], n: int,
            total: int | None = None) -> InputError:
    """The InputError listing every problem of a log (``label``: 0-based rows -> their places, Messages)."""
    all_idx = np.unique(np.concatenate([p.rows[:_SHOW] for p in problems]))
    names = dict(zip(all_idx.tolist(), label(all_idx)))
    lines: list[Message] = []
    first_where = None
    for p in problems:
        k = int(p.count or p.rows.size)
        if p.what == "duplicate":
            groups = p.groups
            dup_names = dict(zip(sorted({i for _, v in groups[:_SHOW] for i in v}),
                                 label(np.array(sorted({i for _, v in groups[:_SHOW] for i in v})))))
            shown = Joined([Message("errors.frag_on_places", value=_short(key),
                                    places=Joined([dup_names[i] for i in rows], ", ")) for key, rows in groups[:_SHOW]],
                           "; ")
            lines.append(Message("errors.calllog_duplicates", g=len(groups), k=k, m=min(len(groups), _SHOW),
                                 shown=shown))
            first_where = first_where or Message("errors.frag_cell", where=dup_names[groups[0][1][1]], column="call_id")
            continue
        shown = Joined([Joined([names[int(i)], _short(v)], ": ") for i, v in zip(p.rows[:_SHOW], p.values)], "; ")
        if p.what:
            lines.append(Message("errors.calllog_bad_rows_why", column=p.column, k=k, reason=p.what, m=min(k, _SHOW),
                                 shown=shown, expected=p.expected))
        else:
            lines.append(Message("errors.calllog_bad_rows", column=p.column, k=k, m=min(k, _SHOW), shown=shown,
                                 expected=p.expected))
        first_where = first_where or Message("errors.frag_cell", where=names[int(p.rows[0])], column=p.column)
    if total is None:
        total = np.unique(np.concatenate([p.rows for p in problems])).size
    msg = Message("errors.calllog_rejected", total=total, n=n, problems=Joined(lines, "\n  - "))
    return InputError(msg, file=source, where=first_where)


def type_problems(schema: pa.Schema, source: str) -> None:
    """InputError naming every column whose type cannot hold its values (``schema`` has the documented names)."""
    bad = [Message("errors.calllog_wrong_type", column=c, type=str(schema.field(c).type),
                   expected=Message(f"errors.{_TYPE_EXPECT[c]}"))
           for c in COLUMNS if not _type_ok(c, schema.field(c).type)]
    if "call_type" in schema.names:
        t = schema.field("call_type").type
        if not (_type_ok("caller_consent", t) or pa.types.is_null(t)):
            bad.append(Message("errors.calllog_wrong_type", column="call_type", type=str(t),
                               expected=Message("errors.frag_type_text")))
    if bad:
        raise InputError(Message("errors.calllog_wrong_types", n=len(bad), problems=Joined(bad, "\n  - ")),
                         file=source)


#: The columns of a checked batch, as the analysis reads them (times: microseconds since 1970 UTC).
CLEAN_SCHEMA = pa.schema([("call_id", pa.string()), ("agent", pa.string()), ("team", pa.string()),
                          ("start_us", pa.int64()), ("duration_s", pa.float64()), ("recorded", pa.bool_()),
                          ("consent", pa.string()), ("deleted_us", pa.int64()), ("withdrawn_us", pa.int64()),
                          ("call_type", pa.string())])


def check_batch(table: pa.Table) -> tuple[list[_Problem], int, pa.Table | None]:
    """Check one batch (columns named as documented); (problems, bad rows, the clean batch or None).

    Row indices in the problems are 0-based within the batch. The clean batch has
    :data:`CLEAN_SCHEMA`: ids and teams trimmed, times as microseconds, consent and
    call type in their canonical spelling.
    """
    problems: list[_Problem] = []
    table = table.unify_dictionaries() if any(pa.types.is_dictionary(f.type) for f in table.schema) else table
    cols = {c: table[c].combine_chunks() for c in COLUMNS}
    agent, agents = _ids("agent", cols["agent"], problems)
    team, teams = _ids("team", cols["team"], problems)
    _ids("call_id", cols["call_id"], problems, codes=False)
    start = _times("start", cols["start"], problems, nullable=False)
    deleted = _times("deleted_at", cols["deleted_at"], problems, nullable=True)
    withdrawn = _times("consent_withdrawn_at", cols["consent_withdrawn_at"], problems, nullable=True)
    duration = _duration(cols["duration_s"], problems)
    recorded = _recorded(cols["recorded"], problems)
    consent = _consent(cols["caller_consent"], problems)
    if problems:
        return problems, int(np.unique(np.concatenate([p.rows for p in problems])).size), None
    if "call_type" in table.column_names:
        codes, names = _call_types(table["call_type"].combine_chunks())
        ctype = pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0).cast(pa.int32()),
                                               pa.array(names, pa.string())).cast(pa.string())
    else:
        ctype = pa.nulls(table.num_rows, pa.string())
    ids = cols["call_id"]
    ids = ids.cast(pa.string()) if not _is_text(ids) or pa.types.is_dictionary(ids.type) else ids

    def names_of(codes: np.ndarray, names: list[str]) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(names, pa.string())).cast(pa.string())

    def us(x: np.ndarray) -> pa.Array:
        return pa.array(x, pa.int64(), mask=x == NAT)

    clean = pa.table([ids.cast(pa.string()), names_of(agent, agents), names_of(team, teams), pa.array(start, pa.int64()),
                      pa.array(np.asarray(duration, np.float64)), pa.array(recorded, pa.bool_()),
                      pa.array(np.array(CONSENT_VALUES, dtype=object)[consent], pa.string()), us(deleted), us(withdrawn),
                      ctype], schema=CLEAN_SCHEMA)
    return [], 0, clean
