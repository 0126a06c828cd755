"""The app's field table (som_kernel/fields.py): one row per input, read, checked and written back alike, with
the scenario model's limits said in the field's own unit."""

import json

import pytest
from small_scenario import KB_SMALL, SMALL

from som_kernel import ScenarioError, build_scenario, load_knowledge
from som_kernel.describe import describe_inputs
from som_kernel.fields import FIELD, FIELDS, FieldValueError, field_for, fields_on, put, value_at
from som_kernel.names import COST_LINES


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(KB_SMALL)


def concrete(path: str) -> str:
    return path.format(i=0, actor="kommune")


def with_value(path: str, value) -> dict:
    """SMALL with `value` at `path` (a list position as [0]); participants get a second year of 10 starters, so
    that 0 starters in year 1 is a valid scenario."""
    data = json.loads(json.dumps(SMALL))
    data["participants"] = [*data["participants"], 10]
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
    scenario = build_scenario(SMALL)
    for field in FIELDS:
        if field.path.startswith("custom_target_group"):
            continue  # SMALL has a knowledge-base target group
        value_at(scenario, concrete(field.path))
    assert value_at(scenario, "costs.running_per_participant.kommune") == 20_000
    assert value_at(scenario, "participants[0]") == 10
    assert value_at(scenario, "len(participants)") == 1


def test_cost_fields_follow_the_cost_lines_in_their_order():
    assert [f.path for f in fields_on(2, "amount")] == [f"costs.{line}.{{actor}}" for line, *_ in COST_LINES]


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
