"""The wrong numbers of issue 12 §2 (and the knowledge-path items of issue 14): each broken copy of the small
fixture (tests/fixtures/kb_small) is refused with a Danish message naming file:række:kolonne, or, where the value
is plausible but odd, loads with a warning in kb.warnings. Limits come from units.csv and meta.yaml `limits`.

Fixture lines (header = line 1): prices.csv 2 benefit/kommune 3000 kr. pr. uge, 4 tax/kommune, 6 shelter/kommune,
8 bedday/region 5000 kr. pr. dag, 9 benefit/region 0; consequences.csv 2–4 job × benefit years 1–3, 5–7 job × tax,
8–9 housed × shelter, 10 housed × bedday; net_price_index.csv 2 = 2020 … 7 = 2025.
"""

import csv
import shutil
from pathlib import Path

import pytest

from som_kernel import KnowledgeError, load_knowledge

FIXTURE = Path(__file__).parent / "fixtures" / "kb_small"


def copy_small(tmp_path: Path) -> Path:
    dst = tmp_path / "kb"
    shutil.copytree(FIXTURE, dst)
    return dst


def rows_of(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def set_cell(folder: Path, table: str, line: int, column: str, value: str) -> None:
    rows = rows_of(folder / table)
    if column not in rows[0]:  # an optional column the fixture leaves out
        for r in rows:
            r.append(column if r is rows[0] else "")
    rows[line - 1][rows[0].index(column)] = value
    write_rows(folder / table, rows)


def add_row(folder: Path, table: str, values: dict[str, str]) -> int:
    """Append a row (missing columns empty); returns its line number."""
    rows = rows_of(folder / table)
    rows.append([values.get(c, "") for c in rows[0]])
    write_rows(folder / table, rows)
    return len(rows)


def refused(folder: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(folder)
    return [str(p) for p in e.value.problems]


def test_fixture_loads_without_warnings():
    # control: the unbroken fixture loads clean, so every problem below comes from the one thing broken
    kb = load_knowledge(FIXTURE)
    assert kb.warnings == ()
    assert len(kb.units) == 17  # 16 units of services + årsværk (wages.csv)
    assert len(kb.wages) == 2


def test_price_365_times_too_high_is_refused(tmp_path):
    # shelter/kommune 500 kr. pr. døgn typed as a year's price: 500 · 365 = 182.500 > price_max 50.000 for døgn
    kb = copy_small(tmp_path)
    set_cell(kb, "prices.csv", 6, "price", "182500")
    assert refused(kb) == [
        "prices.csv:række 6:kolonne price: Prisen 182.500 kr. pr. døgn er over grænsen 50.000 kr. i units.csv (Et døgn "
        "på de dyreste pladser (sikrede institutioner, særlige pladser i psykiatrien) koster højst omkring 15.000 kr.; "
        "en årspris skrevet som døgnpris (×365) ligger over 50.000 kr. Et år har højst 366 døgn.). Er det en pris for "
        "en anden enhed (fx år i stedet for døgn)?"
    ]


def test_unusually_high_price_loads_with_a_warning(tmp_path):
    # 20.000 kr. pr. døgn: over price_high 15.000, under price_max 50.000 → loads, warned
    kb = copy_small(tmp_path)
    set_cell(kb, "prices.csv", 6, "price", "20000")
    loaded = load_knowledge(kb)
    assert [str(w) for w in loaded.warnings] == [
        "prices.csv:række 6:kolonne price: Prisen 20.000 kr. pr. døgn er usædvanligt høj (over 15.000 kr. i "
        "units.csv). Tjek enheden."
    ]


def test_price_too_low_for_its_unit_warns_on_the_services_total(tmp_path):
    # tax: kommune 50.000 + stat 30.000 per år i job; set to 40 + 0 = 40 kr. < price_low 1.000 → warning on the
    # service's first row (line 4); a small share for one actor alone (region 0) is never warned about
    kb = copy_small(tmp_path)
    set_cell(kb, "prices.csv", 4, "price", "40")
    set_cell(kb, "prices.csv", 5, "price", "0")
    loaded = load_knowledge(kb)
    assert [str(w) for w in loaded.warnings] == [
        "prices.csv:række 4:kolonne price: Prisen i alt (alle aktører) 40 kr. pr. år i job er usædvanligt lav (under "
        "1.000 kr. i units.csv). Er det en pris for en kortere enhed, eller et tusindtalspunktum?"
    ]


def test_thousands_dot_in_a_price_is_refused(tmp_path):
    # "1.469" meaning 1469 would be read as 1,469 kr. pr. døgn: under price_low 50 for døgn → refused
    kb = copy_small(tmp_path)
    set_cell(kb, "prices.csv", 6, "price", "1.469")
    assert refused(kb) == [
        "prices.csv:række 6:kolonne price: Prisen er læst som 1,469 kr. pr. døgn, under grænsen 50 kr. i units.csv; "
        "er punktummet et tusindtalspunktum (1.469 kr.)? Skriv beløbet uden punktum (fx 1469), eller gem filen som "
        "dansk Excel-CSV (semikolon, decimalkomma)."
    ]


def test_small_share_with_three_decimals_loads(tmp_path):
    # the kommune's share of a psychiatric bed day, 264.552 kr. (a scaled price): under price_low 500 for sengedag,
    # but read as 264.552 kr. (×1000) it would be beyond price_max 60.000, so it is no thousands-dot typo
    from som_kernel.knowledge import DEFAULT_KNOWLEDGE_DIR

    kb = tmp_path / "kb"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, kb, ignore=shutil.ignore_patterns("*.md", "lokale", "tools"))
    rows = rows_of(kb / "prices.csv")
    line = next(i + 1 for i, r in enumerate(rows) if r[:2] == ["psykiatri_sengedag", "kommune"])
    set_cell(kb, "prices.csv", line, "price", "264.552")
    # (the row is rule-derived, so the check that it equals the rule is left out: this test is about reading)
    p = load_knowledge(kb, check_derived=False).prices.set_index(["service", "actor"])
    assert p.loc[("psykiatri_sengedag", "kommune"), "price"] == 264.552


def test_price_with_three_decimals_that_is_plausible_loads(tmp_path):
    # 754 × 0,876 = 660.504 kr. pr. døgn (a computed price): three decimals, but plausible as read → no problem
    kb = copy_small(tmp_path)
    set_cell(kb, "prices.csv", 6, "price", "660.504")
    loaded = load_knowledge(kb)
    assert loaded.prices.loc[4, "price"] == 660.504
    assert loaded.warnings == ()


def test_consequence_year_past_the_documented_range_is_refused(tmp_path):
    kb = copy_small(tmp_path)
    set_cell(kb, "consequences.csv", 4, "year", "11")
    assert refused(kb) == [
        "consequences.csv:række 4:kolonne year: Konsekvensår 11 ligger uden for det dokumenterede spænd 1–10 "
        "(meta.yaml limits.consequence_years)."
    ]


def test_target_group_without_outcomes_warns(tmp_path):
    kb = copy_small(tmp_path)
    line = add_row(
        kb,
        "target_groups.csv",
        {
            "id": "tg_b",
            "name": "Testgruppe B",
            "area": "voksne_udsatte",
            "definition": "Ingen effektmål endnu",
            "source_title": "Testdata",
            "illustrative": "true",
        },
    )
    assert [str(w) for w in load_knowledge(kb).warnings] == [
        f"target_groups.csv:række {line}:kolonne id: Målgruppen 'tg_b' har ingen effektmål i outcomes.csv, så den "
        "kan ikke regnes på."
    ]


def test_outcome_without_consequences_warns(tmp_path):
    kb = copy_small(tmp_path)
    line = add_row(
        kb,
        "outcomes.csv",
        {
            "id": "sober",
            "target_group": "tg_a",
            "name": "Stoffri",
            "definition": "Stoffri efter et år",
            "source_title": "Testdata",
            "illustrative": "true",
        },
    )
    assert [str(w) for w in load_knowledge(kb).warnings] == [
        f"outcomes.csv:række {line}:kolonne id: Effektmålet 'sober' har ingen konsekvensrækker i consequences.csv; "
        "en succes giver 0 kr."
    ]


def test_missing_actor_row_is_refused(tmp_path):
    # benefit has kommune (line 2), stat (3) and region (9); without the region row the region would silently be 0
    kb = copy_small(tmp_path)
    rows = rows_of(kb / "prices.csv")
    write_rows(kb / "prices.csv", [r for r in rows if r[:2] != ["benefit", "region"]])
    assert refused(kb) == [
        "prices.csv:række 2:kolonne actor: Ydelsen 'benefit' mangler en række for region. Skriv en række med pris 0, "
        "hvis aktøren ikke betaler (en manglende række ville stille og roligt blive 0 kr.)."
    ]


def test_price_index_typo_is_refused(tmp_path):
    # 2022 (line 4) typed 1120 instead of 112: +966,7 % from 2021 (105) and −89,3 % to 2023 (120)
    kb = copy_small(tmp_path)
    set_cell(kb, "net_price_index.csv", 4, "index", "1120")
    assert refused(kb) == [
        "net_price_index.csv:række 4:kolonne index: Indekset ændrer sig +966,7 % fra året før (tilladt: højst 50 %, "
        "meta.yaml limits.index_change_max); en tastefejl?",
        "net_price_index.csv:række 5:kolonne index: Indekset ændrer sig -89,3 % fra året før (tilladt: højst 50 %, "
        "meta.yaml limits.index_change_max); en tastefejl?",
    ]


def test_large_index_step_warns(tmp_path):
    # 2023 (line 5) 125 → from 112: +11,6 % > 10 % warns; to 2024 (125): 0 %
    kb = copy_small(tmp_path)
    set_cell(kb, "net_price_index.csv", 5, "index", "125")
    assert [str(w) for w in load_knowledge(kb).warnings] == [
        "net_price_index.csv:række 5:kolonne index: Indekset ændrer sig +11,6 % fra året før; usædvanligt meget "
        "(over 10 %). Tjek tallet."
    ]


def test_gap_in_price_index_is_refused(tmp_path):
    kb = copy_small(tmp_path)
    rows = rows_of(kb / "net_price_index.csv")
    write_rows(kb / "net_price_index.csv", [r for r in rows if r[0] != "2022"])
    assert refused(kb) == [
        "net_price_index.csv:række 4:kolonne year: Året før 2023 mangler i nettoprisindekset (årene skal følge "
        "hinanden)."
    ]


def test_success_rate_contradicting_its_own_rates_is_refused(tmp_path):
    # success 0.1 but 0.40 − 0.20 = 0.2; tolerance 0.01
    kb = copy_small(tmp_path)
    set_cell(kb, "effect_studies.csv", 2, "rate_treatment", "0.40")
    set_cell(kb, "effect_studies.csv", 2, "rate_control", "0.20")
    assert refused(kb) == [
        "effect_studies.csv:række 2:kolonne success_rate: Succesraten 0,1 passer ikke med studiets egne andele: "
        "rate_treatment − rate_control = 0,4 − 0,2 = 0,2 (tilladt afvigelse 0,01, meta.yaml limits.rate_tolerance)."
    ]


def test_success_rate_matching_its_rates_within_rounding_loads(tmp_path):
    # 0.305 − 0.2 = 0.105; |0.1 − 0.105| = 0.005 ≤ 0.01
    kb = copy_small(tmp_path)
    set_cell(kb, "effect_studies.csv", 2, "rate_treatment", "0.305")
    set_cell(kb, "effect_studies.csv", 2, "rate_control", "0.2")
    assert load_knowledge(kb).effect_studies.loc[0, "rate_treatment"] == 0.305


def _visits(kb: Path, delta: str) -> int:
    add_row(
        kb,
        "services.csv",
        {
            "id": "visit",
            "name": "Ambulant besøg",
            "welfare_area": "health",
            "unit": "besøg",
            "flow": "expenditure",
            "source_title": "Testdata",
            "illustrative": "true",
        },
    )
    for actor, price in (("kommune", "0"), ("region", "2000"), ("stat", "0")):
        add_row(
            kb,
            "prices.csv",
            {
                "service": "visit",
                "actor": actor,
                "price": price,
                "unit": "kr. pr. besøg",
                "price_year": "2024",
                "source_title": "Testdata",
                "illustrative": "true",
            },
        )
    return add_row(
        kb,
        "consequences.csv",
        {
            "target_group": "tg_a",
            "outcome": "housed",
            "service": "visit",
            "year": "1",
            "delta_use": delta,
            "unit": "besøg",
            "source_title": "Testdata",
            "illustrative": "true",
        },
    )


def test_five_thousand_visits_a_year_is_refused(tmp_path):
    kb = copy_small(tmp_path)
    line = _visits(kb, "-5000")
    assert refused(kb) == [
        f"consequences.csv:række {line}:kolonne delta_use: En person kan højst bruge 1.100 besøg pr. år; ændringen "
        "må ikke være større (fik -5.000). Grænsen står i units.csv (Et ambulant besøg koster 100–5.000 kr. Over "
        "100 besøg pr. person pr. år er usædvanligt; over 1.100 (tre om dagen hele året) er umuligt og en "
        "tastefejl.)."
    ]


def test_many_visits_a_year_warns(tmp_path):
    kb = copy_small(tmp_path)
    line = _visits(kb, "-150")
    assert [str(w) for w in load_knowledge(kb).warnings] == [
        f"consequences.csv:række {line}:kolonne delta_use: Ændringen -150 besøg pr. person pr. år er usædvanligt "
        "stor (over 100 i units.csv). Tjek tallet."
    ]


def test_calibration_label_on_a_public_row_is_refused(tmp_path):
    kb = copy_small(tmp_path)
    set_cell(kb, "consequences.csv", 2, "calibrated_to", "JM 2021")
    set_cell(kb, "consequences.csv", 2, "illustrative", "false")
    set_cell(kb, "consequences.csv", 2, "source_url", "https://example.org/kilde")
    assert refused(kb) == [
        "consequences.csv:række 2:kolonne illustrative: Rækken er kalibreret til 'JM 2021' og er dermed vores "
        "tilpasning, ikke et offentligt tal: sæt illustrative=true."
    ]


def test_tax_row_with_the_wrong_sign_is_refused(tmp_path):
    kb = copy_small(tmp_path)
    set_cell(kb, "consequences.csv", 6, "delta_use", "-1")
    assert refused(kb) == [
        "consequences.csv:række 6:kolonne delta_use: 'tax' er en indtægt (skat, flow=revenue): ændringen skal være "
        "positiv, fordi en succes giver flere år i job (fik -1). Et tab af skat skrives ikke som negativ skat."
    ]


def test_unit_without_limits_is_refused(tmp_path):
    kb = copy_small(tmp_path)
    rows = rows_of(kb / "units.csv")
    write_rows(kb / "units.csv", [r for r in rows if r[0] != "dag"])
    assert refused(kb) == [
        "services.csv:række 5:kolonne unit: Enheden 'dag' har ingen plausibilitetsgrænser i units.csv; tilføj den dér."
    ]


def test_cell_over_the_csv_field_limit_is_refused(tmp_path):
    # an unclosed quote turns the rest of the file into one cell; past 131.072 characters csv raises csv.Error
    kb = copy_small(tmp_path)
    path = kb / "services.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'x,"' + "a" * 140_000 + "\n", encoding="utf-8")
    found = refused(kb)
    assert len(found) == 1
    assert found[0].startswith("services.csv:række 6: En celle er længere end 131.072 tegn (CSV-modulets grænse).")


def test_table_that_is_a_directory_is_refused(tmp_path):
    kb = copy_small(tmp_path)
    (kb / "prices.csv").unlink()
    (kb / "prices.csv").mkdir()
    assert refused(kb) == ["prices.csv: Er en mappe, ikke en fil. Tabellen skal være en CSV-fil."]


def test_meta_yaml_in_latin_1_is_refused(tmp_path):
    kb = copy_small(tmp_path)
    meta = kb / "meta.yaml"
    text = meta.read_text(encoding="utf-8").replace("Tiny", "Lille båd").replace("–", "-").replace("−", "-")
    meta.write_bytes(text.encode("latin-1"))
    # 'version: "test-1"\n' (18 bytes) + 'default_price_year: 2024\n' (25) + 'description: Lille b' (20) → å at byte 63
    assert refused(kb) == ["meta.yaml: Filen er ikke gemt som UTF-8 (byte 63). Gem den som UTF-8 (fx i Notesblok)."]


def test_meta_yaml_without_limits_is_refused(tmp_path):
    kb = copy_small(tmp_path)
    meta = kb / "meta.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text[: text.index("# Plausibility")], encoding="utf-8")
    assert refused(kb) == ["meta.yaml:felt limits: Skal udfyldes."]


def test_knowledge_folder_that_is_a_file(tmp_path):
    path = tmp_path / "kb.csv"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="Vidensdatabasen findes ikke"):
        load_knowledge(path)


def test_short_row_ending_in_an_empty_cell_is_refused(tmp_path):
    # 10 fields instead of 11, the last one empty: the fast reader pads it, so it must hand over to the careful one
    kb = copy_small(tmp_path)
    path = kb / "consequences.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = "tg_a,job,benefit,3,-20,uge,Testdata,,true,"  # line 4
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert refused(kb) == [
        "consequences.csv:række 4: Forkert antal felter i rækken (der skal være 11, der er 10); er rækken afbrudt?"
    ]


def test_cell_spanning_lines_keeps_line_numbers(tmp_path):
    # a note with a line break (line 2–3) shifts the following rows: the tax row after it is on line 7, not 6
    kb = copy_small(tmp_path)
    path = kb / "consequences.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1] + '"første linje\nanden linje"'
    lines[5] = lines[5].replace(",1,år i job,", ",-1,år i job,")  # job × tax year 2, now on line 7
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert refused(kb)[0].startswith("consequences.csv:række 7:kolonne delta_use: 'tax' er en indtægt")


def test_warnings_are_shown_by_the_app_and_the_browser(tmp_path):
    from som_kernel.format import knowledge_notes_html
    from som_kernel.ui.knowledge_browser import build_knowledge_browser

    kb = copy_small(tmp_path)
    set_cell(kb, "prices.csv", 6, "price", "20000")
    loaded = load_knowledge(kb)
    html = knowledge_notes_html(loaded)
    assert "⚠ Vidensdatabasen har 1 advarsel(er) om usædvanlige tal" in html
    assert "prices.csv:række 6:kolonne price: Prisen 20.000 kr. pr. døgn er usædvanligt høj" in html
    browser = build_knowledge_browser(loaded)
    assert browser.children[0].value.endswith(html)  # the browser's intro


def test_limits_out_of_order_are_refused(tmp_path):
    # units.csv line 2 is døgn: price_high set to 60.000, above its price_max 50.000
    kb = copy_small(tmp_path)
    set_cell(kb, "units.csv", 2, "price_high", "60000")
    assert refused(kb) == [
        "units.csv:række 2:kolonne price_high: Grænserne skal følge hinanden: price_low ≤ price_high ≤ price_max."
    ]


def test_a_monthly_wage_in_wages_csv_is_refused(tmp_path):
    # wages.csv line 2 is raadgiver; 40.000 kr. is a month's wage, under the årsværk row's 150.000 in units.csv
    kb = copy_small(tmp_path)
    set_cell(kb, "wages.csv", 2, "annual_wage", "40000")
    got = refused(kb)
    assert len(got) == 1
    assert got[0].startswith(
        "wages.csv:række 2:kolonne annual_wage: Årslønnen 40.000 kr. pr. årsværk ligger uden for grænserne "
        "150.000 kr.–3.000.000 kr. i units.csv"
    )
    assert got[0].endswith("Er det en måneds- eller timeløn?")


def test_a_year_of_8784_hours_is_not_an_arsvaerk(tmp_path):
    kb = copy_small(tmp_path)
    set_cell(kb, "wages.csv", 3, "hours_per_fte", "8784")
    assert refused(kb) == [
        "wages.csv:række 3:kolonne hours_per_fte: Et årsværk har 8.784 timer; det skal ligge mellem 1.200 og 2.080 "
        "(37 timer × 52 uger = 1.924 betalte timer, færre efter ferie og helligdage)."
    ]


def test_a_knowledge_base_without_wages_loads_with_no_professions(tmp_path):
    kb = copy_small(tmp_path)
    (kb / "wages.csv").unlink()
    assert load_knowledge(kb).wages.empty
