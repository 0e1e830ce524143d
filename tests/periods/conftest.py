"""Fixtures for the recording-period tests: templates with the periods questions, small logs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

@pytest.fixture
def ptemplates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A templates folder with the periods/retention questions and the real i18n catalogues."""
    tpl = tmp_path / "templates"
    (tpl / "questionnaires").mkdir(parents=True)
    shutil.copy(HERE / "fixtures" / "questionnaires" / "periods_mini.yaml", tpl / "questionnaires")
    shutil.copytree(ROOT / "templates" / "i18n", tpl / "i18n")
    monkeypatch.setenv("LIA_TEMPLATES", str(tpl))
    return tpl
