"""The rules' content files load through one cache and one problem report (lia.rules.files)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import lia
from lia.errors import InputError
from lia.rules.files import FileCache, Texts, problem_report, validation_problems


def test_a_file_is_loaded_once_per_content_and_again_when_edited(tmp_path):
    loads = []
    cache = FileCache(lambda p: loads.append(p) or p.read_text())
    f = tmp_path / "sources.yaml"
    f.write_text("one")
    missing = InputError("the source registry is missing", file=f)
    assert cache.get(f, missing) == "one" and cache.get(f, missing) == "one" and len(loads) == 1
    f.write_text("two!")
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 1_000_000))
    assert cache.get(f, missing) == "two!" and len(loads) == 2
    with pytest.raises(InputError, match="the source registry is missing"):
        cache.get(tmp_path / "gone.yaml", InputError("the source registry is missing", file=tmp_path / "gone.yaml"))


def test_problem_report_and_validation_problems():
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as ei:
        Texts.model_validate({"en": "x", "sv": ""})
    lines = validation_problems(ei.value.errors(), "source gdpr")
    assert lines[0].startswith("source gdpr: sv: ") and "nb: Field required" in lines[1]
    assert problem_report("the weighing model", lines).startswith("2 problem(s) in the weighing model\n  - source gdpr")


def test_every_rules_loader_uses_the_one_cache_and_the_one_texts():
    rules = Path(lia.__file__).parent / "rules"
    for name in ("packs.py", "sources.py", "weighing.py", "dpia.py"):
        src = (rules / name).read_text(encoding="utf-8")
        assert "FileCache(" in src and "st_mtime_ns" not in src and "lru_cache" not in src, name
        assert "class Texts" not in src and "class _Texts" not in src, name
