"""lia - a workbench for legitimate-interest assessments and DPIAs of contact-centre call recording.

The package is imported by the command line at every start, so it stays light: heavy
libraries (pandas, altair, papermill, voila) are imported where they are used.
"""

from __future__ import annotations

from . import messages as _messages  # noqa: F401 - registers how coded messages (lia.errors.Message) are rendered

__all__ = ["__version__"]

__version__ = "0.1.0"
