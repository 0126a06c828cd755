"""Excel in and out (issue 12 §3): Danish Excel CSV (semicolons, decimal comma, Windows-1252 or UTF-8 with BOM) is
read and the dialect reported, or refused saying exactly why; the knowledge workbook round-trips byte for byte and
an edited workbook is checked with sheet:række:kolonne messages before anything is written."""

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from small_scenario import one_cohort

from som_kernel import KnowledgeError, calculate, load_knowledge
from som_kernel.kb.workbook import export_xlsx
from som_kernel.kb.workbook_import import export_layer, import_xlsx
from som_kernel.knowledge import DEFAULT_KNOWLEDGE_DIR, TABLES
from som_kernel.knowledge.__main__ import main

FIXTURE = Path(__file__).parent / "fixtures" / "kb_small"


def copy_small(tmp_path: Path) -> Path:
    dst = tmp_path / "kb"
    shutil.copytree(FIXTURE, dst)
    return dst


def as_danish_excel(path: Path, encoding: str = "cp1252") -> None:
    """Rewrite a CSV as Danish Excel saves it: semicolons, decimal commas in numbers, the given encoding."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))

    def dk(cell: str) -> str:
        try:
            float(cell)
        except ValueError:
            return cell
        return cell.replace(".", ",")

    text_rows = [rows[0], *([dk(c) for c in r] for r in rows[1:])]
    with path.open("w", newline="", encoding=encoding) as f:
        csv.writer(f, delimiter=";", lineterminator="\r\n").writerows(text_rows)


def test_danish_excel_csv_is_read_and_reported(tmp_path):
    # consequences.csv has decimals (0.5 år i job on line 5); as Danish Excel they are "0,5" with semicolons
    kb = copy_small(tmp_path)
    as_danish_excel(kb / "consequences.csv")
    as_danish_excel(kb / "prices.csv", encoding="utf-8-sig")
    loaded = load_knowledge(kb)
    assert loaded.dialects["consequences.csv"] == "semikolon, decimalkomma, Windows-1252"
    assert loaded.dialects["prices.csv"] == "semikolon, decimalkomma, UTF-8 med BOM"
    assert loaded.dialects["services.csv"] == "komma, UTF-8"
    original = load_knowledge(FIXTURE)
    pd.testing.assert_frame_equal(loaded.consequences, original.consequences)
    pd.testing.assert_frame_equal(loaded.prices, original.prices)
    assert loaded.consequences.loc[3, "delta_use"] == 0.5


def test_danish_excel_thousands_dot_is_read(tmp_path):
    # in a semicolon file the decimal sign is the comma, so "1.469,50" can only be 1469.5
    kb = copy_small(tmp_path)
    as_danish_excel(kb / "prices.csv")
    path = kb / "prices.csv"
    path.write_text(path.read_text(encoding="cp1252").replace(";3000;", ";1.469,50;"), encoding="cp1252")
    assert load_knowledge(kb).prices.loc[0, "price"] == 1469.5


def test_danish_excel_with_a_decimal_point_is_refused(tmp_path):
    kb = copy_small(tmp_path)
    as_danish_excel(kb / "consequences.csv")
    path = kb / "consequences.csv"
    path.write_text(path.read_text(encoding="cp1252").replace(";0,5;", ";0.5;"), encoding="cp1252")
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(kb)
    assert [str(p) for p in e.value.problems] == [
        "consequences.csv:række 5:kolonne delta_use: Filen er dansk Excel-CSV (semikolon), så decimaler skrives med "
        "komma; '0.5' er tvetydigt. Skriv fx 0,5."
    ]


def test_decimal_comma_in_a_comma_file_says_why(tmp_path):
    kb = copy_small(tmp_path)
    path = kb / "consequences.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",0.5,", ',"0,5",'), encoding="utf-8")
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(kb)
    assert [str(p) for p in e.value.problems] == [
        "consequences.csv:række 5:kolonne delta_use: Skal være et tal med decimalpunktum (fik '0,5'); filen er "
        "kommasepareret, så et decimalkomma kan ikke læses. Skriv punktum, eller gem fra Excel som 'CSV "
        "(semikolonsepareret)'."
    ]


def test_danish_true_false_are_read(tmp_path):
    # Danish Excel writes TRUE/FALSE as SAND/FALSK
    kb = copy_small(tmp_path)
    path = kb / "services.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",true\n", ",SAND\n"), encoding="utf-8")
    assert load_knowledge(kb).services["illustrative"].all()


@pytest.mark.parametrize("folder", [FIXTURE, DEFAULT_KNOWLEDGE_DIR], ids=["kb_small", "shipped"])
def test_workbook_round_trip_is_identical(tmp_path, folder):
    book = export_xlsx(folder, tmp_path / "viden.xlsx")
    back = import_xlsx(book, tmp_path / "tilbage")
    rules = [str(f.relative_to(folder)) for f in sorted(folder.glob("rules/*.yaml"))]
    extra = [*rules, "rule_links.csv", "committees.csv", "committee_map.csv"] if rules else []
    for name in [*TABLES, "meta.yaml", *extra]:
        assert (back / name).read_bytes() == (folder / name).read_bytes(), name


def test_workbook_carries_the_rules_and_checks_an_edited_rule(tmp_path):
    # the shipped base: rule_links as a table sheet, each rule file as a text sheet 'regel_<navn>'
    path = export_xlsx(DEFAULT_KNOWLEDGE_DIR, tmp_path / "viden.xlsx")
    book = load_workbook(path)
    assert "rule_links" in book.sheetnames
    assert {n for n in book.sheetnames if n.startswith("regel_")} == {
        "regel_" + f.stem for f in (DEFAULT_KNOWLEDGE_DIR / "rules").glob("*.yaml")
    }
    # an edit of bundskat 2026 (12,01 % → 12,5 %) is written to rules/skat_overfoersler.yaml
    sheet = book["regel_skat_overfoersler"]
    cells = [c for c in sheet["A"] if c.value == "        value: 0.1201"]
    cells[-1].value = "        value: 0.125"
    book.save(path)
    back = import_xlsx(path, tmp_path / "tilbage")
    assert "        value: 0.125" in (back / "rules" / "skat_overfoersler.yaml").read_text(encoding="utf-8")
    # the rule is checked like a file: a misspelt field ('vaerdi' for 'value') is refused naming the rule's sheet
    cells[-1].value = "        vaerdi: 0.125"
    book.save(path)
    with pytest.raises(KnowledgeError) as e:
        import_xlsx(path, tmp_path / "igen")
    assert any(p.where.startswith("regel_skat_overfoersler") for p in e.value.problems)
    assert not (tmp_path / "igen").exists()


def test_workbook_refuses_an_edit_of_a_rule_derived_price(tmp_path):
    # kontanthjælp's kommune row is derived by the rule (2.205 kr.); changed in the prices sheet it is refused
    path = export_xlsx(DEFAULT_KNOWLEDGE_DIR, tmp_path / "viden.xlsx")
    book = load_workbook(path)
    prices = book["prices"]
    row = next(r for r in prices.iter_rows(min_row=2) if r[0].value == "kontanthjaelp" and r[1].value == "kommune")
    row[2].value = 4410
    book.save(path)
    with pytest.raises(KnowledgeError) as e:
        import_xlsx(path, tmp_path / "tilbage")
    [problem] = e.value.problems
    assert problem.where == f"prices:række {row[0].row}:kolonne price"
    assert "er afledt af regel" in problem.message


def test_workbook_has_one_sheet_per_table_with_sources_and_numbers(tmp_path):
    book = load_workbook(export_xlsx(FIXTURE, tmp_path / "viden.xlsx"))
    assert book.sheetnames == ["Vejledning", *(n.removesuffix(".csv") for n in TABLES), "meta"]
    prices = book["prices"]
    header = [c.value for c in prices[1]]
    assert header[:8] == [
        "service",
        "actor",
        "price",
        "unit",
        "price_year",
        "source_title",
        "source_url",
        "illustrative",
    ]
    # line 2: benefit, kommune, 3000 kr. pr. uge: a number and a boolean, not text
    assert [c.value for c in prices[2]][:8] == ["benefit", "kommune", 3000, "kr. pr. uge", 2024, "Testdata", None, True]
    # 2020's index written "100" stays a whole number; the shipped "100.0" keeps its decimal through number_format
    assert book["net_price_index"]["B2"].value == 100


def test_text_starting_with_equals_stays_text(tmp_path):
    kb = copy_small(tmp_path)
    path = kb / "services.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Kontanthjælp", "=HYPERLINK(1)"), encoding="utf-8")
    book = export_xlsx(kb, tmp_path / "viden.xlsx")
    cell = load_workbook(book)["services"]["B2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=HYPERLINK(1)", "s", True)
    back = import_xlsx(book, tmp_path / "tilbage")
    assert (back / "services.csv").read_bytes() == path.read_bytes()


def _edit(book: Path, sheet: str, cell: str, value) -> None:
    wb = load_workbook(book)
    wb[sheet][cell] = value
    wb.save(book)


def test_edited_workbook_is_checked_with_sheet_row_column(tmp_path):
    book = export_xlsx(FIXTURE, tmp_path / "viden.xlsx")
    _edit(book, "prices", "C2", -5)  # benefit/kommune price
    _edit(book, "consequences", "E3", "mange")  # job × benefit year 2, delta_use
    target = tmp_path / "tilbage"
    with pytest.raises(KnowledgeError) as e:
        import_xlsx(book, target)
    assert [str(p) for p in e.value.problems] == [
        "prices:række 2:kolonne price: Prisen må ikke være negativ eller uendelig (fik -5).",
        "consequences:række 3:kolonne delta_use: Skal være et tal (fik 'mange').",
    ]
    assert not target.exists()  # nothing written


def test_edited_workbook_cross_table_check_names_the_sheet(tmp_path):
    book = export_xlsx(FIXTURE, tmp_path / "viden.xlsx")
    _edit(book, "consequences", "C2", "findes_ikke")
    with pytest.raises(KnowledgeError) as e:
        import_xlsx(book, tmp_path / "tilbage")
    assert "consequences:række 2:kolonne service: Ukendt ydelse 'findes_ikke'." in [str(p) for p in e.value.problems]


def test_edited_workbook_with_a_new_price_is_written(tmp_path):
    book = export_xlsx(FIXTURE, tmp_path / "viden.xlsx")
    _edit(book, "prices", "C2", 3250.5)
    back = import_xlsx(book, tmp_path / "tilbage")
    assert load_knowledge(back).prices.loc[0, "price"] == 3250.5
    assert (back / "prices.csv").read_text(encoding="utf-8").splitlines()[1].startswith("benefit,kommune,3250.5,")


def test_date_made_by_excel_is_refused(tmp_path):
    import datetime as dt

    book = export_xlsx(FIXTURE, tmp_path / "viden.xlsx")
    _edit(book, "consequences", "E5", dt.datetime(2026, 5, 1))  # Danish Excel turns "1.5" into 1 May
    with pytest.raises(KnowledgeError) as e:
        import_xlsx(book, tmp_path / "tilbage")
    assert str(e.value.problems[0]).startswith(
        "consequences:række 5:kolonne delta_use: Excel har lavet værdien om til en dato/tid (2026-05-01 00:00:00)."
    )


def test_missing_and_unknown_sheets(tmp_path):
    book = export_xlsx(FIXTURE, tmp_path / "viden.xlsx")
    wb = load_workbook(book)
    del wb["units"]
    wb.create_sheet("Ark1")
    wb.save(book)
    with pytest.raises(KnowledgeError) as e:
        import_xlsx(book, tmp_path / "tilbage")
    found = [str(p) for p in e.value.problems]
    assert "units: Arket mangler i projektmappen." in found
    assert any(p.startswith("Ark1: Ukendt ark.") for p in found)


def test_not_a_workbook(tmp_path):
    path = tmp_path / "viden.xlsx"
    path.write_text("ikke excel", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="kan ikke åbnes som Excel-projektmappe"):
        import_xlsx(path, tmp_path / "tilbage")


def test_command_line_round_trip_and_error(tmp_path, capsys):
    book = tmp_path / "viden.xlsx"
    assert main(["export-xlsx", str(FIXTURE), str(book)]) == 0
    assert main(["import-xlsx", str(book), str(tmp_path / "tilbage")]) == 0
    assert (tmp_path / "tilbage" / "prices.csv").read_bytes() == (FIXTURE / "prices.csv").read_bytes()
    _edit(book, "prices", "C2", -5)
    assert main(["import-xlsx", str(book), str(tmp_path / "igen")]) == 1
    err = capsys.readouterr().err
    assert "prices:række 2:kolonne price: Prisen må ikke være negativ" in err
    assert "Traceback" not in err


def test_base_workbook_carries_the_committees_and_checks_them(tmp_path):
    # the shipped base: committees.csv and committee_map.csv as sheets; an unknown committee typed in the map is
    # refused naming the sheet, row and column, as the file's own check names committee_map.csv
    path = export_xlsx(DEFAULT_KNOWLEDGE_DIR, tmp_path / "viden.xlsx")
    book = load_workbook(path)
    assert {"committees", "committee_map"} <= set(book.sheetnames)
    row = next(r for r in book["committee_map"].iter_rows(min_row=2) if r[1].value == "kontanthjaelp")
    row[3].value = "xx"
    book.save(path)
    with pytest.raises(KnowledgeError) as e:
        import_xlsx(path, tmp_path / "tilbage")
    assert [str(p) for p in e.value.problems] == [
        f"committee_map:række {row[0].row}:kolonne committee: Ukendt udvalg 'xx'."
    ]
    assert not (tmp_path / "tilbage").exists()


# ---- a kommune's local layer as a workbook -------------------------------------------------------------------

EXAMPLE_LAYER = DEFAULT_KNOWLEDGE_DIR / "lokale" / "eksempel_kommune"
LAYER_SHEETS = ["prices", "consequences", "effect_studies", "wages", "committees", "committee_map"]


def example_layer(tmp_path: Path) -> Path:
    """A copy of the shipped example layer, which has every table a layer can hold (its socialrådgiver wage too)."""
    layer = tmp_path / "eksempel_kommune"
    shutil.copytree(EXAMPLE_LAYER, layer)
    return layer


def test_layer_workbook_round_trip_is_identical(tmp_path):
    layer = example_layer(tmp_path)
    book = export_layer(layer, tmp_path / "lag.xlsx")
    assert load_workbook(book).sheetnames == ["Vejledning", "lokal", *LAYER_SHEETS]
    back = import_xlsx(book, tmp_path / "tilbage")
    # every table byte for byte; lokal.yaml is rewritten from the sheet's cells with the same fields
    tables = sorted(p.name for p in layer.glob("*.csv"))
    assert tables == sorted(f"{s}.csv" for s in LAYER_SHEETS)
    for name in tables:
        assert (back / name).read_bytes() == (layer / name).read_bytes(), name
    import yaml

    assert yaml.safe_load((back / "lokal.yaml").read_text(encoding="utf-8")) == yaml.safe_load(
        (layer / "lokal.yaml").read_text(encoding="utf-8")
    )
    # the same layer whichever form it is loaded from: folder, workbook, imported folder
    kbs = [load_knowledge(local=p) for p in (layer, book, back)]
    for kb in kbs[1:]:
        assert (kb.local.name, kb.local.kommune, kb.local.description, kb.local.rows) == (
            kbs[0].local.name,
            kbs[0].local.kommune,
            kbs[0].local.description,
            kbs[0].local.rows,
        )
        for table in ("prices", "consequences", "effect_studies", "wages"):
            pd.testing.assert_frame_equal(getattr(kb, table), getattr(kbs[0], table), check_dtype=False)
        pd.testing.assert_frame_equal(kb.committees.committees, kbs[0].committees.committees, check_dtype=False)
        pd.testing.assert_frame_equal(kb.committees.links, kbs[0].committees.links, check_dtype=False)
    assert kbs[1].committees.names["beskaeftigelse"] == "Job- og Arbejdsmarkedsudvalget"
    assert kbs[1].wages.set_index("profession").at["socialraadgiver", "local_layer"] == "eksempel_kommune"


def test_committee_from_a_layer_workbook_moves_kroner_between_committees(tmp_path):
    # kb_small with committees: benefit → the labour-market committee, tax → the finance committee, the costs
    # (welfare area social) → the social committee; the layer workbook moves benefit to the social committee
    base = copy_small(tmp_path)
    src = "source_title,source_url,illustrative\n"
    (base / "committees.csv").write_text(
        "id,name,kontoplan," + src + "arbejde,Arbejdsmarkedsudvalget,5.57,Testdata,,true\n"
        "social,Socialudvalget,5.38,Testdata,,true\noekonomi,Økonomiudvalget,7,Testdata,,true\n",
        encoding="utf-8",
    )
    (base / "committee_map.csv").write_text(
        "kind,key,function,committee," + src + "service,benefit,5.57.73,arbejde,Testdata,,true\n"
        "service,tax,7,oekonomi,Testdata,,true\ncost,social,5.38,social,Testdata,,true\n",
        encoding="utf-8",
    )
    layer = tmp_path / "lag"
    layer.mkdir()
    (layer / "lokal.yaml").write_text("name: udvalgslag\nkommune: Testkommune\n", encoding="utf-8")
    (layer / "committee_map.csv").write_text(
        "kind,key,function,committee," + src + "service,benefit,5.57.73,social,Testkommunens styrelsesvedtægt,,true\n",
        encoding="utf-8",
    )
    book = export_layer(layer, tmp_path / "lag.xlsx")
    scenario = one_cohort()
    by = lambda kb: {  # noqa: E731
        c: [round(v) for v in col] for c, col in calculate(scenario, kb).by_committee().items()
    }
    # 5 successes (10 · 50 %). Benefit, kommune: 10, 20, 20 weeks · 3.000 kr. · 5 = 150.000 / 300.000 / 300.000;
    # tax, kommune: 0,5, 1, 1 years · 50.000 kr. · 5 = 125.000 / 250.000 / 250.000; costs 50.000 + 10 · 100.000 =
    # 1.050.000 in 2025. The kommune in all: −775.000 / 550.000 / 550.000 either way.
    assert by(load_knowledge(base, local=False)) == {
        "arbejde": [150_000, 300_000, 300_000],
        "social": [-1_050_000, 0, 0],
        "oekonomi": [125_000, 250_000, 250_000],
        "total": [-775_000, 550_000, 550_000],
    }
    # with the workbook the benefit's kroner move to the social committee: −1.050.000 + 150.000 = −900.000,
    # then 300.000 and 300.000; the labour-market committee carries nothing
    assert by(load_knowledge(base, local=book)) == {
        "social": [-900_000, 300_000, 300_000],
        "oekonomi": [125_000, 250_000, 250_000],
        "total": [-775_000, 550_000, 550_000],
    }


def test_layer_workbook_committee_errors_name_file_sheet_row_column(tmp_path):
    layer = example_layer(tmp_path)
    book = export_layer(layer, tmp_path / "lag.xlsx")
    _edit(book, "committee_map", "D3", "xx")  # an unknown committee
    _edit(book, "committees", "A2", "Beskæftigelse")  # not an id
    _edit(book, "wages", "F2", None)  # no source
    with pytest.raises(KnowledgeError) as e:
        import_xlsx(book, tmp_path / "tilbage")
    assert [p.where for p in e.value.problems] == [
        "lag.xlsx:wages:række 2:kolonne source_title",
        "lag.xlsx:committees:række 2:kolonne id",
    ]
    assert not (tmp_path / "tilbage").exists()  # nothing written
    _edit(book, "committees", "A2", "beskaeftigelse")
    _edit(book, "wages", "F2", "Eksempel Kommune: opdigtede tal til eksemplet (illustrativt)")
    # the same message as the folder layer's committee_map.csv (test_committees.py), with the workbook's sheet
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(local=book)
    assert [str(p) for p in e.value.problems] == [
        "lag.xlsx:committee_map:række 3:kolonne committee: Ukendt udvalg 'xx'."
    ]


def test_layer_workbook_import_keeps_a_folder_from_mixing_layers(tmp_path):
    without_wages = example_layer(tmp_path / "ny")
    (without_wages / "wages.csv").unlink()
    book = export_layer(without_wages, tmp_path / "lag.xlsx")  # no wages sheet
    target = example_layer(tmp_path / "gammel")  # a folder with wages.csv
    with pytest.raises(KnowledgeError) as e:
        import_xlsx(book, target)
    assert [str(p) for p in e.value.problems] == [
        "eksempel_kommune/wages.csv: Mappen har wages.csv, men projektmappen har ikke arket 'wages'. Vælg en tom "
        "mappe, eller slet filen, hvis laget ikke længere skal have den."
    ]


def test_command_line_layer_round_trip(tmp_path, capsys):
    book = tmp_path / "lag.xlsx"
    assert main(["export-xlsx", str(EXAMPLE_LAYER), str(book)]) == 0
    assert (
        main(["import-xlsx", str(book), str(tmp_path / "tilbage"), "--vidensdatabase", str(DEFAULT_KNOWLEDGE_DIR)]) == 0
    )
    assert (tmp_path / "tilbage" / "committee_map.csv").read_bytes() == (
        EXAMPLE_LAYER / "committee_map.csv"
    ).read_bytes()
    # on kb_small the example layer's services and target groups are unknown: refused, naming the workbook's sheets
    assert main(["import-xlsx", str(book), str(tmp_path / "igen"), "--vidensdatabase", str(FIXTURE)]) == 1
    assert "lag.xlsx:prices:række 2:kolonne service: Ukendt ydelse" in capsys.readouterr().err


def test_layer_workbook_without_its_lokal_sheet_is_refused(tmp_path):
    # before, a workbook without 'lokal' loaded as no layer at all, silently
    book = export_layer(EXAMPLE_LAYER, tmp_path / "lag.xlsx")
    wb = load_workbook(book)
    del wb["lokal"]
    wb.save(book)
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(local=book)
    assert [str(p) for p in e.value.problems] == [
        "lag.xlsx:lokal: Arket mangler (name, kommune og description for laget)."
    ]
    # nor can it be imported: with neither 'meta' nor 'lokal' the workbook is neither a base nor a layer
    with pytest.raises(KnowledgeError) as e:
        import_xlsx(book, tmp_path / "tilbage")
    assert [str(p) for p in e.value.problems] == [
        "lag.xlsx: Projektmappen har hverken arket 'meta' (en hel vidensdatabase) eller arket 'lokal' (et lokalt lag: "
        "name, kommune og description)."
    ]
