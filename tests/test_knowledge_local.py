"""A kommune's own numbers on top of the national knowledge base (issue 12 §4): the local layer replaces prices
per service × actor, consequence profiles per target group × outcome × service and effect studies per id, is
marked "lokal" in the tables the export and reports use, and a scenario file records which layer it was computed
with. Hand-computed on tests/fixtures/kb_small (see test_engine_golden.py for the fixture's numbers)."""

import csv
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook
from small_scenario import one_cohort, small

from som_kernel import KnowledgeError, build_scenario, calculate, load_knowledge, load_scenario, reporting
from som_kernel.export import workbook
from som_kernel.knowledge import DEFAULT_KNOWLEDGE_DIR
from som_kernel.scenario import local_layer_warning, save_scenario, with_local_layer

FIXTURE = Path(__file__).parent / "fixtures" / "kb_small"
EXAMPLE_LAYER = DEFAULT_KNOWLEDGE_DIR / "lokale" / "eksempel_kommune"
SRC = {"source_title": "Testkommunens takstblad", "source_url": "", "illustrative": "true"}


def write(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def make_layer(folder: Path, benefit_price: str = "3300") -> Path:
    """benefit/kommune 3.300 kr. pr. uge (national 3.000); job × benefit profile −12, −22 uger in years 1–2
    (national −10, −20, −20 in years 1–3); one local effect study."""
    folder.mkdir(parents=True)
    (folder / "lokal.yaml").write_text("name: testlag\nkommune: Testkommune\ndescription: Til test\n", encoding="utf-8")
    price = {"service": "benefit", "actor": "kommune", "price": benefit_price, "unit": "kr. pr. uge"}
    write(folder / "prices.csv", [{**price, "price_year": "2024", **SRC}])
    cons = [
        {"target_group": "tg_a", "outcome": "job", "service": "benefit", "year": str(y), "delta_use": d, "unit": "uge"}
        for y, d in ((1, "-12"), (2, "-22"))
    ]
    write(folder / "consequences.csv", [{**c, **SRC} for c in cons])
    study = {
        "id": "study_local",
        "name": "Egen evaluering",
        "target_group": "tg_a",
        "outcome": "job",
        "measure": "procentpoint i job",
        "success_rate": "0.08",
        "design": "Før-efter",
        "evidence_level": "3",
        "country": "Danmark",
    }
    write(folder / "effect_studies.csv", [{**study, **SRC}])
    return folder


def test_layer_changes_the_result_by_hand(tmp_path):
    kb = load_knowledge(FIXTURE, local=make_layer(tmp_path / "lag"))
    # per success, kommune: year 1 12·3.300 + 0,5·50.000 = 64.600; year 2 22·3.300 + 50.000 = 122.600;
    # year 3 (no local benefit row: the local profile replaces all national years) 0 + 50.000 = 50.000
    # × 5 successes: 323.000 / 613.000 / 250.000; 2025 minus costs 1.050.000 → −727.000
    # stat: 12·1.000 + 15.000 = 27.000; 22·1.000 + 30.000 = 52.000; 30.000 → × 5: 135.000 / 260.000 / 150.000
    by = calculate(one_cohort(), kb).by_year_actor()
    assert {int(y): round(v) for y, v in by["kommune"].items()} == {2025: -727_000, 2026: 613_000, 2027: 250_000}
    assert {int(y): round(v) for y, v in by["stat"].items()} == {2025: 135_000, 2026: 260_000, 2027: 150_000}
    # the national base is untouched: without the layer, kommune is −775.000 / 550.000 / 550.000 as in the golden test
    national = calculate(one_cohort(), load_knowledge(FIXTURE, local=False)).by_year_actor()
    assert {int(y): round(v) for y, v in national["kommune"].items()} == {2025: -775_000, 2026: 550_000, 2027: 550_000}


def test_layer_rows_are_marked(tmp_path):
    kb = load_knowledge(FIXTURE, local=make_layer(tmp_path / "lag"))
    assert kb.local.name == "testlag"
    assert kb.local.kommune == "Testkommune"
    assert kb.local.rows == {"prices.csv": 1, "consequences.csv": 2, "effect_studies.csv": 1}
    p = kb.prices.set_index(["service", "actor"])
    assert p.loc[("benefit", "kommune"), "price"] == 3300
    assert p.loc[("benefit", "kommune"), "local_layer"] == "testlag"
    assert p.loc[("benefit", "stat"), "local_layer"] == ""  # national, unchanged
    job_benefit = kb.consequences_for("tg_a", "job").query("service == 'benefit'")
    assert list(job_benefit["delta_use"]) == [-12, -22]
    assert set(job_benefit["local_layer"]) == {"testlag"}
    assert list(kb.effect_studies["id"]) == ["study_a", "study_local"]


def test_layer_from_environment(tmp_path, monkeypatch):
    # `make app` passes no path: SOM_KNOWLEDGE and SOM_LOCAL choose the base and the layer
    layer = make_layer(tmp_path / "lag")
    monkeypatch.setenv("SOM_KNOWLEDGE", str(FIXTURE))
    monkeypatch.setenv("SOM_LOCAL", str(layer))
    assert load_knowledge().local.name == "testlag"
    assert load_knowledge(FIXTURE).local is None  # an explicit base takes no layer from the environment
    assert load_knowledge(local=False).local is None


def test_layer_errors_name_the_layer_file(tmp_path):
    layer = make_layer(tmp_path / "lag", benefit_price="-1")
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(FIXTURE, local=layer)
    assert [str(p) for p in e.value.problems] == [
        "lag/prices.csv:række 2:kolonne price: Prisen må ikke være negativ eller uendelig (fik -1)."
    ]


def test_layer_cross_checks_name_the_layer_file(tmp_path):
    layer = make_layer(tmp_path / "lag", benefit_price="182500")  # a year's price as a weekly price
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(FIXTURE, local=layer)
    assert str(e.value.problems[0]).startswith(
        "lag/prices.csv:række 2:kolonne price: Prisen 182.500 kr. pr. uge er over grænsen 40.000 kr. i units.csv"
    )


def test_layer_without_lokal_yaml_or_tables(tmp_path):
    empty = tmp_path / "tom"
    empty.mkdir()
    (empty / "andet.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(FIXTURE, local=empty)
    assert [str(p) for p in e.value.problems] == [
        "tom: Ukendte tabeller i det lokale lag: andet.csv. Et lokalt lag kan have prices.csv, consequences.csv, "
        "effect_studies.csv, wages.csv, committees.csv, committee_map.csv.",
        "tom/lokal.yaml: Filen mangler (name, kommune og description for laget).",
    ]
    with pytest.raises(KnowledgeError, match="Det lokale lag findes ikke"):
        load_knowledge(FIXTURE, local=tmp_path / "findes_ikke")


def test_layer_as_workbook(tmp_path):
    wb = Workbook()
    meta = wb.active
    meta.title = "lokal"
    for row in (["felt", "værdi"], ["name", "arklag"], ["kommune", "Arkkommune"], ["description", "Fra Excel"]):
        meta.append(row)
    prices = wb.create_sheet("prices")
    prices.append(["service", "actor", "price", "unit", "price_year", "source_title", "source_url", "illustrative"])
    prices.append(["shelter", "kommune", 650.5, "kr. pr. døgn", 2024, "Kommunens takstblad", None, True])
    wb.save(tmp_path / "lag.xlsx")
    kb = load_knowledge(FIXTURE, local=tmp_path / "lag.xlsx")
    assert (kb.local.name, kb.local.kommune) == ("arklag", "Arkkommune")
    p = kb.prices.set_index(["service", "actor"])
    assert (p.loc[("shelter", "kommune"), "price"], p.loc[("shelter", "kommune"), "local_layer"]) == (650.5, "arklag")


def test_content_hash_follows_the_content(tmp_path):
    a = load_knowledge(FIXTURE, local=make_layer(tmp_path / "a")).local.hash
    b = load_knowledge(FIXTURE, local=make_layer(tmp_path / "b")).local.hash
    c = load_knowledge(FIXTURE, local=make_layer(tmp_path / "c", benefit_price="3400")).local.hash
    assert a == b != c
    assert len(a) == 12


def test_scenario_records_its_layer_and_warns_when_opened_with_another(tmp_path):
    layer_kb = load_knowledge(FIXTURE, local=make_layer(tmp_path / "lag"))
    other_kb = load_knowledge(FIXTURE, local=make_layer(tmp_path / "lag2", benefit_price="3400"))
    national = load_knowledge(FIXTURE, local=False)
    path = tmp_path / "beregning.json"
    save_scenario(one_cohort(), path, layer_kb)
    saved = load_scenario(path)
    assert saved.local_layer.name == "testlag"
    assert saved.local_layer.hash == layer_kb.local.hash
    assert local_layer_warning(saved, layer_kb) is None
    h, h2 = layer_kb.local.hash, other_kb.local.hash
    assert local_layer_warning(saved, other_kb) == (
        f"Beregningen blev gemt med det lokale lag 'testlag' (Testkommune, version {h}), men regnes nu med det lokale "
        f"lag 'testlag' (Testkommune, version {h2}); tallene kan derfor afvige fra de gemte."
    )
    assert local_layer_warning(saved, national) == (
        f"Beregningen blev gemt med det lokale lag 'testlag' (Testkommune, version {h}), men regnes nu med den "
        "nationale vidensdatabase uden lokalt lag; tallene kan derfor afvige fra de gemte."
    )
    assert local_layer_warning(with_local_layer(saved, national), national) is None
    assert with_local_layer(saved, national).local_layer is None


def test_export_and_reports_show_lokal(tmp_path):
    kb = load_knowledge(FIXTURE, local=make_layer(tmp_path / "lag"))
    result = calculate(one_cohort(), kb)
    ws = workbook(result, kb)["Input"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    # consequence rows of job × benefit (years 1, 2) and the benefit/kommune price are marked; benefit/stat is not
    local_marks = [r for r in values if "lokal (testlag)" in r]
    assert len(local_marks) == 3
    price_rows = [r for r in values if r[0] == "Kontanthjælp" and r[1] in ("Kommune", "Stat")]
    assert [(r[1], r[2], r[4]) for r in price_rows] == [("Kommune", 3300, "lokal (testlag)"), ("Stat", 1000, "")]
    summary = [[c.value for c in row] for row in workbook(result, kb)["Resumé"].iter_rows()]
    assert ["Lokalt lag", f"Testkommune (testlag, {kb.local.hash})"] == [v for v in summary if v[0] == "Lokalt lag"][0][
        :2
    ]
    table = reporting.consequences_table(result.scenario, kb).set_index("Ydelse")
    assert table.at["Kontanthjælp", "Pris kommune"] == "3.300 kr. (lokal)"
    assert table.at["Kontanthjælp", "Pris stat"] == "1.000 kr."
    assert table.at["Kontanthjælp", "Kilde"].startswith("lokal (testlag): Testkommunens takstblad")
    assumptions = reporting.assumptions(result.scenario, kb).set_index("Antagelse")
    assert assumptions.at["Lokalt lag", "Værdi"] == "Testkommune (testlag)"


def test_knowledge_warnings_in_the_export(tmp_path):
    kb_dir = tmp_path / "kb"
    shutil.copytree(FIXTURE, kb_dir)
    path = kb_dir / "prices.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("shelter,kommune,500,", "shelter,kommune,20000,"))
    kb = load_knowledge(kb_dir)
    ws = workbook(calculate(one_cohort(), kb), kb)["Input"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    at = next(i for i, r in enumerate(values) if r[0] == "Advarsler fra vidensdatabasen: hvor")
    assert values[at + 1][:2] == [
        "prices.csv:række 6:kolonne price",
        "Prisen 20.000 kr. pr. døgn er usædvanligt høj (over 15.000 kr. i units.csv). Tjek enheden.",
    ]


def test_example_layer_on_the_shipped_base():
    kb = load_knowledge(local=EXAMPLE_LAYER)
    assert kb.local.kommune == "Eksempel Kommune"
    assert kb.warnings == ()
    scenario = load_scenario(DEFAULT_KNOWLEDGE_DIR.parent / "notebooks" / "scenarier" / "eksempel.json")
    # the example layer has its own kontanthjælp profile for IPS (−20 … −12,8 uger against the national −18 … −12):
    # more weeks saved, so the kommune gains more; the region has no local rows and gains the same
    local, national = calculate(scenario, kb).totals(), calculate(scenario, load_knowledge(local=False)).totals()
    assert local["kommune"] > national["kommune"]
    assert local["region"] == pytest.approx(national["region"])
    assert local_layer_warning(scenario, kb).startswith("Beregningen blev gemt med den nationale vidensdatabase")


def _html_texts(widget) -> list[str]:
    """Every HTML value under an ipywidgets tree."""
    out = [widget.value] if hasattr(widget, "value") and isinstance(widget.value, str) else []
    for child in getattr(widget, "children", ()):
        out += _html_texts(child)
    return out


def test_app_shows_the_layer_marks_it_and_stamps_saved_files(tmp_path):
    import base64
    import json

    from som_kernel.scenario import scenario_to_json
    from som_kernel.ui.app import TAB_CONSEQUENCES, build_app

    kb = load_knowledge(FIXTURE, local=make_layer(tmp_path / "lag"))
    app = build_app(kb, build_scenario(small()))
    assert any("Lokalt lag:</b> Testkommune (testlag" in t for t in _html_texts(app.widget))
    # 1 success; kommune 64.600 + 122.600 + 50.000 = 237.200, stat 27.000 + 52.000 + 30.000 = 109.000 (see
    # test_layer_changes_the_result_by_hand); minus 10 · 20.000 = 200.000 in costs → 146.200 kr. (national: 200.000)
    assert "146.200 kr." in app.status.value
    app.tabs.selected_index = TAB_CONSEQUENCES
    assert any('title="testlag">lokal</span>' in t and "Kontanthjælp" in t for t in _html_texts(app.consequences.box))
    link = app.save_link.value
    saved = json.loads(base64.b64decode(link[link.index("base64,") + 7 : link.index('"', link.index("base64,"))]))
    assert saved["local_layer"] == {"name": "testlag", "kommune": "Testkommune", "hash": kb.local.hash}
    # a file saved without a layer says so when opened here
    assert app.load_file(scenario_to_json(build_scenario(small())).encode("utf-8"), "national.json")
    assert "⚠ Beregningen blev gemt med den nationale vidensdatabase uden lokalt lag" in app.file_msg.value


def test_local_price_wins_over_a_rule():
    # herberg_doegn is priced by the § 110 rule (rule_links.csv); the example layer's own prices (820 kr. pr. døgn
    # for kommune and stat at 2024 prices) are used as they are, as a scenario's price override would be;
    # the region has no local row and keeps the rule's price
    import numpy as np

    from som_kernel.steps.prices import consequence_prices

    kb = load_knowledge(local=EXAMPLE_LAYER)
    national = load_knowledge(local=False)
    scenario = build_scenario(
        {
            "target_group": "hjemloeshed",
            "participants": [10],
            "duration_years": 1,
            "outcomes": [{"outcome": "hjemloeshed_ud_af_hjemloeshed", "success_rate": 0.2}],
            "settings": {"price_year": 2024, "first_year": 2026, "horizon_years": 2},
        }
    )
    args = (np.array(["herberg_doegn"]), np.array([[2026]]), np.array([1]))
    local = consequence_prices(scenario, kb, *args)[0, 0]
    rule = consequence_prices(scenario, national, *args)[0, 0]
    assert (local[0], local[2]) == (820, 820)
    assert local[1] == rule[1]
    assert (rule[0], rule[2]) != (820, 820)


def add_wage(folder: Path, annual_wage: str = "528000", **source) -> Path:
    """A local wage for kb_small's raadgiver: 528.000 kr. / 1.600 timer = 330 kr. pr. time (national 480.000 kr.
    / 1.600 = 300 kr. pr. time), both at 2024 prices."""
    wage = {"profession": "raadgiver", "name": "Rådgiver", "annual_wage": annual_wage, "hours_per_fte": "1600"}
    write(folder / "wages.csv", [{**wage, "price_year": "2024", **SRC, **source}])
    return folder


def with_counsellor_hours() -> dict:
    # SMALL (10 starters, 20.000 kr. each to the kommune) plus 40 counsellor hours per participant; kb_small has no
    # overhead share, so a staff line is hours × hourly wage
    data = small()
    data["costs"]["resources"] = [
        {"name": "Rådgivning", "line": "running_per_participant", "quantity": 40, "profession": "raadgiver"}
    ]
    return data


def test_local_wage_changes_a_resource_line_by_hand(tmp_path):
    from som_kernel.describe import resource_rows
    from som_kernel.knowledge_tables import Filters, wage_table
    from som_kernel.steps.costs import price_resources
    from som_kernel.ui.app_resources import profession_options

    layer = add_wage(make_layer(tmp_path / "lag"))
    kb, national = load_knowledge(FIXTURE, local=layer), load_knowledge(FIXTURE, local=False)
    s = build_scenario(with_counsellor_hours())
    [mine], [theirs] = price_resources(s, kb), price_resources(s, national)
    # national 40 h · 300 kr. = 12.000 kr.; local 40 h · 330 kr. = 13.200 kr.; (330 − 300) · 40 = 1.200 kr. more
    assert (theirs.price, theirs.amount) == pytest.approx((300, 12_000))
    assert (mine.price, mine.amount) == pytest.approx((330, 13_200))
    assert mine.amount - theirs.amount == pytest.approx((330 - 300) * 40)
    # booked for 10 participants: kommune costs 10 · (20.000 + 12.000) = 320.000 national, 10 · 33.200 = 332.000
    # local, i.e. 10 · 1.200 = 12.000 kr. more
    cost_local = calculate(s, kb).totals_by_kind().loc["cost", "kommune"]
    cost_national = calculate(s, national).totals_by_kind().loc["cost", "kommune"]
    assert (cost_national, cost_local) == pytest.approx((-320_000, -332_000))
    # the row is the layer's: local_layer, status local (the file said illustrative), counted in the layer's rows
    w = kb.wages.set_index("profession")
    assert (w.at["raadgiver", "local_layer"], w.at["raadgiver", "status"]) == ("testlag", "local")
    assert (w.at["leder", "local_layer"], w.at["leder", "annual_wage"]) == ("", 600_000)  # national, untouched
    assert kb.local.rows["wages.csv"] == 1
    # shown as local where a wage's source is shown: the resource rows (app step 2, Excel, paper) and the browser
    row = resource_rows(s, kb)[0]  # (the next row is the overhead share, 0 % here)
    assert row.source.startswith("lokal (testlag): Testkommunens takstblad")
    paper = reporting.assumptions(s, kb).set_index("Antagelse")
    assert paper.at["Ressource: Rådgivning", "Kilde"].startswith("lokal (testlag): Testkommunens takstblad")
    sheet = [[c.value for c in r] for r in workbook(calculate(s, kb), kb)["Input"].iter_rows()]
    assert any(
        str(v).startswith("lokal (testlag): Testkommunens takstblad") for r in sheet if "Rådgivning" in r for v in r
    )
    assert wage_table(kb, Filters()).set_index("Faggruppe").at["Rådgiver", "Status"] == "lokal"
    assert profession_options(kb) == [
        ("Leder (600.000 kr./årsværk, 2020)", "leder"),
        ("Rådgiver (528.000 kr./årsværk, 2024, lokal)", "raadgiver"),
    ]


def test_local_wage_needs_a_source_and_is_checked_like_a_national_one(tmp_path):
    layer = add_wage(make_layer(tmp_path / "lag"), source_title="")
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(FIXTURE, local=layer)
    assert [p.where for p in e.value.problems] == ["lag/wages.csv:række 2:kolonne source_title"]
    # a monthly wage typed as the annual one: the layer's file is named by the units.csv check of wages
    layer = add_wage(make_layer(tmp_path / "lag2"), annual_wage="44000")
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(FIXTURE, local=layer)
    assert e.value.problems[0].where == "lag2/wages.csv:række 2:kolonne annual_wage"
