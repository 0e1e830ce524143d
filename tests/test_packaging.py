"""pyproject.toml is the single source of dependencies; environment.yml and the lock must agree with it.

* environment.yml (conda users) lists the same packages with the same ranges;
* what lib/lia imports is declared, and what is declared for the workbench is used by it (bench-only
  and test-only packages live in their extras);
* constraints.txt (the lock) pins every declared package to one version inside its range, and
  ``make run``/``make test``/``make lint`` install from it; .ci/run lints and then runs the tests.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "constraints.txt"
#: Declared for the workbench but never imported by lib/lia, and why.
NOT_IMPORTED = {
    "ipykernel": "the kernel Voila, papermill and the warm engine start",
    "jupyterlab": "bounds @jupyterlab/services, which the page script bundles",
    "nbclient": "papermill's executor, which the warm engine drives",
}
# conda-forge names that differ from PyPI's
CONDA_NAMES = {"duckdb": "python-duckdb"}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", req.strip())
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = [r for reqs in project["optional-dependencies"].values() for r in reqs]
    wanted = dict(_split(r) for r in project["dependencies"] + extras)
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


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _imports(folder: Path) -> set[str]:
    """Top-level modules imported anywhere under *folder* (also inside functions)."""
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    local = {p.stem for p in folder.glob("*.py")}  # sibling modules (bench_visitors imports bench_wizard)
    return found - set(sys.stdlib_module_names) - {"lia", "__future__"} - local


def _distributions(modules: set[str]) -> dict[str, str]:
    """module -> its (canonical) distribution name, from the installed packages."""
    owners = importlib.metadata.packages_distributions()
    out = {}
    for m in sorted(modules):
        assert m in owners, f"{m} is imported but no installed distribution provides it"
        out[m] = canonicalize_name(owners[m][0])
    return out


def _names(reqs: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in reqs}


def test_what_lib_imports_is_declared_and_what_is_declared_is_used() -> None:
    project = _project()
    declared = _names(project["dependencies"])
    used = set(_distributions(_imports(ROOT / "lib" / "lia")).values())
    assert not sorted(used - declared), f"lib/lia imports packages pyproject.toml does not declare: {sorted(used - declared)}"
    unused = declared - used - set(NOT_IMPORTED)
    assert not unused, (f"declared in [project] dependencies but never imported by lib/lia: {sorted(unused)}; "
                        "move it to the extra that needs it, or say in NOT_IMPORTED why the workbench needs it")


def test_bench_imports_are_declared_in_the_bench_extra() -> None:
    project = _project()
    declared = _names(project["dependencies"] + project["optional-dependencies"]["bench"])
    used = set(_distributions(_imports(ROOT / "bench")).values())
    assert not sorted(used - declared), f"bench/ imports undeclared packages: {sorted(used - declared)}"


def _lock() -> dict[str, str]:
    pins: dict[str, str] = {}
    for n, line in enumerate(LOCK.read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        assert m, f"constraints.txt line {n}: expected name==version, got {line!r}"
        name = canonicalize_name(m.group(1))
        assert name not in pins, f"constraints.txt line {n}: {name} is pinned twice"
        pins[name] = m.group(2)
    return pins


def test_lock_pins_every_declared_package_inside_its_range() -> None:
    project = _project()
    pins = _lock()
    assert "lia-workbench" not in pins, "the lock must not pin the workbench itself"
    extras = [r for reqs in project["optional-dependencies"].values() for r in reqs]
    for req in map(Requirement, project["dependencies"] + extras):
        name = canonicalize_name(req.name)
        assert name in pins, f"{name} is declared in pyproject.toml but not pinned in constraints.txt"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]}, outside pyproject.toml's {req.specifier}")


def test_make_installs_from_the_lock_and_ci_lints_then_tests() -> None:
    make = (ROOT / "Makefile").read_text()
    assert re.search(r"^LOCK := constraints\.txt$", make, re.M)
    stamp = re.search(r"^\$\(STAMP\):(.*)$", make, re.M)
    assert stamp, "the Makefile has no $(STAMP) rule"
    assert {"$(LOCK)", "pyproject.toml"} <= set(stamp.group(1).split()), "a changed lock or pyproject must reinstall"
    recipe = make[stamp.end():].split("\n\n", 1)[0]
    installs = [ln for ln in recipe.splitlines() if "pip install" in ln]
    assert installs and all("-c $(LOCK)" in ln for ln in installs), installs
    for target in ("run", "test", "lint"):
        assert re.search(rf"^{target}:.*\binstall\b", make, re.M), f"make {target} must install (from the lock) first"
    ci = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert "set -euo pipefail" in ci, "a failing lint must fail CI"
    assert "make lint" in ci and ci[-1] == "make test" and ci.index("make lint") < len(ci) - 1


def test_paths_prefer_the_installed_package_data_then_the_checkout(tmp_path: Path, monkeypatch) -> None:
    """An installed wheel reads lia/_data/; a checkout its top-level folders; LIA_* variables win over both."""
    from lia import paths

    monkeypatch.delenv("LIA_TEMPLATES", raising=False)
    monkeypatch.delenv("LIA_NOTEBOOKS", raising=False)
    assert paths.templates_dir() == ROOT / "templates"
    assert paths.notebooks_dir() == ROOT / "notebooks"

    site = tmp_path / "site-packages" / "lia"
    (site / "_data" / "templates").mkdir(parents=True)
    (site / "_data" / "notebooks").mkdir(parents=True)
    monkeypatch.setattr(paths, "_HERE", site / "paths.py")
    assert paths.templates_dir() == site / "_data" / "templates"
    assert paths.notebooks_dir() == site / "_data" / "notebooks"

    monkeypatch.setenv("LIA_TEMPLATES", str(ROOT / "templates"))
    monkeypatch.setenv("LIA_NOTEBOOKS", str(tmp_path))
    assert paths.templates_dir() == ROOT / "templates"
    assert paths.notebooks_dir() == tmp_path


def test_installed_package_without_its_data_says_what_to_do(tmp_path: Path, monkeypatch) -> None:
    from lia import paths
    from lia.errors import LiaError

    monkeypatch.delenv("LIA_TEMPLATES", raising=False)
    monkeypatch.setattr(paths, "_HERE", tmp_path / "lib" / "python3" / "site-packages" / "lia" / "paths.py")
    try:
        paths.templates_dir()
    except LiaError as exc:
        assert "does not exist" in str(exc) and "LIA_TEMPLATES" in str(exc) and "reinstall" in str(exc)
    else:
        raise AssertionError("a missing templates folder must be a LiaError")
