"""pyproject.toml is the single source of dependencies; environment.yml must say the same."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI's
CONDA_NAMES = {"duckdb": "python-duckdb"}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", req.strip())
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_split(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    wanted = {CONDA_NAMES.get(k, k): v for k, v in wanted.items()}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    have = dict(_split(d) for d in env["dependencies"] if isinstance(d, str))
    have.pop("pip", None)
    have.pop("python", None)
    missing = sorted(set(wanted) - set(have))
    extra = sorted(set(have) - set(wanted))
    differ = sorted(k for k in set(wanted) & set(have) if wanted[k] != have[k])
    assert not missing, f"in pyproject.toml but not environment.yml: {missing}"
    assert not extra, f"in environment.yml but not pyproject.toml: {extra}"
    assert not differ, f"version constraints differ: {[(k, wanted[k], have[k]) for k in differ]}"


def test_python_version_agrees() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    py = [d for d in env["dependencies"] if isinstance(d, str) and re.match(r"^python\b[^-]", d)]
    assert py == ["python" + project["requires-python"]]


def test_console_script_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["lia"] == "lia.cli:main"


def test_papermill_engine_entry_point_names_the_warm_engine() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    target = project["entry-points"]["papermill.engine"]["lia-warm"]
    module, _, attr = target.partition(":")
    import importlib

    from papermill.engines import Engine

    engine = getattr(importlib.import_module(module), attr)
    assert issubclass(engine, Engine)
