"""Small widget helpers for the app: labelled Danish number fields with a unit and a message line.

A field keeps exactly what the user typed (a Text widget); reading it parses Danish numbers
('1.234,5') and raises ValueError with a Danish message, which the app shows next to the field.
"""

from __future__ import annotations

import html
import re

import ipywidgets as W

from ..fields import InputField, exact_number
from ..numbers import UNIT_NAMES_DA, Reading, Unit, read_number

LABEL_WIDTH = "250px"

CSS = """
<style>
.som-app { max-width: 1100px; font-size: 14px; }
.som-app .som-label { color: #222; }
.som-app .widget-html-content { line-height: 1.35; }
.som-app .widget-html { margin-top: 2px; margin-bottom: 2px; }
.som-app .som-help { color: #666; font-size: 12px; line-height: 1.3; }
.som-app .som-unit { color: #444; padding-left: 4px; }
.som-app .som-understood { color: #1f5f8b; padding-left: 8px; font-size: 13px; }
.som-app .som-warning { color: #7a4b00; font-size: 13px; }
.som-app .som-msg { color: #b00020; font-weight: 600; font-size: 13px; }
.som-app .som-invalid input, .som-app .som-invalid textarea { border: 2px solid #b00020 !important;
  background: #fff3f3 !important; }
.som-app .som-overridden input { background: #fff4c2 !important; border: 1px solid #c9a100 !important; }
.som-app .som-outdated { background: #fff3f3; border-left: 6px solid #b00020; padding: 6px 10px;
  color: #b00020; font-weight: 700; }
.som-app .som-ok { background: #eef7ee; border-left: 6px solid #2e7d32; padding: 6px 10px; }
.som-app .som-summary { font-size: 16px; line-height: 1.5; background: #f4f8fb; padding: 10px 14px;
  border-left: 6px solid #1f5f8b; }
.som-app table.som-table { border-collapse: collapse; font-size: 13px; }
.som-app table.som-table th, .som-app table.som-table td { border-bottom: 1px solid #ddd; padding: 3px 8px; }
.som-app table.som-table td.num { text-align: right; white-space: nowrap; }
.som-app .som-flag { background: #ffe0b2; color: #7a4b00; border-radius: 3px; padding: 0 4px; font-size: 11px; }
.som-app .som-local { background: #fff4c2; color: #6b5500; border-radius: 3px; padding: 0 4px; font-size: 11px; }
/* ipywidgets' upload button reads "description (number of files)"; the app empties it after each file, so
   the count is always (0): show the Danish label alone */
.som-app .som-upload { font-size: 0 !important; }
.som-app .som-upload::after { content: "Indlæs beregning …"; font-size: 13px; }
.som-app .som-grid > * { flex: 0 0 auto !important; }
/* a grid row never scrolls on its own (ipywidgets' boxes do by default): the table around it scrolls as one,
   so a row scrolled sideways cannot slide away from the header's columns */
.som-app .som-grid { overflow: visible !important; }
.som-app .som-header { background: #1f5f8b; color: white; padding: 8px 14px; }
.som-app .som-header h2 { margin: 0; color: white; }
.som-app .som-status { font-size: 15px; padding: 6px 0; }
.som-app .som-tip { display: inline-block; width: 15px; height: 15px; line-height: 15px; border-radius: 50%;
  background: #1f5f8b; color: white; font-size: 11px; text-align: center; cursor: help; }
</style>
"""


def esc(text: object) -> str:
    """Text for an HTML element (quotes stay readable)."""
    return html.escape(str(text), quote=False)


def attr(text: object) -> str:
    """Text for an HTML attribute value in double quotes."""
    return html.escape(str(text))


def css_name(text: str) -> str:
    """A CSS class name made from an id: anything but letters, digits, '-' and '_' becomes '-' (a class with a
    space is two classes, and the browser refuses to add it: a DOMTokenList error on the page)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


def help_html(text: str) -> W.HTML:
    w = W.HTML(f"<div>{esc(text)}</div>")
    w.add_class("som-help")
    return w


def label(text: str, width: str = LABEL_WIDTH, tip: str = "") -> W.HTML:
    title = f' title="{attr(tip)}"' if tip else ""
    mark = ' <span class="som-tip">?</span>' if tip else ""
    w = W.HTML(f"<span{title}>{esc(text)}{mark}</span>", layout=W.Layout(width=width))
    w.add_class("som-label")
    return w


def message_widget() -> W.HTML:
    w = W.HTML("")
    w.add_class("som-msg")
    return w


def show_messages(msg: W.HTML, messages: list[str], target: W.Widget | None = None) -> None:
    """Put Danish messages in `msg` and mark `target` red (or clear both)."""
    text = "<br>".join(f"⚠ {html.escape(m, quote=False)}" for m in messages)
    if msg.value != text:
        msg.value = text
    if target is not None:
        if messages:
            target.add_class("som-invalid")
        else:
            target.remove_class("som-invalid")


def read_text(text: str, unit: Unit | None = None) -> Reading:
    """What a field's text says as a number (som_kernel.numbers: the project's one reader)."""
    return read_number(text, unit)


def _naive_danish(text: str) -> float | None:
    """The value a reader who knows only Danish notation sees: every '.' groups thousands, ',' is the
    decimal sign (None if that reader cannot read it)."""
    t = re.sub(r"[\s\u00a0]|kr\.?|%", "", text.strip().lower()).replace("\u2212", "-")
    try:
        return float(t.replace(".", "").replace(",", "."))
    except ValueError:
        return None


def understood(text: str, unit: Unit | None = None) -> str:
    """'2.079,26 kr.' when the typed text reads cleanly but not the way a Danish-only reader would read it
    ('2079.26', '1.5', '1,5 mio.'), so nobody is left guessing how it was read; else ''."""
    if not text.strip():
        return ""
    reading = read_text(text, unit)
    if not reading.ok or _naive_danish(text) == reading.value:
        return ""
    return exact_number(reading.value) + (f" {UNIT_NAMES_DA[unit]}" if unit else "")


def canonical(text: str, unit: Unit | None = None) -> str:
    """A table cell's text rewritten the Danish way when it was read otherwise than a Danish-only reader
    would ('2079.26' → '2.079,26'), so the cell shows what is used; else the text as typed."""
    return exact_number(read_text(text, unit).value, unit) if understood(text, unit) else text


# A dropdown's value for a choice that means "no value" (None in the scenario: the cost price level "Samme som
# beregningens prisniveau", a resource line's own price, the committee by default). ipywidgets cannot select an
# option whose value is None (its value None means "nothing chosen", and the box shows empty), so such an option
# holds this instead, and `chosen` turns it back into None.
NO_VALUE = ""


def choice(value: object) -> object:
    """A stored value as a dropdown's value: None → NO_VALUE."""
    return NO_VALUE if value is None else value


def choice_options(options) -> list:
    """A dropdown's (text, value) options with a None value given as NO_VALUE (a bare value stays as it is)."""
    return [(o[0], choice(o[1])) if isinstance(o, tuple) else o for o in options]


def chosen(value: object) -> object:
    """A dropdown's value as stored: NO_VALUE → None (the one place it is mapped back)."""
    return None if value == NO_VALUE else value


# an input's width by the kind of field (som_kernel.fields); a step may ask for another
WIDTHS = {
    "text": "420px",
    "lines": "420px",
    "choice": "420px",
    "integer": "80px",
    "number": "100px",
    "year": "80px",
    "percent": "130px",
    "amount": "130px",
    "percent_list": "200px",
}


class FieldInput:
    """A field of som_kernel.fields as a widget: its label (with the help text as a tooltip), the input, its
    unit, how a typed number was read (when not the Danish way) and a message line underneath.

    A field with options (its own, then `options` from the knowledge base) is a dropdown; an option whose value
    is None (declared in som_kernel.fields) holds NO_VALUE in it, so the dropdown can show it. `get()` reads and
    checks the input through the field (FieldValueError, a ValueError, with a Danish message; a dropdown's
    NO_VALUE is None); `set(value)` shows a stored value (a share as per cent, None as NO_VALUE). `value` is the
    input's own value."""

    def __init__(
        self,
        field: InputField,
        *,
        width: str = "",
        label_width: str = LABEL_WIDTH,
        show_label: bool = True,
        options: list | None = None,
        height: str = "50px",
    ):
        self.field = field
        kind = field.kind
        layout = W.Layout(width=width or WIDTHS.get(kind, "auto"))
        options = choice_options([*field.options, *(options or [])])
        if kind == "choice" or options:
            self.input = W.Dropdown(options=options, layout=layout)
        elif kind == "flag":
            self.input = W.Checkbox(value=False, indent=False, layout=W.Layout(width="auto"))
        elif kind == "lines":
            layout.height = height
            self.input = W.Textarea(continuous_update=False, placeholder=field.placeholder, layout=layout)
        else:
            self.input = W.Text(continuous_update=False, placeholder=field.placeholder, layout=layout)
            if kind != "text":
                self.input.add_class("som-number")
        self.input.add_class(f"som-field-{css_name(field.path)}")  # a stable handle (browser tests)
        self.msg = message_widget()
        unit_w = W.HTML(esc(field.unit))
        unit_w.add_class("som-unit")
        # how the typed text was read, when it was not typed the Danish way ("2079.26" → 2.079,26 kr.)
        self.understood = W.HTML("")
        self.understood.add_class("som-understood")
        if isinstance(self.input, W.Text) and kind not in ("text", "percent_list"):
            self.input.observe(self._show_understood, "value")
        parts = [label(field.label, label_width, field.help)] if show_label else []
        self.row = W.HBox([*parts, self.input, *([unit_w] if field.unit else []), self.understood])
        self.box = W.VBox([self.row, self.msg])

    @property
    def value(self):
        return self.input.value

    @value.setter
    def value(self, value) -> None:
        self.input.value = value

    def _show_understood(self, _=None) -> None:
        note = understood(self.input.value, self.field.number_unit)
        self.understood.value = f"= {esc(note)} <small>(sådan er det læst)</small>" if note else ""

    def set(self, value) -> None:
        """Show a stored value: every decimal that matters (a loaded file's 3,4567 % stays 3,4567 %)."""
        kind = self.field.kind
        if isinstance(self.input, W.Dropdown):
            if choice(value) in [o[1] if isinstance(o, tuple) else o for o in self.input.options]:
                self.input.value = choice(value)
        elif kind == "flag":
            self.input.value = bool(value)
        elif kind in ("text", "lines"):
            self.input.value = value
        elif kind == "percent_list":
            self.input.value = self.field.shown_list(value)
        else:
            self.input.value = self.field.shown(value)

    def get(self):
        """The stored value (raises FieldValueError with a Danish message)."""
        kind = self.field.kind
        if isinstance(self.input, W.Dropdown):
            return chosen(self.input.value)
        if kind in ("text", "lines"):
            return self.input.value
        if kind == "flag":
            return bool(self.input.value)
        if kind == "percent_list":
            return self.field.read_list(self.input.value)
        return self.field.read(self.input.value)

    def observe(self, fn, name: str = "value") -> None:
        self.input.observe(fn, name)
