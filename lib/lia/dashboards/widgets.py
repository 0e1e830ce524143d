"""Moved: the portfolio and report viewer pages live in :mod:`lia.pages.portfolio` and
:mod:`lia.pages.viewer`, their strings, style and charts in :mod:`lia.pages.furniture`,
:mod:`lia.pages.style` and :mod:`lia.pages.charts`.

This name only re-exports the two pages, for code and tests written before the move.
"""

from lia.pages.furniture import Strings
from lia.pages.portfolio import PortfolioPage
from lia.pages.viewer import ViewerPage

__all__ = ["PortfolioPage", "ViewerPage", "Strings"]
