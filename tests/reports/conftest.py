"""Fixtures for the report tests: a copy of the templates, a workspace with the example, warm kernels.

Rendering is the slow part (a kernel per worker, Chromium for the PDF), so one
kernel pool serves the whole session and the example is rendered once; tests
that change files work on copies of that report folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from lia.errors import LiaError
from lia.paths import templates_dir
from lia.workspace import Workspace


@pytest.fixture(scope="session")
def templates_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the real templates folder (tests may change it)."""
    dst = tmp_path_factory.mktemp("templates") / "templates"
    shutil.copytree(templates_dir(), dst)
    return dst


@pytest.fixture(scope="session")
def pool(templates_copy: Path) -> Iterator[Any]:
    """One warm kernel shared by every render of the session."""
    from lia.reports.engine import KernelPool

    p = KernelPool(1, preload_templates=templates_copy)
    p.open()
    yield p
    p.close()


def make_workspace(root: Path, templates: Path) -> Workspace:
    """A workspace holding the example assessment (all its versions)."""
    import os

    from lia.example import ensure_example

    root.mkdir(parents=True, exist_ok=True)
    old = os.environ.get("LIA_TEMPLATES")
    os.environ["LIA_TEMPLATES"] = str(templates)
    try:
        ws = Workspace(root)
        ensure_example(ws)
    finally:
        if old is None:
            os.environ.pop("LIA_TEMPLATES", None)
        else:
            os.environ["LIA_TEMPLATES"] = old
    return ws


def add_assessment(ws: Workspace, aid: str, templates: Path, **meta: Any) -> None:
    """A new assessment with the example's newest answers and the given metadata."""
    import os

    from lia.example import EXAMPLE_ID
    from lia.store import Store

    old = os.environ.get("LIA_TEMPLATES")
    os.environ["LIA_TEMPLATES"] = str(templates)
    try:
        store = Store(ws)
        head = store.load(EXAMPLE_ID)
        m = {**head.assessment, "id": aid, "status": "draft", **meta}
        status = m.pop("status")
        store.create({**m, "status": "draft"}, author="Test", message="created for a test",
                     answers=head.answers)
        if status != "draft":
            store.save(aid, head.answers, assessment={"status": status}, author="Test", message=f"set {status}")
    finally:
        if old is None:
            os.environ.pop("LIA_TEMPLATES", None)
        else:
            os.environ["LIA_TEMPLATES"] = old


def render_one(ws: Workspace, aid: str, templates: Path, pool: Any, pdf: bool = False,
               version: int | None = None, lang: str = "en") -> Path:
    """Render one report on the shared pool; returns its folder."""
    from lia.reports.render import RenderJob, render_many

    res = render_many(ws, [RenderJob(aid, version, lang)], templates=templates, pool=pool, pdf=pdf,
                      progress=False)[0]
    if res.error or res.dir is None:
        raise LiaError(res.error or "no report")
    return res.dir


@pytest.fixture(scope="session")
def example_ws(tmp_path_factory: pytest.TempPathFactory, templates_copy: Path) -> Workspace:
    """A session workspace with the example assessment."""
    return make_workspace(tmp_path_factory.mktemp("example") / "ws", templates_copy)


@pytest.fixture(scope="session")
def example_report(example_ws: Workspace, templates_copy: Path, pool: Any) -> Path:
    """The example's report, rendered once with its PDF. Do not modify: copy it first."""
    from lia.example import EXAMPLE_ID

    return render_one(example_ws, EXAMPLE_ID, templates_copy, pool, pdf=True)


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory, example_ws: Workspace) -> dict[str, Path]:
    """An assessor key and a DPO key (passphrase-protected), trusted in the example workspace."""
    from lia.reports.keylog import new_key
    from lia.reports.keys import load_private_key

    out = tmp_path_factory.mktemp("keys")
    a = new_key(example_ws, "anna", "assessor", out)  # the first key: the root of the key log, pinned
    d = new_key(example_ws, "karin", "dpo", out, passphrase=b"correct horse",
                signed_by=load_private_key(Path(a["private_key"])))
    return {"assessor": Path(a["private_key"]), "dpo": Path(d["private_key"])}
