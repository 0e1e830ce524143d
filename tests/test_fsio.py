"""One atomic write (issue 13): temporary file in the same folder, fsync, rename, fsync of the folder."""

from __future__ import annotations

import os

import pytest

from lia import fsio


def _left(folder):
    return sorted(p.name for p in folder.iterdir())


def test_writes_text_and_bytes_whole_and_replaces(tmp_path):
    p = tmp_path / "sub" / "a.json"
    assert fsio.atomic_write(p, "första\n") == p and p.read_text(encoding="utf-8") == "första\n"
    fsio.atomic_write(p, b"\x00\x01")
    assert p.read_bytes() == b"\x00\x01" and _left(p.parent) == ["a.json"]


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    p = tmp_path / "log.parquet"
    p.write_bytes(b"old")

    def half(tmp):
        tmp.write_bytes(b"half a file")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        fsio.atomic_write_with(p, half)
    assert p.read_bytes() == b"old" and _left(tmp_path) == ["log.parquet"]


def test_a_failing_writer_creates_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        fsio.atomic_write_with(tmp_path / "new.csv", lambda tmp: (_ for _ in ()).throw(KeyboardInterrupt()))
    assert _left(tmp_path) == []


def test_the_temporary_file_is_beside_the_target_with_its_suffix(tmp_path):
    seen = []
    fsio.atomic_write_with(tmp_path / "x.parquet", lambda tmp: (seen.append(tmp), tmp.write_bytes(b"1")))
    assert seen[0].parent == tmp_path and seen[0].name.startswith(".tmp-") and seen[0].suffix == ".parquet"


def test_exclusive_never_replaces(tmp_path):
    p = tmp_path / "0001.json"
    fsio.atomic_write(p, "first", exclusive=True)
    with pytest.raises(FileExistsError):
        fsio.atomic_write(p, "second", exclusive=True)
    assert p.read_text() == "first" and _left(tmp_path) == ["0001.json"]


def test_the_folder_is_fsynced_after_the_rename(tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(fsio.os, "fsync", lambda fd: (synced.append(os.readlink(f"/proc/self/fd/{fd}")), real(fd)))
    p = tmp_path / "a.txt"
    fsio.atomic_write(p, "x")
    assert synced[-1] == str(tmp_path) and synced[0].startswith(str(tmp_path / ".tmp-"))


def test_remove(tmp_path):
    p = tmp_path / "e.json"
    p.write_text("{}")
    assert fsio.remove(p) is True and not p.exists() and fsio.remove(p) is False


def test_every_writer_uses_it():
    """The store, the evidence files and the synthetic logs write through lia.fsio; none keeps its own."""
    from pathlib import Path

    import lia

    lib = Path(lia.__file__).parent
    for rel in ("store.py", "periods/evidence.py", "access/evidence.py", "periods/synth.py", "access/synth.py",
                "periods/charts.py"):
        src = (lib / rel).read_text(encoding="utf-8")
        assert "os.replace" not in src and "os.fsync" not in src and "_fsync_dir" not in src, rel
