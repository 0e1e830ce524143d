"""Old name of :mod:`lia.pages.wizard` (the wizard now lives with the other pages).

Only the package's own names are kept here, for callers written before the move
(``from lia.wizard import READY_MESSAGE, build_app, serve_request``); import the parts
(``state``, ``schema``, ``app``, ...) from :mod:`lia.pages.wizard`.
"""

from __future__ import annotations

from typing import Any

from lia.pages.wizard import READY_MESSAGE, build_app, serve_request

__all__ = ["build_app", "serve_request", "WizardApp", "WizardState", "READY_MESSAGE"]


def __getattr__(name: str) -> Any:
    import lia.pages.wizard as _wizard

    if name in ("WizardApp", "WizardState"):
        return getattr(_wizard, name)
    raise AttributeError(name)
