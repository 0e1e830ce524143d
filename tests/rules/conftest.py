"""Shared helpers for the reasoning tests: the scenario library in tests/scenarios/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def baseline() -> dict[str, Any]:
    """The complete "baseline good" answer set."""
    return yaml.safe_load((SCENARIOS / "_baseline.yaml").read_text(encoding="utf-8"))


def scenario_files() -> list[Path]:
    return sorted(p for p in SCENARIOS.glob("*.yaml") if not p.name.startswith("_"))


def load_scenario(path: Path) -> dict[str, Any]:
    """A scenario with its answers overlaid on the baseline (null removes an answer)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    juris = data["jurisdictions"]
    assert all(j in ("EU", "SE", "NO") for j in juris), f"{path.name}: jurisdictions {juris!r} (quote \"NO\")"
    answers = baseline()
    for k, v in (data.get("answers") or {}).items():
        if v is None:
            answers.pop(k, None)
        else:
            answers[k] = v
    data["merged"] = answers
    return data


@pytest.fixture(scope="session")
def scenario_lib() -> Any:
    """Access to the helpers above as a fixture (test modules cannot import conftest)."""

    class Lib:
        pass

    lib = Lib()
    lib.baseline = baseline
    lib.load_scenario = load_scenario
    lib.scenario_files = scenario_files
    lib.templates = TEMPLATES
    return lib


@pytest.fixture()
def base_answers() -> dict[str, Any]:
    """A fresh copy of the baseline good answers."""
    return baseline()
