"""The furniture every page shares: the header band, the links between the pages, the language
switch, the UI strings and the escaping.

One header for every page (issue 15 item 1): the workbench's name, the page's title and a line
on what it is for, links to the other pages that keep the open assessment (``?assessment=``) and
the language (``?lang=``), and the language switch - always in the same place (the right of the
band) and the same form (three toggle buttons). The wizard uses it with its author field under the
switch::

    header = PageHeader("wizard", lang, on_language=app.set_language,
                        title=lambda lang: ..., subtitle=lambda lang: ..., extra=[author_box])
    header.widget                # the band (an HBox with class ``lia-header``)
    header.set_language("sv")    # relabel (also moves the switch; on_language is not called back)
    header.set_assessment("id")  # the links now carry ?assessment=id

Texts: ``templates/i18n/dashboards.yaml`` (``app_name``, ``page_title.*``, ``nav.*``).
"""

from __future__ import annotations

import html as _html
import os
from typing import TYPE_CHECKING, Any, Callable, Sequence
from urllib.parse import urlencode

from lia.i18n import LANG_NAMES, LANGS, catalogue, lookup, mark_page_language

if TYPE_CHECKING:
    from lia.errors import LiaError

__all__ = ["PAGES", "DEMO", "PageHeader", "Strings", "esc", "env_lang", "field", "page_link", "nav_html", "lang_switch",
           "app_root", "notice_box", "page_query", "switch_language", "relist", "reread_and_draw", "apply_log_query"]

#: The Voila apps in notebooks/, in the order the header links them (notebook names without .ipynb).
PAGES = ("wizard", "portfolio", "report_viewer", "works_council", "access")


def esc(v: Any) -> str:
    """``v`` as HTML text (quotes escaped too); None is empty."""
    return _html.escape("" if v is None else str(v), quote=True)


def env_lang(default: str | None = None) -> str:
    """``default`` when it is a known language, else ``$LIA_LANG``, else English."""
    for cand in (default, os.environ.get("LIA_LANG")):
        if cand in LANGS:
            return str(cand)
    return "en"


class Strings:
    """UI strings of one catalogue (``templates/i18n/<area>.yaml``) in one language: ``s("key", name=value)``.

    A key the catalogue lacks is :func:`lia.i18n.missing_text` through the one lookup,
    :func:`lia.i18n.lookup` (a test fails; a user sees a visible marker).
    """

    def __init__(self, lang: str = "en", area: str = "dashboards") -> None:
        self.lang = lang if lang in LANGS else "en"
        self.area = area
        self.catalogue = catalogue(area)

    def __call__(self, key: str, **fmt: Any) -> str:
        return lookup(self.catalogue, self.area, key, self.lang, **fmt)

    def has(self, key: str) -> bool:
        return key in self.catalogue


def page_link(page: str, lang: str, assessment: str | None = None) -> str:
    """The address of ``page`` relative to the current page (all apps sit in one folder), keeping
    the language and the open assessment."""
    query = {"lang": lang}
    if assessment:
        query["assessment"] = assessment
    return f"{page}.ipynb?{urlencode(query)}"


def nav_html(current: str, lang: str, assessment: str | None = None) -> str:
    """The links between the pages; the current page is marked, not linked."""
    s = Strings(lang)
    items = []
    for page in PAGES:
        label = esc(s(f"page_title.{page}"))
        if page == current:
            items.append(f'<span class="lia-nav-link lia-nav-current" aria-current="page" data-page="{page}">{label}</span>')
        else:
            items.append(f'<a class="lia-nav-link" data-page="{page}" href="{esc(page_link(page, lang, assessment))}">{label}</a>')
    return f'<nav class="lia-nav-pages" aria-label="{esc(s("nav.label"))}">{"".join(items)}</nav>'


def lang_switch(lang: str) -> Any:
    """The language switch every page shows at the right of its header: three toggle buttons."""
    import ipywidgets as W

    switch = W.ToggleButtons(options=[(LANG_NAMES[code], code) for code in LANGS], value=env_lang(lang),
                             style={"button_width": "128px"})
    switch.add_class("lia-lang")
    return switch


def field(label: Any, control: Any, *below: Any) -> Any:
    """A toolbar field as on every page: ``label`` (a widget whose text the page sets, as
    ``<span class="lia-field-label">``) above ``control``, and under it any hints in ``below``."""
    import ipywidgets as W

    box = W.VBox([label, control, *below])
    box.add_class("lia-field")
    return box


class PageHeader:
    """The header band of a page: workbench name, page title and subtitle, links to the other pages,
    the language switch (and ``extra`` widgets under it, e.g. the wizard's author field).

    ``title`` and ``subtitle`` are catalogue keys of ``area`` or functions of the language.
    ``on_language(lang)`` is called when the reader switches the language on the page.
    """

    def __init__(self, page: str, lang: str, *, title: str | Callable[[str], str] | None = None,
                 subtitle: str | Callable[[str], str] | None = None, area: str = "dashboards",
                 assessment: str | None = None, on_language: Callable[[str], None] | None = None,
                 extra: Sequence[Any] = ()) -> None:
        import ipywidgets as W

        self.page, self.area = page, area
        self.lang = env_lang(lang)
        self.assessment = assessment or None
        self._title = title if title is not None else f"page_title.{page}"
        self._subtitle = subtitle
        self._on_language = on_language
        self.heading = W.HTML()
        self.heading.add_class("lia-heading")
        self.nav = W.HTML()
        self.nav.add_class("lia-nav")
        self.switch = lang_switch(self.lang)
        self.switch.observe(self._switched, names="value")
        left = W.VBox([self.heading, self.nav], layout=W.Layout(flex="1 1 auto", min_width="0"))
        right: Any = self.switch
        if extra:
            # under the switch, so the switch stays at the right of the band as on every page
            right = W.VBox([self.switch, *extra], layout=W.Layout(flex="0 0 auto", align_items="flex-end"))
            right.add_class("lia-header-right")
        self.widget = W.HBox([left, right])
        self.widget.add_class("lia-header")
        self._relabel()

    def _text(self, what: str | Callable[[str], str] | None) -> str:
        if what is None:
            return ""
        if callable(what):
            return what(self.lang)
        return Strings(self.lang, self.area)(what)

    def _relabel(self) -> None:
        s = Strings(self.lang)
        sub = self._text(self._subtitle)
        self.heading.value = (f'<div class="lia-brand">{esc(s("app_name"))}</div>'
                              f'<h1>{esc(self._text(self._title))}</h1>'
                              + (f'<div class="lia-sub">{esc(sub)}</div>' if sub else ""))
        self.nav.value = nav_html(self.page, self.lang, self.assessment)

    def _switched(self, change: dict[str, Any]) -> None:
        lang = change["new"]
        if lang == self.lang:
            return
        self.lang = lang
        self._relabel()
        if self._on_language is not None:
            self._on_language(lang)

    def set_language(self, lang: str) -> None:
        """Show the header in ``lang`` (the page calls this when its language changes another way)."""
        if lang not in LANGS:
            return
        self.lang = lang
        if self.switch.value != lang:
            self.switch.value = lang  # _switched sees the language already set: no call back
        self._relabel()

    def set_assessment(self, assessment: str | None) -> None:
        """The links to the other pages now open ``assessment`` there."""
        self.assessment = assessment or None
        self.nav.value = nav_html(self.page, self.lang, self.assessment)


def app_root(children: Sequence[Any], cls: str, lang: str) -> Any:
    """A page's root widget: ``children`` one under the other, with the classes ``lia-app`` (the
    one style sheet's scope) and ``cls``, marked as written in ``lang``."""
    import ipywidgets as W

    root = W.VBox(list(children))
    root.add_class("lia-app")
    root.add_class(cls)
    mark_page_language(root, lang)
    return root


def notice_box(status: Any) -> Any:
    """The band under a page's toolbar where its messages (``status``, an HTML widget) appear."""
    import ipywidgets as W

    box = W.Box([status])
    box.add_class("lia-notice")
    return box


def switch_language(page: Any, lang: str) -> bool:
    """Switch a page built on :class:`Strings` (``page.s``, ``page.header``, ``page.root``,
    ``page._relabel()``) to ``lang``: its strings, its header, the language mark of its root and its
    labels. False (nothing changed) when ``lang`` is not one of :data:`lia.i18n.LANGS`; the page then
    redraws what it shows."""
    if lang not in LANGS:
        return False
    page.s = Strings(lang)
    page.header.set_language(lang)
    mark_page_language(page.root, lang)
    page._relabel()
    return True


# -- the pages that read a log (works council, access) ---------------------------------------
#: The assessment chooser's first choice on the pages that read a log: the demo log and its limits.
DEMO = "(demo)"


def page_query(env: Any = None) -> dict[str, str]:
    """The page's query string (``QUERY_STRING`` in ``env``, the process environment by default), one value a key."""
    from urllib.parse import parse_qs

    env = os.environ if env is None else env
    return {k: v[0] for k, v in parse_qs(env.get("QUERY_STRING", "") or "").items() if v}


def relist(dropdown: Any, options: list[tuple[str, str]]) -> None:
    """Offer ``options`` (label, value) in ``dropdown``, keeping its choice while it is still offered
    (else the first choice, value ``""``); nothing changes when the options are the same."""
    value = dropdown.value
    if list(dropdown.options) == options:
        return
    dropdown.options = options  # (resets the choice to the first option)
    dropdown.value = value if value in [v for _, v in options] else ""


def reread_and_draw(page: Any, reload: bool) -> LiaError | None:
    """A log page's refresh: re-read (if asked, or nothing read yet) and redraw; a failure keeps the
    previous view. The error of a failed read stays ``page._error`` until a read succeeds, so a
    redraw (a filter, the language) says again what failed; returns it (None: all read)."""
    from ..errors import LiaError

    try:
        if reload:
            page._relist_logs()
        if reload or page.report is None:
            page.load()
            page._error = None
        page.draw()
    except LiaError as err:
        page._error = err
    return page._error


def apply_log_query(page: Any, q: dict[str, str], logs: dict[str, tuple[Any, Callable[[str], Any]]]) -> None:
    """What a log page does with its query string ``q``: ``lang``, ``assessment`` (one of the
    workspace's) and each log in ``logs`` (query key -> its dropdown and the function that finds the
    name in ``<home>/logs/`` or raises). A log that is not a name there (a path, ``../``) is refused
    with its message shown, and the page keeps what it shows; when anything was chosen it reads again."""
    from ..errors import LiaError

    ids = page._assessment_ids()
    page.w_assessment.options = [DEMO] + ids
    if q.get("lang") in LANGS and q["lang"] != page.lang:
        page.w_lang.value = q["lang"]  # relabels through the page's _on_lang
    changed = False
    if q.get("assessment") in ids:
        page.w_assessment.value, changed = q["assessment"], True
    refused = None
    if any(q.get(key) for key in logs):
        page._relist_logs()
    for key, (dropdown, find) in logs.items():
        if q.get(key):
            try:  # a name in <home>/logs/, never a path on the server
                dropdown.value, changed = find(q[key]).name, True
            except LiaError as err:
                refused = refused or err
    if changed:
        page.refresh(reload=True)
    if refused is not None:
        page._error = refused
        page.show_error(refused)


def assessment_ids(ws: Any) -> list[str]:
    """The workspace's assessment ids for a page's chooser; none when the store cannot be read."""
    from ..errors import LiaError
    from ..store import Store

    try:
        return Store(ws).ids()
    except LiaError:
        return []
