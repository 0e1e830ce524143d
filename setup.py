"""Build hook: the wheel carries the workbench's templates and Voila apps inside the package.

The repository keeps ``templates/`` and ``notebooks/`` at its top level as the one source. When a
wheel (or a regular, non-editable install) is built, ``build_py`` copies them to
``lia/_data/templates`` and ``lia/_data/notebooks``, where ``lia.paths`` looks first. An editable
install copies nothing: ``lia.paths`` then uses the checkout's folders. Everything else about the
package is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: top-level folder -> where it goes inside the package
DATA = {"templates": "lia/_data/templates", "notebooks": "lia/_data/notebooks"}
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ".DS_Store")


class BuildPyWithData(build_py):
    """``build_py`` that also copies the top-level data folders into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for source, target in DATA.items():
            src = ROOT / source
            if not src.is_dir():
                raise SystemExit(f"{src} is missing: the wheel would run without its {source}/")
            dst = Path(self.build_lib) / target
            if dst.exists():
                shutil.rmtree(dst)
            shutil.copytree(src, dst, ignore=IGNORE)


setup(cmdclass={"build_py": BuildPyWithData})
