"""Dashboards served by Voila: the portfolio of assessments and the signed report viewer.

``portfolio`` collects every assessment (cached by digests), ``viewer`` opens and
verifies one report, ``widgets`` lays out both pages, ``sources`` is the only module
that calls the reasoning and the report verification, ``demo`` makes synthetic
assessments for tests and benchmarks. The notebooks ``notebooks/portfolio.ipynb`` and
``notebooks/report_viewer.ipynb`` only call :func:`build_portfolio` /
:func:`build_viewer` and :func:`serve_request`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_portfolio", "build_viewer", "ready_message", "serve_request", "warm_up"]


def build_portfolio(home: Any = None, lang: str | None = None, **kwargs: Any) -> Any:
    """The portfolio page for the workspace ``home`` (``LIA_HOME``, else the current folder)."""
    from .widgets import PortfolioPage

    return PortfolioPage(home, lang, **kwargs)


def build_viewer(home: Any = None, lang: str | None = None, **kwargs: Any) -> Any:
    """The report viewer page for the workspace ``home``."""
    from .widgets import ViewerPage

    return ViewerPage(home, lang, **kwargs)


def warm_up(page: Any = None) -> None:
    """Pay the start-up costs before the request: import pandas and altair, start vl-convert,
    and (given the portfolio ``page``) fill the workspace's cache, so that at request time
    only what changed since is evaluated or verified again."""
    import altair as alt
    import pandas as pd

    from .widgets import chart_svg

    chart_svg(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"))
    if page is not None and hasattr(page, "prefetch"):
        page.prefetch()


def ready_message(page: Any) -> str:
    """What a preheated kernel of this page logs once it waits for a visitor."""
    return page.READY_MESSAGE


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
