"""One evidence mechanism (issue 13): the call-log and the access-log evidence attach, digest and verify alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import lia
from lia import evidence as ev
from lia.errors import InputError


def test_neither_evidence_module_keeps_its_own_mechanism():
    lib = Path(lia.__file__).parent
    for rel in ("periods/evidence.py", "access/evidence.py"):
        src = (lib / rel).read_text(encoding="utf-8")
        for own in ("def _dumps", "class _V", "def parse_bytes", "def _now", "hashlib.sha256(", "atomic_write",
                    "from ..store"):
            assert own not in src, (rel, own)


def test_an_access_evidence_path_that_is_a_folder_is_refused_like_a_periods_one(tmp_path):
    from lia.access.evidence import read_evidence as read_access
    from lia.periods.evidence import read_evidence as read_periods

    (tmp_path / "e.json").mkdir()
    for read in (read_access, read_periods):
        with pytest.raises(InputError, match="is a folder"):
            read(tmp_path / "e.json")


@pytest.mark.parametrize("fmt, fragment", [(3, "written by a newer lia"), (1, "format 1 carries no digest"),
                                           ("2", "expected 2")])
def test_the_format_is_checked_with_what_to_do(tmp_path, fmt, fragment):
    v = ev.Validator(tmp_path / "periods.json")
    with pytest.raises(InputError, match=fragment) as ei:
        v.format({"kind": "k", "format": fmt}, "k", 2, "lia periods --attach")
    assert ei.value.where == "format" and str(ei.value).startswith(str(tmp_path / "periods.json"))


def test_dumps_writes_one_table_row_a_line_and_reads_back(tmp_path):
    doc = {"kind": "k", "tables": {"t": {"columns": ["a", "b"], "rows": [[1, "x"], [2, "y"]]},
                                   "empty": {"columns": ["a"], "rows": []}}}
    raw = ev.dumps(doc)
    assert b'      [1, "x"],\n      [2, "y"]\n' in raw and json.loads(raw) == doc
    assert ev.parse_bytes(raw, tmp_path / "x.json") == doc


@pytest.mark.parametrize("raw, fragment", [(b"", "is empty"), (b"{\x00}", "binary data"), (b"\xff{}", "not UTF-8")])
def test_parse_bytes_names_the_command_that_writes_the_file(tmp_path, raw, fragment):
    with pytest.raises(InputError, match=fragment) as ei:
        ev.parse_bytes(raw, tmp_path / "access.json", "lia access --attach")
    assert "lia access --attach" in str(ei.value)


def test_remove_evidence(tmp_path):
    p = tmp_path / "periods.json"
    assert ev.remove_evidence(p, lambda: "never") is None
    p.write_text("{}")

    def damaged():
        raise InputError("damaged", file=p)

    assert ev.remove_evidence(p, damaged) is None and not p.exists()
    p.write_text("{}")
    assert ev.remove_evidence(p, lambda: "old") == "old" and not p.exists()
    assert ev.file_sha256(p) is None
