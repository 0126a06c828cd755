"""Altair charts that render with no internet (Vega is bundled into the page, never loaded from a CDN).

In a notebook or Voilà: call `enable_offline()` once, then `show(chart)`; static exports go through
vl-convert (`to_png`, `to_svg`), which needs no browser and no network.
"""

from __future__ import annotations

import os
from pathlib import Path

import altair as alt
import vl_convert as vlc


def _bundle_cache() -> Path:
    """Where the bundled offline JavaScript is kept between kernels, keyed by the two package versions."""
    root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "som-workbench"
    return root / f"jupyterchart-altair{alt.__version__}-vlconvert{vlc.__version__}.js"


def enable_offline() -> None:
    """Bundle Vega into the page instead of loading it from a CDN (needs anywidget + vl-convert).

    Bundling takes seconds (vl-convert compiles it), so the result is cached on disk and reused by the
    next kernel; this is what makes a Voilà page usable within a few seconds of opening."""
    chart = alt.JupyterChart
    if chart._is_offline:
        return
    cache = _bundle_cache()
    try:
        chart._esm = cache.read_text(encoding="utf-8")
        chart._is_offline = True
        return
    except OSError:
        pass
    chart.enable_offline()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(chart._esm, encoding="utf-8")
        tmp.replace(cache)  # atomic: a concurrent kernel never reads half a file
    except OSError:
        pass  # a read-only home only costs the next kernel the bundling time


# Every chart's "…" menu (vega-embed): only the two offline exports, in Danish; no "View Source"/"View Compiled
# Vega" and no "Open in Vega Editor" (it needs the internet and sends the chart's data to an outside site)
CHART_MENU_DA = {
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
    "i18n": {
        "CLICK_TO_VIEW_ACTIONS": "Gem grafen som billede",
        "PNG_ACTION": "Gem som PNG",
        "SVG_ACTION": "Gem som SVG",
        "SOURCE_ACTION": "Vis kilde",
        "COMPILED_ACTION": "Vis Vega",
        "EDITOR_ACTION": "Åbn i Vega-editor",
    },
}


def show(chart: alt.TopLevelMixin, file_name: str = "graf") -> alt.JupyterChart:
    """The chart as an offline-capable widget (display it, or put it in a widget box), with the Danish menu;
    `file_name` (without extension) is what "Gem som PNG/SVG" saves."""
    enable_offline()
    return alt.JupyterChart(chart, embed_options={**CHART_MENU_DA, "downloadFileName": file_name})


def to_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """PNG bytes of the chart for reports."""
    return vlc.vegalite_to_png(chart.to_json(), scale=scale)


def to_svg(chart: alt.TopLevelMixin) -> str:
    """SVG text of the chart for reports."""
    return vlc.vegalite_to_svg(chart.to_json())
