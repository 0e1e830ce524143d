"""The committed page script is built from the committed sources, and the pages use it.

``templates/jupyter/voila/templates/lia/static/lia-page/`` is built from ``frontend/`` by
``make frontend`` (esbuild); the build writes the SHA-256 of its inputs to BUILD.json. A
change to the sources without a rebuild (or a hand edit of the bundle's inputs) fails here,
so the served script never silently differs from the code that is reviewed.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend"
STATIC = ROOT / "templates" / "jupyter" / "voila" / "templates" / "lia" / "static" / "lia-page"
TEMPLATE = ROOT / "templates" / "jupyter" / "voila" / "templates" / "lia" / "index.html.j2"


def source_hash() -> str:
    """The same digest as ``sourceHash()`` in frontend/build.mjs."""
    h = hashlib.sha256()
    files = ["package.json", "package-lock.json", "build.mjs"]
    files += [f"src/{p.name}" for p in sorted((FRONTEND / "src").iterdir(), key=lambda p: p.name)]
    for f in files:
        h.update(f.encode() + b"\0")
        h.update((FRONTEND / f).read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def test_bundle_is_built_from_the_committed_sources() -> None:
    build = json.loads((STATIC / "BUILD.json").read_text())
    assert build["source_sha256"] == source_hash(), (
        "frontend/ changed since lia-page.js was built: run `make frontend` and commit the result")
    for name in build["outputs"]:
        assert (STATIC / name).is_file(), f"{name} is named in BUILD.json but missing"


def test_template_loads_the_page_script_and_not_jupyterlab() -> None:
    text = TEMPLATE.read_text()
    assert 'include_js("static/lia-page/lia-page.js")' in text
    assert 'include_css("static/lia-page/lia-page.css")' in text
    assert "voila_setup_labextensions" not in text.replace("{#", "").split("#}")[-1]
    assert "voila-style.js" not in text


def test_icon_font_is_served_locally_and_only_woff2() -> None:
    css = (STATIC / "lia-page.css").read_text()
    urls = re.findall(r"url\(([^)]+)\)", css)
    assert urls, "the icon font must be referenced"
    for u in urls:
        u = u.strip("'\"")
        assert not re.match(r"^[a-z]+://|^//", u), f"{u} would load from another host"
        if not u.startswith("data:"):
            assert (STATIC / u.lstrip("./")).is_file(), f"{u} is referenced but not shipped"
