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


#: Seconds after the page fetched its widgets before the first charts are drawn.
CHARTS_AFTER_PAGE = 0.5
#: Seconds the first charts wait at most for the page to fetch its widgets.
PAGE_FETCH_WAIT = 20.0


def charts_after_page(app: Any) -> None:
    """Hold the page's first charts until its browser has fetched the widgets (then CHARTS_AFTER_PAGE s).

    They were drawn PAGE_LOAD_GRACE seconds after the request; with ten visitors on two cores a page
    took longer than that to connect, so the kernel drew the charts (0.2 CPU seconds) while the page
    waited for its widgets' state, and the state then carried the charts too. The page opens
    ipywidgets' control comm to fetch the state; the charts follow that (at most PAGE_FETCH_WAIT s
    later). A chart refresh the reader causes meanwhile replaces this one (the panel's debounce).
    """
    from lia.kernel import kernel_loop

    loop = kernel_loop()
    pending = getattr(app, "_pending", None)
    if loop is None or pending is None:
        return
    pending.cancel()
    import ipywidgets as W

    deadline = loop.time() + PAGE_FETCH_WAIT

    def check() -> None:
        if W.Widget._control_comm is not None or loop.time() >= deadline:
            app._pending = loop.call_later(CHARTS_AFTER_PAGE, app._refresh_charts)
        else:
            app._pending = loop.call_later(0.25, check)

    app._pending = loop.call_later(0.25, check)


def __getattr__(name: str) -> Any:
    if name == "WizardApp":
        from lia.pages.wizard.app import WizardApp

        return WizardApp
    if name == "WizardState":
        from lia.pages.wizard.state import WizardState

        return WizardState
    raise AttributeError(name)
