"""The assessment wizard: a Voila page that walks a DPO through an assessment.

``state`` holds the model (no widgets), ``widgets`` one factory per question
type, ``app`` the page (joined from its parts: ``layout``, ``meta``, ``saving``,
``history``, ``panel``, ``reportbar``, over ``page.PageBase``), ``reasoning`` the
adapter to :mod:`lia.rules`.
The notebook ``notebooks/wizard.ipynb`` only calls :func:`build_app` and
:func:`serve_request`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_app", "serve_request", "WizardApp", "WizardState", "READY_MESSAGE"]

#: Logged by a preheated kernel once its page is built and waits for a visitor.
READY_MESSAGE = "wizard page preheated, waiting for a visitor"


def build_app(*args: Any, **kwargs: Any) -> Any:
    """Build the wizard page for a workspace; see :func:`lia.pages.wizard.app.build_app`."""
    from lia.pages.wizard.app import build_app as _build

    return _build(*args, **kwargs)


#: Modules a visitor's request imports on its way (seen in a profile of the request in a preheated kernel).
REQUEST_MODULES = ("lia.periods.evidence", "lia.periods.limits", "lia.periods.breaches", "lia.pages.wizard.actions",
                   "lia.reports.keys", "lia.reports.folders", "lia.commands.keys", "babel.dates", "babel.numbers")


def warm_request_path() -> None:
    """What a visitor's request would otherwise load while the page waits: the modules it imports, the
    time texts (``templates/i18n/reports.yaml``, parsed in about 0.1 s) and each language's calendar data."""
    import importlib
    from datetime import datetime, timezone

    from lia.i18n import LANGS, format_time

    try:
        for name in REQUEST_MODULES:
            importlib.import_module(name)
        now = datetime.now(timezone.utc)
        for lang in LANGS:
            format_time(now, lang)
    except Exception:  # warming up is an optimisation only
        pass


def serve_request(app: Any) -> None:
    """Apply the HTTP request to *app* (author header, ``?assessment=``, ``?lang=``).

    In a preheated Voila kernel the notebook runs before anyone asks for the
    page; ``voila.utils.wait_for_request`` blocks until the request arrives and
    copies its headers and query string into the environment. Outside Voila it
    returns at once.
    """
    from lia.kernel import PAGE_LOAD_GRACE, serve_request as serve, warm_charts

    def warm() -> None:
        from lia.pages.wizard.reasoning import warm_up

        warm_up(app.state.lang, charts=warm_charts())
        warm_request_path()

    def apply(env: Any) -> None:
        app._next_chart_delay = PAGE_LOAD_GRACE  # the questions first; the charts once the page is built
        try:
            app.apply_request(env)
        finally:
            app._next_chart_delay = None
        charts_after_page(app)

    def show(exc: Exception) -> None:
        from lia.messages import translate_error

        app._say(translate_error(exc, app.state.lang), "error")

    serve(apply, READY_MESSAGE, on_error=show, warm=warm)


#: Seconds after the page fetched its widgets before its first charts are drawn when the reader has not come to them.
CHARTS_FALLBACK = 20.0
#: Seconds the first charts wait at most for the page to fetch its widgets (then CHARTS_FALLBACK more).
PAGE_FETCH_WAIT = 20.0


def charts_after_page(app: Any) -> None:
    """Hold the page's first charts until the reader comes near them; draw them anyway CHARTS_FALLBACK s after the fetch.

    The charts sit at the bottom of the side panel, far below what a visitor sees on arrival, and
    drawing them (about 0.23 CPU s in the kernel, 0.12 s in the browser) was a fifth of what ten
    visitors arriving together cost. The panel now shows a short line where the charts will be
    (``lia-charts-anchor``) and holds a hidden button (``lia-charts-trigger``); the page script
    (``frontend/src/index.js``) clicks the button once the line comes within about 400 px of the
    window, and the kernel then draws the charts. A client without the page script (JupyterLab,
    plain Voila) still gets them: CHARTS_FALLBACK seconds after the page opened ipywidgets' control
    comm to fetch its widgets (or PAGE_FETCH_WAIT s after the request if it never does) they are drawn
    anyway. Once drawn, later refreshes (the reader's answers) redraw them as before. Outside a served
    kernel (no event loop, ``defer_charts`` False) nothing is held: charts are drawn at once.
    """
    from lia.kernel import kernel_loop

    loop = kernel_loop()
    if loop is None or not getattr(app, "defer_charts", False) or getattr(app, "_charts_asked", False):
        return
    import ipywidgets as W

    app._hold_charts()
    deadline = loop.time() + PAGE_FETCH_WAIT

    def check() -> None:
        if not app._charts_held:
            return
        if W.Widget._control_comm is not None or loop.time() >= deadline:
            app._charts_wait = loop.call_later(CHARTS_FALLBACK, app._release_charts)
        else:
            app._charts_wait = loop.call_later(0.25, check)

    app._charts_wait = loop.call_later(0.25, check)


def __getattr__(name: str) -> Any:
    if name == "WizardApp":
        from lia.pages.wizard.app import WizardApp

        return WizardApp
    if name == "WizardState":
        from lia.pages.wizard.state import WizardState

        return WizardState
    raise AttributeError(name)
