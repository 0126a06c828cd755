"""The knowledge browser's tables (som_kernel.knowledge_tables), built without widgets.

Fixture tests/fixtures/kb_small (every row illustrative, source "Testdata"):
  prices (kr. per unit): benefit kommune 3.000, stat 1.000 (2024); tax kommune 50.000, stat 30.000 (2024);
                         shelter kommune 500, stat 500 (2024); bedday region 5.000 (2020)
  consequences tg_a × job: benefit −10/−20/−20 uger, tax +0,5/+1/+1 år i job (years 1–3)
               tg_a × housed: shelter −100/−50 døgn (years 1–2), bedday −2 dage (year 1)
  one effect study: 10 % (interval 5–15 %), evidence level 1; net price index 2020–2025 (2025 = 130)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from som_kernel import knowledge_tables as kt
from som_kernel.knowledge_tables import Filters


def test_every_tab_has_a_builder_and_danish_headers(kb_small):
    assert set(kt.TABLE_BUILDERS) == set(kt.TABS)
    for tab, build in kt.TABLE_BUILDERS.items():
        df = build(kb_small, Filters())
        assert len(df) > 0 or (tab == "regler" and kb_small.rules is None), tab  # the fixture has no rules
        assert "Status" in df.columns and "Kilde" in df.columns, tab


def test_consequence_table_years_as_columns(kb_small):
    df = kt.consequence_table(kb_small, Filters(target_group="tg_a", outcome="job"))
    assert list(df["Ydelse"]) == ["Kontanthjælp", "Indkomstskat"]
    benefit, tax = df.iloc[0], df.iloc[1]
    # Δ use per success, years 1–4 (nothing in year 4): −10, −20, −20 uger; +0,5, +1, +1 år i job
    assert [benefit[str(y)] for y in (1, 2, 3, 4)] == ["−10,00", "−20,00", "−20,00", "0"]
    assert [tax[str(y)] for y in (1, 2, 3)] == ["0,50", "1,00", "1,00"]
    assert (benefit["Område"], benefit["Enhed"], benefit["Status"]) == ("Beskæftigelse", "uge", "illustrativ")
    # all four consequence rows when nothing is filtered: job × 2 services + housed × 2 services
    assert len(kt.consequence_table(kb_small, Filters())) == 4


def test_price_table_one_row_per_service_with_actor_columns(kb_small):
    df = kt.price_table(kb_small, Filters()).set_index("service")
    assert len(df) == 4
    # kommune 3.000, region 0 (an explicit row: a missing actor row is refused), stat 1.000 kr. pr. uge, 2024
    assert list(df.loc["benefit", ["Kommune", "Region", "Stat", "Prisår"]]) == ["3.000", "0", "1.000", "2024"]
    assert list(df.loc["bedday", ["Region", "Prisår"]]) == ["5.000", "2020"]
    only = kt.price_table(kb_small, Filters(welfare_area="employment"))
    assert list(only["Ydelse"]) == ["Kontanthjælp"]


def test_effect_target_group_index_tables(kb_small):
    e = kt.effect_table(kb_small, Filters()).iloc[0]
    assert (e["Succesrate (netto)"], e["Interval"]) == ("10,0 %", "5,0 % – 15,0 %")
    assert e["Evidensniveau"] == "1 (metastudie/RCT)"
    tg = kt.target_group_table(kb_small, Filters())
    assert list(tg["Effektmål"]) == ["I job", "Ud af hjemløshed"]
    assert set(tg["Målgruppe"]) == {"Testgruppe A"}
    idx = kt.index_table(kb_small, Filters())
    assert list(idx["År"]) == ["2020", "2021", "2022", "2023", "2024", "2025"]
    assert idx.iloc[-1]["Nettoprisindeks (2015 = 100)"] == "130,0"


def test_wage_table_shows_the_hourly_cost(kb_small):
    w = kt.wage_table(kb_small, Filters())
    # raadgiver 480.000 / 1.600 = 300 kr. an hour; leder 600.000 / 1.500 = 400
    assert w[["Faggruppe", "Kr. pr. årsværk inkl. pension", "Kr. pr. time", "Prisår"]].values.tolist() == [
        ["Rådgiver", "480.000", "300", "2024"],
        ["Leder", "600.000", "400", "2020"],
    ]
    assert (w["Status"] == "illustrativ").all()


def test_sources_table_counts_rows(kb_small):
    src = kt.sources_table(kb_small, Filters())
    # one source, "Testdata", behind every row: 1 target group + 2 outcomes + 4 services + 12 prices (4 services
    # × 3 actors) + 9 consequences + 1 effect study + 6 index years + 2 wages = 37 rows, all illustrative
    assert len(src) == 1
    row = src.iloc[0]
    assert (row["Kilde"], row["Rækker"], row["Status"]) == ("Testdata", "37", "illustrativ")


def test_filters_text_and_public_only_give_empty_tables_with_headers(kb_small):
    for f in (Filters(text="findes ikke"), Filters(public_only=True)):
        assert len(kt.consequence_table(kb_small, f)) == 0
        assert len(kt.price_table(kb_small, f)) == 0
        assert "Ydelse" in kt.price_table(kb_small, f).columns
    assert list(kt.consequence_table(kb_small, Filters(text="skat"))["Ydelse"]) == ["Indkomstskat"]


def test_provenance_helpers():
    assert kt.status_text("illustrative") == "illustrativ"
    assert kt.status_text("public") == "offentlig"
    assert kt.status_text("derived") == "afledt"
    assert kt.status_text("local_estimated") == "lokal estimeret"
    assert kt.status_text("calibrated", "JM 2021") == "kalibreret til JM 2021; fordelingen er illustrativ"
    assert kt.weakest_status(["public", "calibrated", "derived"]) == "calibrated"
    assert kt.weakest_status(["public", "illustrative", "calibrated"]) == "illustrative"
    assert kt.source_cell("A & B", "") == "A &amp; B"
    assert kt.source_cell("Kilde", "https://x.dk/?a=1&b=2") == (
        '<a href="https://x.dk/?a=1&amp;b=2" target="_blank" rel="noopener">Kilde</a>'
    )


def test_consequence_profile_in_kroner_by_the_kernel(kb_small):
    p = kt.consequence_profile(kb_small, "tg_a", "job")  # price level 2024 (the fixture's default)
    by_year = p.groupby("year")["amount"].sum()
    # year 1: benefit 10 · (3.000 + 1.000) + tax 0,5 · (50.000 + 30.000) = 40.000 + 40.000 = 80.000
    # years 2 and 3: 20 · 4.000 + 1 · 80.000 = 160.000 → 400.000 in all
    assert by_year.to_dict() == pytest.approx({1: 80_000, 2: 160_000, 3: 160_000})
    assert set(p["name"]) == {"Kontanthjælp", "Indkomstskat"}


def test_the_table_module_has_no_widgets_charts_or_ui():
    tree = ast.parse(Path(kt.__file__).read_text(encoding="utf-8"))
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert "format" in imported  # the check sees relative imports (from .format import …)
    banned = {m for m in imported if m.split(".")[0] in ("ipywidgets", "altair", "anywidget", "ui")}
    assert not banned and not any(m.startswith("som_kernel.ui") for m in imported), banned


def test_profile_chart_spec(kb_small):
    from som_kernel.charts.knowledge import profile_chart

    chart = profile_chart(kt.consequence_profile(kb_small, "tg_a", "job"), "Konsekvensprofil: I job")
    spec = chart.to_dict()
    assert spec["title"] == "Konsekvensprofil: I job"
    assert spec["encoding"]["y"]["title"] == "Gevinst pr. succes (kr.)"
    # year 1 per service (kommune + stat): benefit 10 · 4.000 = 40.000; tax 0,5 · 80.000 = 40.000
    year1 = chart.data[chart.data["year"] == 1]
    assert sorted(year1["kr_tekst"]) == ["40.000 kr.", "40.000 kr."]
    assert chart.data["kr"].sum() == 400_000


def test_rule_tab_shows_every_value_by_date_with_its_reference(kb):
    # the shipped base: særligt dyre enkeltsager's first threshold 860.000 kr. (2022 level) from 2023-01-01, public,
    # linked to serviceloven § 176; its price level shows as a year, not as 2.022
    t = kt.rule_table(kb, Filters())
    rows = t[(t["Regel"] == "Statsrefusion for særligt dyre enkeltsager") & (t["Gælder fra"] == "2023-01-01")]
    assert list(rows["Værdi"])[:4] == ["860.000", "1.680.000", "2.120.000", "2022"]
    assert set(rows["Status"]) == {"offentlig"}
    assert "serviceloven/176" in rows["Kilde"].iloc[0]
    # the staircase is shown by week; an illustrative value says why
    stair = t[t["Værdi"].str.startswith("fra uge 1: 80 %")]
    assert len(stair) == 2 and "fra uge 53: 20 %" in stair["Værdi"].iloc[0]
    weeks = t[t["Parameter"].str.startswith("Standardværdi")].iloc[0]
    assert (weeks["Værdi"], weeks["Status"]) == ("52", "illustrativ") and "skøn" in weeks["Note"]
    # public only drops the illustrative values
    assert "illustrativ" not in set(kt.rule_table(kb, Filters(public_only=True))["Status"])


def test_prices_a_rule_derives_are_marked_read_only(kb):
    p = kt.price_table(kb, Filters()).set_index("service")
    assert p.loc["kontanthjaelp", "Status"] == "afledt af regel »Refusionstrappen for forsørgelsesydelser«"
    assert (
        p.loc["bostoette_hf", "Status"]
        == "afledt af regel »Statsrefusion for Housing First-bostøtte (§ 85 a)«; illustrativ"
    )
    assert p.loc["botilbud_midlertidigt", "Status"] == "offentlig"
