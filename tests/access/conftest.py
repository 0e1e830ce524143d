"""Shared fixtures for the access-log tests: a small synthetic call log written once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from lia.periods.synth import generate


@pytest.fixture(scope="session")
def calls_synth():
    """A half-year call log with declined callers recorded and a withdrawal not deleted in time (for planting)."""
    return generate(seed=3, weeks=20, inject=("declined_recorded", "withdrawal_not_deleted"))


@pytest.fixture(scope="session")
def calls_file(calls_synth, tmp_path_factory) -> Path:
    return calls_synth.write_parquet(tmp_path_factory.mktemp("calls") / "calls.parquet")
