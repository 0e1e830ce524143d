"""One widget factory per question type, chosen from a lookup table.

Every factory takes the question (:class:`~lia.pages.wizard.schema.Field`), the
current value, the UI strings and a change callback, and returns a
:class:`Control`: the widget to show, the current answer (``.value``, in the
JSON form of docs/architecture.md) and ``.set(value)`` to show another answer
without calling back. :func:`question_block` wraps a control with the
question text, the required mark, the help text and a line for problems.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from typing import Any, Callable

import ipywidgets as W
from ipywidgets.widgets.widget_bool import CheckboxStyle as _CheckboxStyle
from ipywidgets.widgets.widget_string import HTMLStyle as _HTMLStyle
from ipywidgets.widgets.widget_string import TextStyle as _TextStyle
from ipywidgets.widgets.widget_description import DescriptionStyle as _DescriptionStyle

from lia.pages.wizard.schema import (
    DURATION_UNITS,
    Field,
    format_duration,
    from_date,
    is_answered,
    label,
    parse_duration,
    to_date,
)
from lia.pages.wizard.strings import Strings

__all__ = ["Control", "FACTORIES", "make_control", "QuestionBlock", "question_block", "format_value", "html_widget",
           "shared_layout", "button_widget", "hbox", "vbox", "text_style", "description_style", "checkbox_style"]

# Every widget brings a Layout and a Style model that the browser must build before the page
# shows; a wizard section has hundreds of widgets. Widgets whose layout and style are never
# changed afterwards share one model per distinct setting instead (ipywidgets allows several
# widgets to use one Layout). Widgets that are shown and hidden keep their own layout.
_SHARED: dict[tuple[str, tuple[tuple[str, Any], ...]], W.Widget] = {}


def shared_layout(**kw: Any) -> W.Layout:
    """One Layout for every widget with these settings; never change it."""
    key = ("layout", tuple(sorted(kw.items())))
    if key not in _SHARED or getattr(_SHARED[key], "comm", None) is None:
        _SHARED[key] = W.Layout(**kw)
    return _SHARED[key]  # type: ignore[return-value]


def _shared_style(cls: type, **kw: Any) -> W.Widget:
    """One style model of *cls* for every widget with these settings (no page changes a style)."""
    key = (cls.__name__, tuple(sorted(kw.items())))
    if key not in _SHARED or getattr(_SHARED[key], "comm", None) is None:
        _SHARED[key] = cls(**kw)
    return _SHARED[key]


def text_style() -> W.Widget:
    """The shared style of Text, Textarea and Password fields."""
    return _shared_style(_TextStyle)


def description_style() -> W.Widget:
    """The shared style of drop-downs, date pickers and radio buttons."""
    return _shared_style(_DescriptionStyle)


def checkbox_style() -> W.Widget:
    """The shared style of checkboxes."""
    return _shared_style(_CheckboxStyle)


def hbox(children: Any = (), **layout: Any) -> W.HBox:
    """An HBox whose layout (*layout*'s settings) is shared: only for boxes never shown and hidden."""
    return W.HBox(list(children), layout=shared_layout(**layout))


def vbox(children: Any = (), **layout: Any) -> W.VBox:
    """A VBox whose layout (*layout*'s settings) is shared: only for boxes never shown and hidden."""
    return W.VBox(list(children), layout=shared_layout(**layout))


def html_widget(value: str = "", layout: W.Layout | None = None) -> W.HTML:
    """An HTML widget with the shared layout and style (for text that is never hidden by its layout)."""
    return W.HTML(value, layout=layout or shared_layout(), style=_shared_style(_HTMLStyle))


def button_widget(layout: W.Layout | None = None, **kw: Any) -> W.Button:
    """A button with a shared style and (by default) a shared auto-width layout."""
    return W.Button(layout=layout or shared_layout(width="auto"), style=_shared_style(W.ButtonStyle), **kw)

OnChange = Callable[[Any], None]

#: Choice questions with at most this many options are shown as radio buttons.
RADIO_MAX = 4


class Control:
    """A widget for one answer. Subclasses implement :meth:`_read` and :meth:`_show`."""

    def __init__(self, field: Field, strings: Strings, on_change: OnChange, compact: bool = False) -> None:
        self.field = field
        self.t = strings
        self.lang = strings.lang
        self._on_change = on_change
        self._muted = False
        self.compact = compact
        self.widget: W.Widget = html_widget()
        self.error = ""  # a parse problem of what is typed (e.g. "12a" for a number)

    @property
    def value(self) -> Any:
        """The answer shown, in its JSON form (None when unanswered)."""
        return self._read()

    def set(self, value: Any) -> None:
        """Show *value* without reporting a change."""
        self._muted = True
        try:
            self._show(value)
        finally:
            self._muted = False

    def focus(self) -> None:
        """Give the keyboard focus to the first input of the control."""
        target = self._focus_target()
        if target is not None and hasattr(target, "focus"):
            target.focus()

    def _focus_target(self) -> W.Widget | None:
        return self.widget

    def _changed(self, *_: Any) -> None:
        if not self._muted:
            self._on_change(self._read())

    def _read(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _show(self, value: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class TextControl(Control):
    """``text``: a text area (a one-line field inside tables)."""

    def __init__(self, field: Field, strings: Strings, on_change: OnChange, compact: bool = False, value: Any = None) -> None:
        super().__init__(field, strings, on_change, compact)
        if compact:
            self.widget = W.Text(value=value or "", continuous_update=False, layout=shared_layout(width="100%"),
                                 style=text_style())
        else:
            self.widget = W.Textarea(
                value=value or "", continuous_update=False, rows=3, layout=shared_layout(width="100%"),
                style=text_style(),
            )
        self.widget.observe(self._changed, "value")

    def _read(self) -> Any:
        v = self.widget.value
        return v if v.strip() else None

    def _show(self, value: Any) -> None:
        self.widget.value = value or ""


class ChoiceControl(Control):
    """``choice``: radio buttons for a few options, otherwise a drop-down."""

    def __init__(self, field: Field, strings: Strings, on_change: OnChange, compact: bool = False, value: Any = None) -> None:
        super().__init__(field, strings, on_change, compact)
        options = [(label(c.label, self.lang), c.id) for c in field.choices]
        ids = {c.id for c in field.choices}
        value = value if value in ids else None
        if len(options) <= RADIO_MAX and not compact:
            self.widget = W.RadioButtons(options=options, value=value, layout=shared_layout(width="auto"),
                                         style=description_style())
        else:
            self.widget = W.Dropdown(
                options=[(strings("choose"), "")] + options,
                value=value if value is not None else "",
                layout=shared_layout(width="100%" if compact else "420px"), style=description_style(),
            )
        self.widget.add_class("lia-choice")
        self.widget.observe(self._changed, "value")

    def _read(self) -> Any:
        return self.widget.value or None

    def _show(self, value: Any) -> None:
        known = value in {c.id for c in self.field.choices}
        if isinstance(self.widget, W.Dropdown):
            self.widget.value = value if known else ""
        else:
            self.widget.value = value if known else None


class MultiChoiceControl(Control):
    """``multi_choice``: one checkbox per option."""

    def __init__(self, field: Field, strings: Strings, on_change: OnChange, compact: bool = False, value: Any = None) -> None:
        super().__init__(field, strings, on_change, compact)
        chosen = set(value or [])
        self.boxes = {
            c.id: W.Checkbox(
                value=c.id in chosen, description=label(c.label, self.lang), indent=False,
                layout=shared_layout(width="auto", margin="0 18px 0 0"), style=checkbox_style(),
            )
            for c in field.choices
        }
        for b in self.boxes.values():
            b.observe(self._changed, "value")
        layout = shared_layout(flex_flow="row wrap") if compact or len(field.choices) > 6 else shared_layout()
        box_cls = W.HBox if (compact or len(field.choices) > 6) else W.VBox
        self.widget = box_cls(list(self.boxes.values()), layout=layout)
        self.widget.add_class("lia-multi")

    def _read(self) -> Any:
        chosen = [cid for cid, b in self.boxes.items() if b.value]
        return chosen or None

    def _show(self, value: Any) -> None:
        chosen = set(value or [])
        for cid, b in self.boxes.items():
            b.value = cid in chosen

    def _focus_target(self) -> W.Widget | None:
        return next(iter(self.boxes.values()), None)


class YesNoControl(Control):
    """``yes_no``: two toggle buttons, neither pressed until answered."""

    def __init__(self, field: Field, strings: Strings, on_change: OnChange, compact: bool = False, value: Any = None) -> None:
        super().__init__(field, strings, on_change, compact)
        self.widget = W.ToggleButtons(
            options=[(strings("yes"), True), (strings("no"), False)],
            value=value if isinstance(value, bool) else None,
            style=_shared_style(W.ToggleButtonsStyle, button_width="64px" if compact else "90px"),
        )
        self.widget.add_class("lia-yesno")
        self.widget.observe(self._changed, "value")

    def _read(self) -> Any:
        return self.widget.value

    def _show(self, value: Any) -> None:
        self.widget.value = value if isinstance(value, bool) else None


def _number_text(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class NumberControl(Control):
    """``number``: a number field with its unit; empty means unanswered.

    A text field rather than IntText/FloatText: those cannot be empty, so an
    unanswered required number would show a plausible-looking 0. What is
    typed is checked against integer/min/max and a problem is shown inline.
    """

    def __init__(self, field: Field, strings: Strings, on_change: OnChange, compact: bool = False, value: Any = None) -> None:
        super().__init__(field, strings, on_change, compact)
        lo, hi = field.min, field.max
        if lo is not None and hi is not None:
            hint = f"{_number_text(lo)}–{_number_text(hi)}"
        elif lo is not None:
            hint = f"≥ {_number_text(lo)}"
        elif hi is not None:
            hint = f"≤ {_number_text(hi)}"
        else:
            hint = ""
        self.input = W.Text(
            value=_number_text(value), placeholder=hint, continuous_update=False,
            layout=shared_layout(width="100%" if compact else "140px"), style=text_style(),
        )
        self.input.add_class("lia-number")
        self.input.observe(self._changed, "value")
        unit = label(field.unit, self.lang)
        if unit and not compact:
            self.widget = hbox([self.input, html_widget(f'<span class="lia-unit">{html.escape(unit)}</span>')])
        else:
            self.widget = self.input

    def _read(self) -> Any:
        text = self.input.value.strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
        self.error = ""
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            self.error = "number"
            return None
        if not math.isfinite(number):
            self.error = "number"
            return None
        if self.field.integer:
            if not number.is_integer():
                self.error = "integer"
                return None
            return int(number)
        return int(number) if number.is_integer() and "." not in text else number

    def _show(self, value: Any) -> None:
        self.input.value = _number_text(value)

    def _focus_target(self) -> W.Widget | None:
        return self.input


class DateControl(Control):
    """``date``: a date picker; the answer is ``YYYY-MM-DD``."""

    def __init__(self, field: Field, strings: Strings, on_change: OnChange, compact: bool = False, value: Any = None) -> None:
        super().__init__(field, strings, on_change, compact)
        self.widget = W.DatePicker(value=to_date(value), layout=shared_layout(width="100%" if compact else "180px"),
                                   style=description_style())
        self.widget.observe(self._changed, "value")

    def _read(self) -> Any:
        v = self.widget.value
        return from_date(v) if isinstance(v, _dt.date) else None

    def _show(self, value: Any) -> None:
        self.widget.value = to_date(value)


class DurationControl(Control):
    """``duration``: an amount and a unit (days, weeks, months, years); the answer is ISO 8601 (``P90D``)."""

    def __init__(self, field: Field, strings: Strings, on_change: OnChange, compact: bool = False, value: Any = None) -> None:
        super().__init__(field, strings, on_change, compact)
        parsed = parse_duration(value)
        self.amount = W.Text(
            value="" if parsed is None else str(parsed[0]), continuous_update=False,
            layout=shared_layout(width="90px"), style=text_style(),
        )
        self.amount.add_class("lia-number")
        self.unit = W.Dropdown(
            options=[(strings(f"unit_{u}"), u) for u in DURATION_UNITS],
            value="D" if parsed is None else parsed[1],
            layout=shared_layout(width="120px"), style=description_style(),
        )
        self.amount.observe(self._changed, "value")
        self.unit.observe(self._changed, "value")
        self.widget = hbox([self.amount, self.unit])

    def _read(self) -> Any:
        text = self.amount.value.strip()
        self.error = ""
        if not text:
            return None
        if not text.isdigit():
            self.error = "integer"
            return None
        return format_duration(int(text), self.unit.value)

    def _show(self, value: Any) -> None:
        parsed = parse_duration(value)
        self.amount.value = "" if parsed is None else str(parsed[0])
        if parsed is not None:
            self.unit.value = parsed[1]

    def _focus_target(self) -> W.Widget | None:
        return self.amount


class TableControl(Control):
    """``table``: rows of column controls, each row removable, plus an "add row" button."""

    def __init__(self, field: Field, strings: Strings, on_change: OnChange, compact: bool = False, value: Any = None) -> None:
        super().__init__(field, strings, on_change, compact)
        self.rows: list[dict[str, Control]] = []
        self.row_boxes: list[W.HBox] = []
        self.header = W.HBox(
            [
                html_widget(
                    f'<span class="lia-th">{html.escape(label(c.text, self.lang))}'
                    f'{" <span class=lia-req>*</span>" if c.required else ""}</span>',
                    layout=self._cell_layout(c),
                )
                for c in field.columns
            ]
            + [html_widget("", layout=shared_layout(width="90px"))]
        )
        self.header.add_class("lia-table-head")
        self.body = vbox()
        self.empty = W.HTML(f'<span class="lia-muted">{html.escape(strings("no_rows"))}</span>')
        self.add_button = button_widget(description=strings("add_row"))
        self.add_button.add_class("lia-add-row")
        self.add_button.on_click(self._add_clicked)
        self.widget = vbox([self.header, self.body, self.empty, self.add_button])
        self.widget.add_class("lia-table")
        self._show(value)

    @staticmethod
    def _cell_layout(col: Field) -> W.Layout:
        width = {"text": "220px", "yes_no": "150px", "number": "90px", "date": "160px",
                 "duration": "230px", "choice": "200px", "multi_choice": "260px"}.get(col.type, "180px")
        return shared_layout(width=width, margin="0 6px 0 0")

    def _make_row(self, row: dict[str, Any]) -> None:
        controls: dict[str, Control] = {}
        for col in self.field.columns:
            ctl = make_control(col, self.t, self._changed, compact=True, value=row.get(col.id))
            ctl.widget.layout = self._cell_layout(col)
            controls[col.id] = ctl
        remove = button_widget(description=self.t("remove_row"), layout=shared_layout(width="84px"))
        remove.add_class("lia-remove-row")
        box = hbox([c.widget for c in controls.values()] + [remove])
        box.add_class("lia-table-row")
        remove.on_click(lambda _b, box=box: self._remove(box))
        self.rows.append(controls)
        self.row_boxes.append(box)

    def _refresh(self) -> None:
        self.body.children = tuple(self.row_boxes)
        self.empty.layout.display = "none" if self.rows else ""
        self.header.layout.display = "" if self.rows else "none"

    def add_row(self) -> None:
        """Append an empty row and report the change."""
        self._make_row({})
        self._refresh()
        self._changed()

    def remove_row(self, index: int) -> None:
        """Remove row *index* (0-based) and report the change."""
        self._remove(self.row_boxes[index])

    def _add_clicked(self, _b: Any) -> None:
        self.add_row()

    def _remove(self, box: W.HBox) -> None:
        i = self.row_boxes.index(box)
        del self.rows[i]
        del self.row_boxes[i]
        box.close()
        self._refresh()
        self._changed()

    def _read(self) -> Any:
        out = []
        for controls in self.rows:
            row = {cid: c.value for cid, c in controls.items() if is_answered(c.value)}
            out.append(row)
        return out or None

    def _show(self, value: Any) -> None:
        for box in self.row_boxes:
            box.close()
        self.rows, self.row_boxes = [], []
        for row in value or []:
            self._make_row(row if isinstance(row, dict) else {})
        self._refresh()

    def _focus_target(self) -> W.Widget | None:
        return self.add_button


#: The lookup table from question type to widget factory.
FACTORIES: dict[str, type[Control]] = {
    "text": TextControl,
    "choice": ChoiceControl,
    "multi_choice": MultiChoiceControl,
    "yes_no": YesNoControl,
    "number": NumberControl,
    "date": DateControl,
    "duration": DurationControl,
    "table": TableControl,
}


def make_control(field: Field, strings: Strings, on_change: OnChange, compact: bool = False, value: Any = None) -> Control:
    """Build the control for *field*'s type; unknown types name the known ones."""
    try:
        factory = FACTORIES[field.type]
    except KeyError:
        from lia.errors import LiaError, Message

        raise LiaError(Message("errors.wizard_unknown_type", id=str(field.id), type=repr(field.type),
                               known=", ".join(FACTORIES))) from None
    return factory(field, strings, on_change, compact=compact, value=value)


class QuestionBlock:
    """A question on the page: text with required mark, help, the control, a problem line."""

    def __init__(self, field: Field, strings: Strings, on_change: Callable[[str, Any], None], value: Any = None) -> None:
        self.field = field
        self.t = strings
        lang = strings.lang
        star = f' <span class="lia-req" title="{html.escape(strings("required"))}">*</span>' if field.required else ""
        help_text = label(field.help, lang)
        # the question and its help in one widget (each widget is a model the browser builds
        # before the page shows); ``help`` is the same widget
        self.title = html_widget(f'<div class="lia-qtext">{html.escape(label(field.text, lang))}{star}</div>'
                                 + (f'<div class="lia-help">{html.escape(help_text)}</div>' if help_text else ""))
        self.help = self.title
        self.control = make_control(field, strings, self._changed, value=value)
        self.problem = html_widget("")
        self.problem.add_class("lia-problem")
        self.box = W.VBox([self.title, self.control.widget, self.problem])
        self.box.add_class("lia-question")
        self.box.add_class("lia-q-" + field.id.replace(".", "-"))
        if field.required:
            self.box.add_class("lia-required")
        self._on_change = on_change

    def _changed(self, value: Any) -> None:
        self.show_problem(None)
        self._on_change(self.field.id, value)

    def show_problem(self, text: str | None) -> None:
        """Show (or clear, with None) a problem under the control."""
        self.problem.value = f'<div class="lia-problem-text">{html.escape(text)}</div>' if text else ""

    def set_visible(self, visible: bool) -> None:
        """Hide or show the whole question (``show_if``)."""
        self.box.layout.display = "" if visible else "none"

    def highlight(self, on: bool = True) -> None:
        """Mark the question as the one a finding pointed to."""
        if on:
            self.box.add_class("lia-focus")
        else:
            self.box.remove_class("lia-focus")


def question_block(field: Field, strings: Strings, on_change: Callable[[str, Any], None], value: Any = None) -> QuestionBlock:
    """Build the :class:`QuestionBlock` for *field* showing *value*."""
    return QuestionBlock(field, strings, on_change, value)


def format_value(field: Field | None, value: Any, strings: Strings) -> str:
    """An answer as readable text in the page's language (choice labels, Yes/No, "90 dagar",
    "11 jan. 2027"), never an id or a Python repr.

    Durations and dates go through the project's one formatter for them
    (:func:`lia.i18n.format_duration`, :func:`lia.i18n.format_date`, as
    :func:`lia.model.format_value` does), so the wizard's diff reads like the reports.
    """
    from lia.i18n import format_date, format_duration

    lang = strings.lang
    if not is_answered(value):
        return strings("empty_value")
    if field is None:
        return _plain_text(value)
    if field.type == "yes_no" and isinstance(value, bool):
        return strings("yes") if value else strings("no")
    if field.type == "choice":
        return field.choice_label(value, lang)
    if field.type == "multi_choice" and isinstance(value, list):
        return ", ".join(field.choice_label(v, lang) for v in value)
    if field.type == "duration":
        return format_duration(value, lang)
    if field.type == "date":
        return format_date(value, lang)
    if field.type == "number":
        unit = label(field.unit, lang)
        return f"{_number_text(value)} {unit}".strip()
    if field.type == "table" and isinstance(value, list):
        cols = {c.id: c for c in field.columns}
        rows = []
        for row in value:
            cells = [f"{label(cols[k].text, lang) if k in cols else k}: {format_value(cols.get(k), v, strings)}"
                     for k, v in (row or {}).items()]
            rows.append("; ".join(cells))
        return " | ".join(rows)
    return _plain_text(value)


def _plain_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain_text(v)}" for k, v in value.items())
    return str(value)
