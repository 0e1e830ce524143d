"""Moved: the works-council page lives in :mod:`lia.pages.works_council` with the other pages (one home, one header).

This name only re-exports it, for code and tests written before the move; new code imports
:mod:`lia.pages.works_council`.
"""

from lia.pages.works_council import *  # noqa: F403
from lia.pages.works_council import __all__  # noqa: F401
