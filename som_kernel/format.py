"""Danish number formats for display (1.234.567 kr., 12,5 %). Rounding happens only here."""

from __future__ import annotations

import html
import math

from .names import ACTOR_NAMES_DA


def number(x: float, decimals: int = 0) -> str:
    """1234567.891 → '1.234.568' (decimals=0) or '1.234.567,89' (decimals=2); NaN → '–'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = f"{x:,.{decimals}f}"  # 1,234,567.89
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return "0" if text in ("-0", "-0,0") else text.replace("-", "−")


def kr(x: float, decimals: int = 0) -> str:
    """Kroner: 1234567 → '1.234.567 kr.'"""
    return f"{number(x, decimals)} kr."


def mio_kr(x: float, decimals: int = 1) -> str:
    """Millions of kroner: 84_000_000 → '84,0 mio. kr.'"""
    return f"{number(x / 1e6, decimals)} mio. kr."


def pct(share: float, decimals: int = 1) -> str:
    """A share 0–1 as per cent: 0.125 → '12,5 %'."""
    return f"{number(share * 100, decimals)} %"


# Danish number format for Vega-Lite charts (config.locale): 1.234.567,8 and a real minus sign
DANISH_LOCALE = {"number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " kr."], "minus": "−"}}


def table(frame, decimals: int = 0, names: dict[str, str] | None = None):
    """A DataFrame of amounts as Danish-formatted text, with Danish actor names as column headers."""
    names = {**ACTOR_NAMES_DA, **(names or {})}
    out = frame.map(lambda x: number(x, decimals)).rename(columns=names)
    out.columns.name = None
    return out


def problems_html(problems, limit: int = 20) -> str:
    """An HTML list of problems (each 'where: message', Danish), at most `limit` of them and a count of the rest."""
    items = "".join(f"<li>{html.escape(str(p))}</li>" for p in problems[:limit])
    more = f"<li>… og {len(problems) - limit} mere</li>" if len(problems) > limit else ""
    return f"<ul>{items}{more}</ul>"


def knowledge_notes_html(kb) -> str:
    """The knowledge base's local layer ("lokal") and its warnings (plausible but odd values), as HTML; '' if none."""
    parts = []
    if kb.local is not None:
        rows = ", ".join(f"{n} {name.removesuffix('.csv')}" for name, n in kb.local.rows.items())
        parts.append(
            f"<div class='som-local'><b>Lokalt lag:</b> {html.escape(kb.local.kommune)} "
            f"({html.escape(kb.local.name)}, version {html.escape(kb.local.hash)}; {html.escape(rows)} rækker). "
            "Tal fra laget er mærket <span class='som-flag'>lokal</span>.</div>"
        )
    if kb.warnings:
        parts.append(
            f"<details class='som-warnings'><summary>⚠ Vidensdatabasen har {len(kb.warnings)} advarsel(er) om "
            f"usædvanlige tal</summary>{problems_html(kb.warnings)}</details>"
        )
    return "".join(parts)
