"""Moved: the access page lives in :mod:`lia.pages.access` with the other pages (one home, one header).

This name only re-exports it, for code and tests written before the move; new code imports
:mod:`lia.pages.access`.
"""

from lia.pages.access import *  # noqa: F403
from lia.pages.access import __all__  # noqa: F401
