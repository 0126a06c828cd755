"""The app's field table (som_kernel/fields.py): one row per input, read, checked and written back alike, with
the scenario model's limits said in the field's own unit."""

import json
from pathlib import Path

import pytest
from small_scenario import KB_SMALL, SMALL

from som_kernel import ScenarioError, build_scenario, calculate, load_knowledge, load_scenario
from som_kernel.describe import describe_inputs
from som_kernel.fields import (
    COST_LINE_FIELDS,
    FIELD,
    FIELDS,
    FieldValueError,
    InputField,
    field_for,
    first_year_field,
    price_years,
    put,
    value_at,
)
from som_kernel.kb.checks import price_limit
from som_kernel.names import COST_LINES

EXAMPLE = Path(__file__).resolve().parent.parent / "notebooks" / "scenarier" / "eksempel.json"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(KB_SMALL)


def concrete(path: str) -> str:
    return path.format(i=0, actor="kommune")


# SMALL with one line in its resource table, so that every field's path exists (units: no limit on hours)
WITH_RESOURCE = {
    **SMALL,
    "costs": {
        **SMALL["costs"],
        "resources": [
            {
                "name": "Materialer",
                "line": "running_per_participant",
                "quantity": 10,
                "unit": "units",
                "unit_price": 300,
            }
        ],
    },
}


def with_value(path: str, value) -> dict:
    """WITH_RESOURCE with `value` at `path` (a list position as [0]); participants get a second year of 10 starters,
    so that 0 starters in year 1 is a valid scenario, and one local consequence and price to put a value in."""
    data = json.loads(json.dumps(WITH_RESOURCE))
    data["participants"] = [*data["participants"], 10]
    data["consequence_overrides"] = [{"outcome": "job", "service": "benefit", "year": 1, "delta_use": -1}]
    data["price_overrides"] = [{"service": "benefit", "actor": "kommune", "price": 3000}]
    put(data, path, value)
    return data


def test_messages_name_the_field_and_say_the_limit_in_its_unit():
    discount = FIELD["settings.discount_rate"]
    assert discount.read("3,5") == pytest.approx(0.035)  # shown in per cent, stored as a share
    with pytest.raises(FieldValueError, match=r"^Diskonteringsrenten skal ligge mellem 0 og 50 % \(fik 60 %\)$"):
        discount.read("60")
    with pytest.raises(FieldValueError, match=r"^Forløbslængden skal ligge mellem 1 og 10 år \(fik 0 år\)$"):
        FIELD["duration_years"].read("0")
    cost = field_for("costs.startup.region")
    assert cost.path == "costs.startup.region" and cost.label == "Opstart (engangsbeløb i første år)"
    with pytest.raises(FieldValueError) as e:
        cost.read("-5.000")
    assert str(e.value) == (
        "Beløbet kan ikke være negativt (fik −5.000 kr.); besparelser hører til i linjen »Sparede omkostninger«"
    )
    with pytest.raises(FieldValueError, match=r"^Antallet af uger kan ikke være negativt \(fik −3 uger\)$"):
        FIELD["settings.weeks_on_benefits"].read("-3")
    with pytest.raises(FieldValueError, match=r"^Skal være et helt tal \(fik 2,5\)$"):
        FIELD["settings.horizon_years"].read("2,5")
    persistence = FIELD["outcomes[{i}].persistence"]
    assert persistence.read_list("100; 80,5") == pytest.approx([1.0, 0.805])
    assert persistence.read_list("") == []  # empty: 100 % every year
    with pytest.raises(FieldValueError, match=r"^Varigheden i år 2 skal ligge mellem 0 og 100 % \(fik 120 %\)$"):
        persistence.read_list("100; 120")


def test_a_shown_value_reads_back_as_the_same_value():
    cases = [
        ("settings.discount_rate", 0.035, "3,5"),
        ("outcomes[{i}].success_rate", 0.13, "13"),
        ("costs.startup.{actor}", 1_500_000.0, "1.500.000"),
        ("settings.first_year", 2026, "2026"),
        ("participants[{i}]", 1500, "1500"),  # '1.500' could be 1,5 outside kroner: shown without the point
    ]
    for path, value, text in cases:
        field = FIELD[path]
        assert field.shown(value) == text
        assert field.read(text) == pytest.approx(value)
    assert FIELD["outcomes[{i}].persistence"].shown_list([1.0, 0.805]) == "100; 80,5"
    # a new field of a kind no shipped field has yet (a decimal, e.g. hours per participant in a cost model)
    hours = InputField("costs.hours", "Timer pr. deltager", "number", 2, unit="timer", minimum=0, subject="Timetallet")
    assert (hours.read("7,5"), hours.shown(7.5), hours.describe_unit) == (7.5, "7,5", "n")
    with pytest.raises(FieldValueError, match=r"^Timetallet kan ikke være negativt \(fik −1 timer\)$"):
        hours.read("-1")


def numeric_fields():
    return [f for f in FIELDS if f.minimum is not None or f.maximum is not None if f.path != "len(participants)"]


@pytest.mark.parametrize("field", numeric_fields(), ids=lambda f: f.path)
def test_the_field_refuses_exactly_what_the_scenario_model_refuses(field):
    """At each limit the field and build_scenario both accept; one step beyond, both refuse."""
    path = concrete(field.path)
    step = 1 if field.whole else 1e-6
    for limit, beyond in ((field.minimum, -step), (field.maximum, step)):
        if limit is None:
            continue
        for value, ok in ((limit, True), (limit + beyond, False)):
            stored = [value] if field.kind == "percent_list" else value
            if ok:
                build_scenario(with_value(path, stored))
            else:
                with pytest.raises(ScenarioError):
                    build_scenario(with_value(path, stored))
            assert (field.limit_message(value, "x") == "") == ok, (path, value)


def test_every_field_path_is_a_path_of_the_scenario():
    scenario = build_scenario(with_value("name", "Testindsats"))  # with a resource line, a local consequence, price
    for field in FIELDS:
        if field.path.startswith("custom_target_group"):
            continue  # SMALL has a knowledge-base target group
        value_at(scenario, concrete(field.path))
    assert value_at(scenario, "costs.running_per_participant.kommune") == 20_000
    assert value_at(scenario, "participants[0]") == 10
    assert value_at(scenario, "len(participants)") == 2  # with_value adds a second year


def test_cost_fields_follow_the_cost_lines_in_their_order():
    assert [f.path for f in COST_LINE_FIELDS] == [f"costs.{line}.{{actor}}" for line, *_ in COST_LINES]


def test_described_inputs_take_label_and_number_format_from_their_field(kb):
    rows = describe_inputs(build_scenario(SMALL), kb)
    described = [(r, field_for(r.key)) for r in rows if field_for(r.key) is not None]
    # name, description, target group, success rate, persistence, duration, first year, horizon, price year,
    # discount rate, consequence offset: 11 rows of SMALL come from a field
    assert len(described) == 11
    for row, field in described:
        assert (row.label, row.unit) == (field.title, field.describe_unit), row.key
    labels = {r.key: r.label for r in rows}
    assert labels["participants"] == FIELD["participants[{i}]"].title == "Deltagere (startende pr. år)"
    assert labels["outcomes[0].success_rate"] == "Succesrate (netto ift. basisalternativ)"


# ---- issue 24: years that work, examples that fit the field ---------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return load_knowledge()


def example(**settings) -> dict:
    data = json.loads(load_scenario(EXAMPLE).model_dump_json())
    data["settings"].update(settings)
    return data


def test_a_first_year_before_the_rules_is_refused_at_check_time_naming_the_field(shipped):
    # the shipped rules' tax on transfers and wages and the særligt dyre enkeltsager rule start on 1 January 2016
    # (knowledge 2026.3; the default weeks on support now reach 2000) (before: a
    # KnowledgeError from deep in the price step, shown in the app as "Der skete en uventet fejl")
    with pytest.raises(ScenarioError) as e:
        calculate(build_scenario(example(first_year=2015)), shipped)
    assert [(p.where, p.message) for p in e.value.problems] == [
        (
            "settings.first_year",
            "Første år skal være 2016 eller senere: vidensdatabasens regler (Indkomstskat af overførselsindkomst "
            "og løn; Statsrefusion for særligt dyre enkeltsager) har ingen værdier før 2016 (fik 2015).",
        )
    ]
    calculate(build_scenario(example(first_year=2016)), shipped)
    field = first_year_field(shipped)
    assert (field.minimum, field.unit) == (2016, "2016–2100")  # the field says which years it takes
    with pytest.raises(FieldValueError, match=r"^Første år skal ligge mellem 2016 og 2100 \(fik 2015\)$"):
        field.read("2015")


def test_every_offered_price_year_computes(shipped):
    years = price_years(shipped)
    assert years == list(range(2013, 2027))  # the net price index's years (2013–2014 since the wage behind wage tax)
    for year in years:
        data = example(price_year=year)
        data["costs"]["price_year"] = year
        assert calculate(build_scenario(data), shipped).scenario.settings.price_year == year


def test_per_cent_and_year_fields_suggest_their_own_kind_of_number():
    with pytest.raises(FieldValueError) as e:
        FIELD["settings.discount_rate"].read("abc")
    assert "Skriv fx 12,5 (komma før decimaler)" in str(e.value) and "1.500.000" not in str(e.value)
    with pytest.raises(FieldValueError) as e:
        FIELD["settings.first_year"].read("tyve")
    assert "fx 2026" in str(e.value) and "1.500.000" not in str(e.value)
    with pytest.raises(FieldValueError) as e:
        FIELD["costs.startup.{actor}"].read("abc")
    assert "Skriv fx 1.500.000 eller 10,5" in str(e.value)  # kroner keep the thousands example
    # the persistence field says what its numbers are, not only how they are separated
    assert FIELD["outcomes[{i}].persistence"].unit == "% af effekten i konsekvensår 1; 2; 3 …"


def test_a_typed_price_is_judged_by_the_knowledge_loaders_limits_for_its_unit(kb):
    limits = kb.units.set_index("unit").loc["uge"]  # price_high 10.000, price_max 40.000 kr. per week
    refused, message = price_limit(1_500_000, "uge", limits)
    assert refused and message.startswith("Prisen 1.500.000 kr. pr. uge er over grænsen 40.000 kr. i units.csv (")
    assert price_limit(15_000, "uge", limits) == (
        False,
        "Prisen 15.000 kr. pr. uge er usædvanligt høj (over 10.000 kr. i units.csv). Tjek enheden.",
    )
    assert price_limit(4_000, "uge", limits) is None
