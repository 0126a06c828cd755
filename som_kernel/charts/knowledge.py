"""The knowledge browser's chart (Altair spec, no widgets): a consequence profile in kroner per success.

The profile itself comes from som_kernel.knowledge_tables.consequence_profile (computed by the kernel);
som_kernel.ui.knowledge_browser shows the chart with som_kernel.charts.show.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..format import kr as fmt_kr


def profile_chart(profile: pd.DataFrame, title: str) -> alt.Chart:
    """Stacked bars: gain per success per year, coloured by service (positive = gain to the public sector)."""
    data = profile.assign(kr=profile["amount"].round(0), kr_tekst=profile["amount"].map(fmt_kr))
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="År efter succes"),
            y=alt.Y(
                "sum(kr):Q",
                title="Gevinst pr. succes (kr.)",
                # Danish thousands separator: 100.000
                axis=alt.Axis(labelExpr="replace(format(datum.value, ',.0f'), regexp(',', 'g'), '.')"),
            ),
            color=alt.Color("name:N", title="Ydelse", legend=alt.Legend(columns=1, labelLimit=260)),
            tooltip=[
                alt.Tooltip("year:O", title="År"),
                alt.Tooltip("name:N", title="Ydelse"),
                alt.Tooltip("kr_tekst:N", title="Gevinst"),
            ],
        )
        .properties(width=520, height=300)
    )
