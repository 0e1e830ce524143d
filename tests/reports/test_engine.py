"""The lia-warm engine: warm kernels are reused, and nothing of one notebook is visible to the next."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest


def _nb(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def _text(nb) -> str:  # type: ignore[no-untyped-def]
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def test_state_of_one_notebook_is_not_visible_in_the_next(tmp_path: Path) -> None:
    import papermill as pm

    from lia.reports.engine import KernelPool

    first = _nb(tmp_path / "first.ipynb",
                "secret_answers = {'union.position': 'opposes'}\n"
                "import os, sys, pandas\n"
                "os.environ['LIA_LEAK'] = '1'\nsys.path.append('/leak')\n"
                "pandas.set_option('display.max_rows', 3)\n"
                "import lia.reports.html\nlia.reports.html._LEAK = True\n"
                "print('pid', os.getpid())")
    second = _nb(tmp_path / "second.ipynb",
                 "import os, sys, pandas\n"
                 "print('pid', os.getpid())\n"
                 "print('visible' if 'secret_answers' in dir() else 'not visible')\n"
                 "print('env', os.environ.get('LIA_LEAK'))\n"
                 "print('path', '/leak' in sys.path)\n"
                 "print('rows', pandas.get_option('display.max_rows'))\n"
                 "import lia.reports.html\nprint('module', getattr(lia.reports.html, '_LEAK', False))")
    with KernelPool(1) as pool:  # one kernel: the second notebook runs where the first one ran
        a = pool.submit(pm.execute_notebook, str(first), None, engine_name="lia-warm", progress_bar=False).result()
        b = pool.submit(pm.execute_notebook, str(second), None, engine_name="lia-warm", progress_bar=False).result()
        restarts = pool.restarts
    out_a, out_b = _text(a), _text(b)
    assert out_a.split()[1] == out_b.split()[1], "the kernel was not reused"
    assert restarts == 0
    assert "not visible" in out_b
    assert "env None" in out_b and "path False" in out_b and "rows 60" in out_b and "module False" in out_b
    assert b.cells[0].execution_count == 1  # counts restart at 1, as in a fresh kernel


@pytest.mark.parametrize("smuggle, check", [
    # a name put into builtins survives %reset
    ("import builtins\nbuiltins.smuggled = 1", "smuggled"),
    # an attribute added to a lia module that stays imported between notebooks (lia.questionnaire)
    ("import lia.questionnaire\nlia.questionnaire.smuggled = 1", "__import__('lia.questionnaire').questionnaire.smuggled"),
])
def test_a_kernel_whose_state_cannot_be_reset_is_replaced(tmp_path: Path, smuggle: str, check: str) -> None:
    import papermill as pm

    from lia.reports.engine import KernelPool

    sneaky = _nb(tmp_path / "sneaky.ipynb", f"{smuggle}\nimport os\nprint('pid', os.getpid())")
    probe = _nb(tmp_path / "probe.ipynb", "import os\nprint('pid', os.getpid())\n"
                f"try:\n    {check}\n    print('visible')\nexcept (NameError, AttributeError):\n"
                "    print('not visible')")
    with KernelPool(1) as pool:
        a = pool.submit(pm.execute_notebook, str(sneaky), None, engine_name="lia-warm", progress_bar=False).result()
        b = pool.submit(pm.execute_notebook, str(probe), None, engine_name="lia-warm", progress_bar=False).result()
        assert pool.restarts == 1
    assert _text(a).split()[1] != _text(b).split()[1]
    assert "not visible" in _text(b)


def test_pool_runs_notebooks_on_several_kernels_at_once(tmp_path: Path) -> None:
    import papermill as pm

    from lia.reports.engine import KernelPool

    # Each notebook announces itself and waits for the other: run one after the other, the first
    # would time out; run side by side, both finish.
    def rendezvous(me: str, other: str) -> str:
        return (f"import os, time, pathlib\npathlib.Path({str(tmp_path / me)!r}).touch()\n"
                f"t = time.time()\nwhile not os.path.exists({str(tmp_path / other)!r}):\n"
                f"    assert time.time() - t < 60, 'the other notebook never ran at the same time'\n"
                f"    time.sleep(0.05)\nprint('pid', os.getpid())")

    a = _nb(tmp_path / "a.ipynb", rendezvous("a.flag", "b.flag"))
    b = _nb(tmp_path / "b.ipynb", rendezvous("b.flag", "a.flag"))
    with KernelPool(2) as pool:
        futs = [pool.submit(pm.execute_notebook, str(nb), None, engine_name="lia-warm", progress_bar=False)
                for nb in (a, b)]
        pids = {_text(f.result()).split()[1] for f in futs}
    assert len(pids) == 2


def test_python_files_in_the_working_folder_do_not_run_in_the_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12, item 19: a workspace with ``ipykernel_launcher.py`` (or ``pandas.py``) in it
    must not get that code run when a report is rendered from there."""
    import papermill as pm

    from lia.reports.engine import KernelPool

    workspace = tmp_path / "workspace"
    workspace.mkdir()
    ran = tmp_path / "hijacked"
    for module in ("ipykernel_launcher", "pandas", "evil_helper"):
        (workspace / f"{module}.py").write_text(f"open({str(ran)!r}, 'a').write({module!r} + '\\n')\n")
    nb = _nb(workspace / "report.ipynb",
             "import sys, os, pandas, importlib.util\n"
             "print('cwd', os.getcwd())\n"
             "print('pandas', pandas.__file__)\n"
             "print('helper', importlib.util.find_spec('evil_helper'))")
    monkeypatch.chdir(workspace)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([".", os.environ.get("PYTHONPATH", "")]))
    with KernelPool(1) as pool:
        out = _text(pool.submit(pm.execute_notebook, str(nb), None, engine_name="lia-warm", progress_bar=False).result())
    assert not ran.exists(), f"code from the working folder ran: {ran.read_text()}"
    assert "site-packages" in out.split("pandas ")[1].split()[0]
    assert "helper None" in out


def test_engine_is_registered_with_papermill() -> None:
    from papermill.engines import papermill_engines

    from lia.reports.engine import WarmEngine, register

    register()
    assert papermill_engines.get_engine("lia-warm") is WarmEngine


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_report_headings_follow_the_language(lang: str, example_ws, templates_copy, pool) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from lia.example import EXAMPLE_ID
    from lia.i18n import text
    from lia.loaders import load_data_file

    from .conftest import render_one

    labels = load_data_file(templates_copy / "i18n" / "reports.yaml")
    d = render_one(example_ws, EXAMPLE_ID, templates_copy, pool, lang=lang)
    try:
        html = (d / "report.html").read_text()
        assert f'<html lang="{lang}">' in html
        for key in ("section.findings", "section.union", "section.provenance", "report.kind"):
            assert text(labels[key], lang) in html
        assert text(labels["section.provenance"], "en") not in html
    finally:
        shutil.rmtree(d)


def test_a_warm_kernel_serves_report_after_report_without_being_replaced(tmp_path: Path, templates_copy: Path) -> None:
    """Rendering a report must leave the kernel's kept lia modules as they were: a kept module whose
    name was rebound (the tool versions cache once was) made every reset fail, and the batch
    started a new kernel (seconds of imports) for every report."""
    from lia.example import EXAMPLE_ID
    from lia.reports.engine import KernelPool

    from .conftest import make_workspace, render_one

    ws = make_workspace(tmp_path / "ws", templates_copy)
    with KernelPool(1, preload_templates=templates_copy) as pool:
        render_one(ws, EXAMPLE_ID, templates_copy, pool, version=3)
        render_one(ws, EXAMPLE_ID, templates_copy, pool, version=4)
        assert pool.restarts == 0, [k.last_dirty for k in getattr(pool, "_kernels", [])]
