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

    def apply(env: Any) -> None:
        app._next_chart_delay = PAGE_LOAD_GRACE  # the questions first; the charts once the page is built
        try:
            app.apply_request(env)
        finally:
            app._next_chart_delay = None

    def show(exc: Exception) -> None:
        from lia.messages import translate_error

        app._say(translate_error(exc, app.state.lang), "error")

    serve(apply, READY_MESSAGE, on_error=show, warm=warm)


def __getattr__(name: str) -> Any:
    if name == "WizardApp":
        from lia.pages.wizard.app import WizardApp

        return WizardApp
    if name == "WizardState":
        from lia.pages.wizard.state import WizardState

        return WizardState
    raise AttributeError(name)
