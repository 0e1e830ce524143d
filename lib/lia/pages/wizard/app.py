"""The wizard page: header, progress, one page per section, live reasoning, save bar, history.

:class:`WizardApp` is the view and controller over a
:class:`~lia.pages.wizard.state.WizardState`. It owns the widgets; every decision
about answers, versions and conflicts is made by the state, every verdict by
the reasoning engine (through :mod:`lia.pages.wizard.reasoning`).

The page is put together from one part per seam (:mod:`lia.pages.wizard.page` explains how):
:mod:`~lia.pages.wizard.layout` (frame, sections, navigation), :mod:`~lia.pages.wizard.meta` (details,
status), :mod:`~lia.pages.wizard.saving` (save, conflicts), :mod:`~lia.pages.wizard.history` (versions,
diffs), :mod:`~lia.pages.wizard.panel` (reasoning, findings, charts) and
:mod:`~lia.pages.wizard.reportbar` (render, sign). This module joins them and reads the request.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import parse_qs

import ipywidgets as W

from lia.pages.wizard import reasoning as _reasoning
from lia.pages.wizard.history import HistoryMixin
from lia.pages.wizard.layout import LayoutMixin
from lia.pages.wizard.meta import MetaMixin
from lia.pages.wizard.page import esc as _esc  # noqa: F401 - imported from here before the split
from lia.pages.wizard.panel import PanelMixin
from lia.pages.wizard.reportbar import ReportMixin
from lia.pages.wizard.saving import SaveMixin
from lia.pages.wizard.schema import Form
from lia.pages.wizard.state import WizardState
from lia.pages.wizard.strings import LANGS, Strings
from lia.pages.wizard.styles import _CSS  # noqa: F401 - lia.periods.dashboard takes the page's style sheet from here
from lia.pages.wizard.widgets import QuestionBlock

__all__ = ["WizardApp", "build_app", "author_from_env", "AUTHOR_HEADER_ENV"]

#: Environment variable naming the HTTP header (set by a reverse proxy) that carries the user name.
AUTHOR_HEADER_ENV = "LIA_AUTHOR_HEADER"


def author_from_env(env: Mapping[str, str] | None = None) -> str:
    """The author to prefill: the reverse proxy's user header if Voila passed one, else ``LIA_AUTHOR``.

    Voila copies the headers named in ``VoilaConfiguration.http_header_envs``
    into the kernel environment as ``HTTP_<NAME>`` (upper case, ``-`` -> ``_``);
    ``lia serve --author-header NAME`` configures that and sets
    ``LIA_AUTHOR_HEADER=NAME`` so the page knows which variable to read.
    """
    env = os.environ if env is None else env
    header = env.get(AUTHOR_HEADER_ENV, "").strip()
    if header:
        value = env.get("HTTP_" + header.upper().replace("-", "_"), "").strip()
        if value:
            return value
    return env.get("LIA_AUTHOR", "").strip()


def _header_author(env: Mapping[str, str]) -> str:
    """The user name the reverse proxy's header carries, or ''."""
    header = env.get(AUTHOR_HEADER_ENV, "").strip()
    return env.get("HTTP_" + header.upper().replace("-", "_"), "").strip() if header else ""


class WizardApp(LayoutMixin, MetaMixin, ReportMixin, PanelMixin, SaveMixin, HistoryMixin):
    """The whole wizard page for one workspace. Display it with ``display(app)`` or ``app.root``."""

    def __init__(
        self,
        state: WizardState,
        author: str = "",
        reasoner: _reasoning.Reasoner | None = None,
        charter: Callable[[_reasoning.Reasoning, str], list[tuple[str, str]]] | None = None,
    ) -> None:
        self.state = state
        self.t = Strings(state.lang)
        self.reasoner = reasoner or _reasoning.workspace_reasoner(state.store)
        self.charter = charter if charter is not None else _reasoning.chart_svgs
        self.reasoning = _reasoning.Reasoning(available=False)
        self.blocks: dict[str, QuestionBlock] = {}
        self._section_views: dict[int, W.VBox] = {}
        self._confirm_discard = False
        self._show_notes = False
        self._pending: Any = None
        #: Render charts after the current kernel request (True in Voila); tests set False to get them at once.
        self.defer_charts = True
        #: Delay of the next chart refresh (serve_request sets a longer one while the page loads).
        self._next_chart_delay: float | None = None
        #: The first charts wait for the reader (charts_after_page); the trigger's click or the fallback ends that.
        self._charts_held = False
        self._charts_asked = False  # the page's trigger was clicked
        self._charts_wait: Any = None  # the fallback's timer while the charts are held
        self._shown_charts: tuple[Any, ...] | None = None  # what charts_box shows: (charts, error, lang)
        self._shown_findings: tuple[Any, ...] | None = None  # what findings_box shows: (findings, lang, ok)
        self._build()
        self._relabel()
        self.refresh_all()

    # ============================================================ request

    def apply_request(self, env: Mapping[str, str] | None = None) -> None:
        """Use what the HTTP request says: author from the proxy header, ``?assessment=``, ``?version=`` and ``?lang=``."""
        env = os.environ if env is None else env
        # a preheated kernel built the page before the request: the workspace may have changed since
        self._refresh_chooser()
        self._refresh_versions()
        author = author_from_env(env)
        # The proxy's header names this visitor and wins over the server-wide LIA_AUTHOR the
        # preheated page was built with; LIA_AUTHOR only fills an empty field.
        if author and (not self.author.value or _header_author(env)):
            self.author.value = author
        query = parse_qs(env.get("QUERY_STRING", "") or "")
        lang = (query.get("lang") or [""])[0]
        if lang in LANGS and lang != self.state.lang:
            self.set_language(lang)
        aid = (query.get("assessment") or [""])[0]
        ids = self.state.ids()
        if aid and aid in ids:
            raw = (query.get("version") or [""])[0]
            # only ASCII digits: '²'.isdigit() is true but int('²') fails; a huge number is no version either
            self.open(aid, int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None)
        elif not aid and len(ids) == 1 and self.state.assessment_id is None:
            # a workspace with a single assessment (the example after `make run`): nothing to choose
            self.open(ids[0], None)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.root)


def build_app(
    home: str | Path | None = None,
    templates: str | Path | None = None,
    lang: str | None = None,
    author: str | None = None,
    reasoner: _reasoning.Reasoner | None = None,
) -> WizardApp:
    """The wizard for the workspace at *home* (``LIA_HOME``, else the current directory).

    *templates* is the folder holding ``questionnaires/`` (``LIA_TEMPLATES``,
    else the repository's ``templates/``); *lang* defaults to ``LIA_LANG`` or English;
    *author* defaults to :func:`author_from_env`.
    """
    from lia.store import Store
    from lia.workspace import Workspace
    from lia.pages.wizard.schema import load_form

    if home is None:
        home = os.environ.get("LIA_HOME") or Path.cwd()
    ws = Workspace(Path(home))
    if templates is None and os.environ.get("LIA_TEMPLATES"):
        templates = os.environ["LIA_TEMPLATES"]
    form: Form = load_form(Path(templates) if templates is not None else None)
    lang = lang or os.environ.get("LIA_LANG", "en")
    if lang not in LANGS:
        lang = "en"
    state = WizardState(Store(ws), form, lang=lang)
    app = WizardApp(state, reasoner=reasoner)
    app.author.value = author if author is not None else author_from_env()
    return app
