"""Helpers for the reasoning tests (a uniquely named module: tests/conftest.py is the shared one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lia.loaders import load_data_file

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "scenarios"


def baseline() -> dict[str, Any]:
    """The complete "baseline good" answer set (tests/scenarios/_baseline.yaml)."""
    return load_data_file(SCENARIOS / "_baseline.yaml")


@pytest.fixture()
def base_answers() -> dict[str, Any]:
    """A fresh copy of the baseline good answers."""
    return baseline()
