"""Small widget helpers for the app: labelled Danish number fields with a unit and a message line.

A field keeps exactly what the user typed (a Text widget); reading it parses Danish numbers
('1.234,5') and raises ValueError with a Danish message, which the app shows next to the field.
"""

from __future__ import annotations

import html
import math
import re

import ipywidgets as W

from ..format import number
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


def fmt_number(x: float | None, decimals: int = 2) -> str:
    """Up to `decimals` decimals, trailing zeros dropped: 12.5 → '12,5', 50000 → '50.000', None → ''."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    text = number(x, decimals)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def exact_number(x: float, unit: Unit | None = None) -> str:
    """Every significant digit a typed number can have (12), Danish, trailing zeros dropped: 0.13 × 100 →
    '13', 1234567.891 → '1.234.567,891', 2e-9 → '0,000000002'. For a value set from a file or a button,
    so that reading the field back gives the same number (to 12 digits), however small."""
    if x == 0 or not math.isfinite(x):
        return fmt_number(x, 0)
    decimals = max(0, 11 - math.floor(math.log10(abs(x))))
    text = fmt_number(float(f"{x:.12g}"), decimals)
    if read_number(text, unit).ambiguous:  # the app must read its own text one way only
        # '4,567' (4,567 or 4567?) → '4,5670'; '1.500' outside kroner (1500 or 1,5?) → '1500'
        text = text + "0" if "," in text else text.replace(".", "")
    return text


def _unit(unit_text: str) -> Unit | None:
    """The numbers reader's unit for a field's unit label ('kr.', '% om året' …)."""
    t = unit_text.strip()
    return "kr" if t.startswith("kr") else "%" if t.startswith("%") else None


def read_text(text: str, unit: Unit | None = None) -> Reading:
    """What a field's text says as a number (som_kernel.numbers: the project's one reader)."""
    return read_number(text, unit)


def parse_field(
    text: str, *, integer: bool = False, allow_blank: float | None = None, unit: Unit | None = None
) -> float:
    """Read a number typed in a field; ValueError with a Danish message if it is not one or can be read in
    two ways ("1.500" in a per-cent field: 1.500 or 1,5?), so the app asks instead of guessing."""
    if not text.strip():
        if allow_blank is not None:
            return allow_blank
        raise ValueError("Skal udfyldes")
    reading = read_text(text, unit)
    whole = [v for v in reading.alternatives if float(v).is_integer()]
    if integer and reading.ambiguous and len(whole) == 1:
        return int(whole[0])  # "1.500" starters: 1,5 cannot be a count, so it is 1500
    if not reading.ok:
        raise ValueError(reading.message.rstrip("."))
    value = reading.value
    if integer:
        if value != int(value):
            raise ValueError(f"Skal være et helt tal (fik {text.strip()})")
        return int(value)
    return value


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


class NumberField:
    """A labelled Text input for a Danish number with a unit and a message line underneath.

    `scale` converts between shown and stored values (100 for per cent: shown 13 ↔ stored 0.13)."""

    def __init__(
        self,
        text: str,
        unit: str,
        value: float | None = 0.0,
        *,
        tip: str = "",
        scale: float = 1.0,
        integer: bool = False,
        blank: float | None = None,
        width: str = "130px",
        label_width: str = LABEL_WIDTH,
        decimals: int = 2,
    ):
        self.scale = scale
        self.integer = integer
        self.blank = blank
        self.decimals = decimals
        self.input = W.Text(continuous_update=False, layout=W.Layout(width=width))
        self.input.add_class("som-number")
        self.unit = _unit(unit)
        self.set(value)
        self.msg = message_widget()
        parts = [label(text, label_width, tip)] if text else []
        unit_w = W.HTML(esc(unit))
        unit_w.add_class("som-unit")
        # how the typed text was read, when it was not typed the Danish way ("2079.26" → 2.079,26 kr.)
        self.understood = W.HTML("")
        self.understood.add_class("som-understood")
        self.input.observe(self._show_understood, "value")
        self.box = W.VBox([W.HBox([*parts, self.input, unit_w, self.understood]), self.msg])

    def _show_understood(self, _=None) -> None:
        note = understood(self.input.value, self.unit)
        self.understood.value = f"= {esc(note)} <small>(sådan er det læst)</small>" if note else ""

    def set(self, value: float | None) -> None:
        # every decimal that matters (a loaded file's 3,4567 % stays 3,4567 %, not 3,46 %)
        self.input.value = "" if value is None else exact_number(value * self.scale, self.unit)

    def get(self) -> float:
        """The stored value (raises ValueError with a Danish message)."""
        v = parse_field(self.input.value, integer=self.integer, allow_blank=self.blank, unit=self.unit)
        return v if self.scale == 1 else v / self.scale

    def observe(self, fn) -> None:
        self.input.observe(fn, "value")
