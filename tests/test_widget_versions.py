"""The page script's widget code and the installed ipywidgets speak the same versions.

The pages do not load JupyterLab's widget manager: frontend/ bundles ``@jupyter-widgets/base``,
``base-manager`` and ``controls`` (and ``@jupyterlab/services``) into lia-page.js at the versions
frontend/package-lock.json resolves. The kernel side is the installed ipywidgets, whose own front end
(the ``jupyterlab_widgets`` lab extension) was built with particular versions of the same packages.
When the two part ways (an ipywidgets upgrade the lock let through, or a rebuilt bundle), a page can
fail to show its widgets with no error on the server. These tests fail first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCKFILE = ROOT / "frontend" / "package-lock.json"
WIDGET_PACKAGES = ("@jupyter-widgets/base", "@jupyter-widgets/base-manager", "@jupyter-widgets/controls")
#: @jupyter-widgets/controls major version -> the widget model version it implements (ipywidgets' side)
CONTROLS_MODEL_VERSION = {4: "1.5.0", 5: "2.0.0"}
BASE_MODEL_VERSION = {4: "1.2.0", 6: "2.0.0"}


def bundled() -> dict[str, str]:
    """Package -> version that lia-page.js bundles (frontend/package-lock.json)."""
    packages = json.loads(LOCKFILE.read_text())["packages"]
    return {k.removeprefix("node_modules/"): v["version"] for k, v in packages.items()
            if k.removeprefix("node_modules/") in (*WIDGET_PACKAGES, "@jupyterlab/services")}


def installed_widget_frontend() -> dict[str, str]:
    """Package -> version the installed ipywidgets' lab extension (jupyterlab_widgets) was built with."""
    from jupyter_core.paths import jupyter_path

    for base in jupyter_path("labextensions"):
        licences = Path(base) / "@jupyter-widgets" / "jupyterlab-manager" / "static" / "third-party-licenses.json"
        if licences.is_file():
            return {p["name"]: p["versionInfo"] for p in json.loads(licences.read_text())["packages"]}
    pytest.fail("the jupyterlab_widgets lab extension (a dependency of ipywidgets) is not installed")


def installed_jupyterlab_services() -> str:
    """The @jupyterlab/services version the installed JupyterLab is built with."""
    import jupyterlab

    meta = json.loads((Path(jupyterlab.__file__).parent / "static" / "package.json").read_text())
    return str(meta["resolutions"]["@jupyterlab/services"]).lstrip("~^")


def _major(v: str) -> int:
    return int(v.split(".")[0])


def _major_minor(v: str) -> tuple[int, int]:
    major, minor = v.split(".")[:2]
    return int(major), int(minor)


def test_bundled_widget_packages_are_the_installed_ipywidgets_front_end() -> None:
    ours, theirs = bundled(), installed_widget_frontend()
    for name in WIDGET_PACKAGES:
        assert name in ours, f"frontend/package-lock.json does not resolve {name}"
        assert name in theirs, f"the installed jupyterlab_widgets does not bundle {name}"
        assert ours[name] == theirs[name], (
            f"lia-page.js bundles {name} {ours[name]} but the installed ipywidgets' front end uses {theirs[name]}: "
            "pin frontend/package.json to the installed version and `make frontend`, or pin ipywidgets and "
            "jupyterlab_widgets in constraints.txt to the versions the page script was built for")


def test_bundled_widget_models_are_the_ones_the_kernel_sends() -> None:
    from ipywidgets import _version

    ours = bundled()
    controls, base = _major(ours["@jupyter-widgets/controls"]), _major(ours["@jupyter-widgets/base"])
    assert CONTROLS_MODEL_VERSION.get(controls) == _version.__jupyter_widgets_controls_version__, (
        f"@jupyter-widgets/controls {ours['@jupyter-widgets/controls']} (bundled) does not implement the "
        f"controls models {_version.__jupyter_widgets_controls_version__} the installed ipywidgets sends")
    assert BASE_MODEL_VERSION.get(base) == _version.__jupyter_widgets_base_version__, (
        f"@jupyter-widgets/base {ours['@jupyter-widgets/base']} (bundled) does not implement the "
        f"base models {_version.__jupyter_widgets_base_version__} the installed ipywidgets sends")


def test_bundled_jupyterlab_services_matches_the_installed_jupyterlab() -> None:
    ours = bundled()["@jupyterlab/services"]
    theirs = installed_jupyterlab_services()
    assert _major_minor(ours) == _major_minor(theirs), (
        f"lia-page.js bundles @jupyterlab/services {ours}, the installed JupyterLab is built with {theirs}")
