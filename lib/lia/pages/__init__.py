"""The workbench's Voila pages, in one home: the assessment wizard (:mod:`lia.pages.wizard`), the
portfolio, the report viewer, the works-council page and the access page.

Every page is built from the same furniture (:mod:`lia.pages.furniture`: the header band with the
workbench's name, links between the pages that keep the assessment and the language, the language
switch; :mod:`lia.pages.style`: one style sheet; :mod:`lia.pages.charts`: SVG charts in the page's
language). The notebooks in ``notebooks/`` only call a builder here and :func:`serve_request`.

=====================  ==============================  =====================================
page                   notebook                        module
=====================  ==============================  =====================================
wizard                 ``wizard.ipynb``                :mod:`lia.pages.wizard`
portfolio              ``portfolio.ipynb``             :mod:`lia.pages.portfolio`
report viewer          ``report_viewer.ipynb``         :mod:`lia.pages.viewer`
works council          ``works_council.ipynb``         :mod:`lia.pages.works_council`
access                 ``access.ipynb``                :mod:`lia.pages.access`
=====================  ==============================  =====================================

What the portfolio and viewer show is computed in :mod:`lia.dashboards` (rows, report checks,
caches), the works council's and access page's in :mod:`lia.periods` and :mod:`lia.access`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_portfolio", "build_viewer", "build_works_council", "build_access", "ready_message",
           "serve_request", "warm_up"]


def build_portfolio(home: Any = None, lang: str | None = None, **kwargs: Any) -> Any:
    """The portfolio page for the workspace ``home`` (``LIA_HOME``, else the current folder)."""
    from .portfolio import PortfolioPage

    return PortfolioPage(home, lang, **kwargs)


def build_viewer(home: Any = None, lang: str | None = None, **kwargs: Any) -> Any:
    """The report viewer page for the workspace ``home``."""
    from .viewer import ViewerPage

    return ViewerPage(home, lang, **kwargs)


def build_works_council(home: Any = None, lang: str | None = None, **kwargs: Any) -> Any:
    """The works-council page for the workspace ``home``."""
    from .works_council import WorksCouncilApp

    return WorksCouncilApp(home, lang, **kwargs)


def build_access(home: Any = None, lang: str | None = None, **kwargs: Any) -> Any:
    """The access page for the workspace ``home``."""
    from .access import AccessApp

    return AccessApp(home, lang, **kwargs)


def warm_up(page: Any = None) -> None:
    """Pay the start-up costs before the request: import pandas and altair, start vl-convert,
    and (given the portfolio ``page``) fill the workspace's cache, so that at request time
    only what changed since is evaluated or verified again."""
    import altair as alt
    import pandas as pd

    from .charts import chart_svg

    chart_svg(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"))
    if page is not None and hasattr(page, "prefetch"):
        page.prefetch()


def ready_message(page: Any) -> str:
    """What a preheated kernel of this page logs once it waits for a visitor."""
    return str(page.READY_MESSAGE)


def serve_request(page: Any, *, defer: bool = True) -> None:
    """Wait for the browser's request (preheated Voila kernel), then apply its query string.

    Voila runs a preheated notebook before anyone asks for it; the request's query
    string reaches the kernel as the ``QUERY_STRING`` environment variable only after
    :func:`voila.utils.wait_for_request` returns. Outside Voila (or without preheating)
    that returns at once and ``QUERY_STRING`` is whatever Voila set when it started the
    kernel for this request.

    Voila sends the rest of the page (and the JavaScript that shows the widgets) only
    when this cell has finished, so with ``defer`` the page's work (collecting,
    verifying, drawing) runs right after the cell, on the kernel's event loop: the
    browser loads the page meanwhile and the widgets fill in when the work is done.
    """
    from ..kernel import serve_request as serve

    serve(page.apply_request, ready_message(page), on_error=getattr(page, "show_error", None), defer=defer)
