"""Altair charts that render with no internet (see ../shared/design.md, "Charts offline").

In a notebook or Voilà: call `enable_offline()` once, then `show(chart)`; static exports go through
vl-convert (`to_png`, `to_svg`), which needs no browser and no network.
"""

from __future__ import annotations

import altair as alt
import vl_convert as vlc

_enabled = False


def enable_offline() -> None:
    """Bundle Vega into the page instead of loading it from a CDN (needs anywidget + vl-convert)."""
    global _enabled
    if not _enabled:
        alt.JupyterChart.enable_offline()
        _enabled = True


def show(chart: alt.TopLevelMixin) -> alt.JupyterChart:
    """The chart as an offline-capable widget (display it, or put it in a widget box)."""
    enable_offline()
    return alt.JupyterChart(chart)


def to_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """PNG bytes of the chart for reports."""
    return vlc.vegalite_to_png(chart.to_json(), scale=scale)


def to_svg(chart: alt.TopLevelMixin) -> str:
    """SVG text of the chart for reports."""
    return vlc.vegalite_to_svg(chart.to_json())
