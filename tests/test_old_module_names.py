"""Each page and each report step has one home; the names they had before the moves are gone.

``lia.wizard``, ``lia.periods.dashboard``, ``lia.access.dashboard`` and ``lia.dashboards.widgets``
were re-exports of ``lia.pages.*``; ``lia.report``, ``lia.signing``, ``lia.changes`` and
``lia.engine`` of ``lia.reports.*``. Two names for one thing let a test patch one and the code
read the other (a monkeypatched ``lia.report.render_many`` only worked while the wizard also
imported through the old name), and let the re-exports grow code of their own again (that is how
report.py and signing.py came to import each other). Nothing may import them, and they must not
come back.
"""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OLD = ("lia.wizard", "lia.periods.dashboard", "lia.access.dashboard", "lia.dashboards.widgets",
       "lia.report", "lia.signing", "lia.changes", "lia.engine")


@pytest.mark.parametrize("name", OLD)
def test_an_old_module_name_is_gone(name: str) -> None:
    assert importlib.util.find_spec(name) is None, f"{name} is back: import lia.pages.* / lia.reports.*"


def _package(path: Path) -> list[str]:
    """``lib/lia/commands/diff.py`` -> ``["lia", "commands"]`` (what a relative import starts from)."""
    rel = path.relative_to(ROOT / "lib").with_suffix("")
    return list(rel.parts[:-1])


def _imported(source: str, path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if ROOT / "lib" not in path.parents:
                    continue
                base = _package(path)[: len(_package(path)) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{a.name}" for a in node.names)
    return names


def _sources() -> list[tuple[Path, str]]:
    found = [(p, p.read_text(encoding="utf-8")) for folder in ("lib", "tests", "bench")
             for p in sorted((ROOT / folder).rglob("*.py"))]
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        found.append((nb, "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))))
    return found


def test_nothing_imports_an_old_module_name() -> None:
    offenders = sorted(f"{path.relative_to(ROOT)}: {name}" for path, source in _sources()
                       for name in _imported(source, path) if name in OLD)
    assert offenders == []
