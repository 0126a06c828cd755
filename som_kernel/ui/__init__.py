"""The shell around the kernel: widget builders, Danish formatting and offline charts for the notebooks.

No formulas live here; every number comes from som_kernel's calculation.
"""

import ipywidgets as _W
from ipywidgets.widgets.widget_description import DescriptionWidget as _DescriptionWidget


def _no_null_tooltip(widget: _W.Widget) -> None:
    """ipywidgets 8's page copies a described widget's `tooltip` into its label's title, and the default None
    becomes the tooltip "null" (step 5's weeks field, every checkbox). An empty text shows none; a widget given
    a tooltip keeps it (this runs after the widget's own arguments, before its state reaches the page)."""
    if isinstance(widget, _DescriptionWidget) and widget.tooltip is None:
        widget.tooltip = ""


_W.Widget.on_widget_constructed(_no_null_tooltip)
