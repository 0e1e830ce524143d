"""What the parts of the wizard page share: the state they show, the UI strings, small HTML helpers.

The page (:class:`lia.pages.wizard.app.WizardApp`) is put together from one part per seam, each a mixin
over :class:`PageBase`: the frame and navigation (:mod:`~lia.pages.wizard.layout`), details and status
(:mod:`~lia.pages.wizard.meta`), saving and conflicts (:mod:`~lia.pages.wizard.saving`), the history and
diffs (:mod:`~lia.pages.wizard.history`), the reasoning panel (:mod:`~lia.pages.wizard.panel`) and the report
bar (:mod:`~lia.pages.wizard.reportbar`). A part builds its own widgets and refreshes them from the
state; it calls the others only through the page's own methods (``_say``, ``_refresh_status``,
``refresh_all``, ...).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Callable

import ipywidgets as W

if TYPE_CHECKING:
    from lia.pages.wizard.state import WizardState
    from lia.pages.wizard.strings import Strings

__all__ = ["PageBase", "esc", "descendants"]


def esc(text: Any) -> str:
    """*text* as HTML text (every page text goes through this before it reaches an HTML widget)."""
    return html.escape(str(text))


def descendants(widget: W.Widget) -> list[W.Widget]:
    """*widget* and every widget inside it, innermost first."""
    out: list[W.Widget] = []
    for child in getattr(widget, "children", ()) or ():
        out.extend(descendants(child))
    out.append(widget)
    return out


class PageBase:
    """The attributes every part of the page relies on (set by ``WizardApp.__init__``)."""

    state: WizardState
    t: Strings
    reasoner: Callable[..., Any]
    charter: Callable[..., list[tuple[str, str]]]
    root: W.VBox
    reasoning: Any  # lia.pages.wizard.reasoning.Reasoning of the answers on screen
    blocks: dict[str, Any]  # question id -> its QuestionBlock, for the sections built so far
    _section_views: dict[int, W.VBox]
    _confirm_discard: bool  # the next open/new throws away unsaved changes
    clash_choices: dict[str, str]  # after a conflict: question (or assessment.<field>) -> "mine" | "theirs"
    _show_notes: bool
    _pending: Any  # the chart refresh waiting on the kernel's loop
    defer_charts: bool
    _next_chart_delay: float | None
    _charts_held: bool  # the first charts wait for the reader to come near them (charts_after_page)
    _charts_asked: bool  # the page's charts trigger was clicked
    _charts_wait: Any  # the timer of charts_after_page's fallback
    _shown_charts: tuple[Any, ...] | None
    _shown_findings: tuple[Any, ...] | None
    _shown_clashes: tuple[Any, ...] | None
    _clash_toggles: dict[str, W.ToggleButtons]

    if TYPE_CHECKING:
        # A part uses the widgets and methods the other parts define on the same page object;
        # for the type checker they are looked up on the page as a whole.
        def __getattr__(self, name: str) -> Any: ...
