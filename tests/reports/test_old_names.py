"""The old module names (lia.report, lia.signing, lia.changes, lia.engine) only hand over to lia.reports.

The pages, the wizard and installs whose papermill entry point says ``lia.engine:WarmEngine``
still use them; they must never grow logic of their own again (that is how report.py and
signing.py came to import each other).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parents[2] / "lib" / "lia"


@pytest.mark.parametrize("name", ["report", "signing", "changes", "engine"])
def test_an_old_name_holds_no_code_of_its_own(name: str) -> None:
    tree = ast.parse((LIB / f"{name}.py").read_text(encoding="utf-8"))
    defs = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    assert defs == (["__getattr__"] if name == "engine" else []), defs
    imports = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module not in ("__future__", "typing")]
    assert all(n.level == 1 and (n.module or "").startswith("reports") for n in imports)


@pytest.mark.parametrize("name", ["report", "signing", "changes"])
def test_an_old_name_gives_the_same_objects(name: str) -> None:
    old = importlib.import_module(f"lia.{name}")
    for attr in old.__all__:
        obj = getattr(old, attr)
        home = getattr(obj, "__module__", None)
        if home and home.startswith("lia."):
            assert home.startswith("lia.reports."), (attr, home)
            assert getattr(importlib.import_module(home), attr.lstrip("_") if attr == "_dir_key" else attr) is obj


def test_the_old_engine_name_is_the_same_engine() -> None:
    import lia.engine
    import lia.reports.engine

    assert lia.engine.KernelPool is lia.reports.engine.KernelPool
    assert lia.engine.ENGINE_NAME == "lia-warm"
