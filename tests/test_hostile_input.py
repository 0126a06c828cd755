"""Hostile and odd input: every kind gives a Danish message that names its field, never a raw Python error,
and never costs the app's user their other input. Each test says what happened before."""

import io
import json
import re

import pytest
from openpyxl import load_workbook
from small_scenario import KB_SMALL, SMALL

from som_kernel import ScenarioError, build_scenario, calculate, load_knowledge, scenario_from_json, scenario_to_json
from som_kernel.cells import safe_frame, safe_text
from som_kernel.export import workbook_bytes
from som_kernel.ui.app import build_app

BASE = SMALL
# words of pydantic's (and Python's) English messages that must never reach a user
ENGLISH = re.compile(
    r"\b(input|should|valid|field required|extra inputs|value error|dictionary|instance|string|integer|"
    r"number|characters?|at least|at most|or|must|not permitted|greater|less|error|type)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(KB_SMALL)


def doc(**changes) -> dict:
    data = {"format": "som-scenario", **json.loads(json.dumps(BASE))}
    for path, value in changes.items():
        node = data
        *parents, last = path.split("__")
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[int(last) if last.isdigit() else last] = value
    return data


def refused(text: str | bytes) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as e:
        scenario_from_json(text)
    return [(p.where, p.message) for p in e.value.problems]


def refused_doc(**changes) -> list[tuple[str, str]]:
    return refused(json.dumps(doc(**changes), ensure_ascii=False))


# ---- loose types: files are read strictly ----------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, expected",
    [
        # "50" once became 50 starters, "1e3" a duration of 1000 (refused only by its bound), true 100 %
        ({"participants": ["50"]}, ("participants[0]", "Skal være et helt tal (fik '50').")),
        ({"duration_years": "1e3"}, ("duration_years", "Skal være et helt tal (fik '1e3').")),
        ({"outcomes__0__success_rate": True}, ("outcomes[0].success_rate", "Skal være et tal (fik true).")),
        (
            {"costs__running_per_participant__kommune": "20000"},
            (
                "costs.running_per_participant.kommune",
                "Skal være et tal (fik '20000').",
            ),
        ),
        ({"settings__horizon_years": 3.0}, ("settings.horizon_years", "Skal være et helt tal (fik 3).")),
    ],
)
def test_loose_types_in_a_file_name_their_field(changes, expected):
    assert refused_doc(**changes) == [expected]


def test_the_apps_own_widgets_may_still_pass_python_numbers():
    # the app hands build_scenario whole floats from its number fields: not strict there
    assert build_scenario({**BASE, "duration_years": 1.0}).duration_years == 1


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"participants": ["50"]}, ("participants[0]", "Skal være et helt tal (fik '50').")),
        ({"outcomes__0__success_rate": True}, ("outcomes[0].success_rate", "Skal være et tal (fik true).")),
        ({"outcomes__0__success_rate": "0.5"}, ("outcomes[0].success_rate", "Skal være et tal (fik '0.5').")),
        ({"settings__discount_rate": False}, ("settings.discount_rate", "Skal være et tal (fik false).")),
    ],
)
def test_the_python_api_is_as_strict_as_a_file_about_text_and_true_for_numbers(changes, expected):
    # build_scenario(dict) turned success_rate True into 100 % and "50" into 50 starters (151 such inputs in
    # the fuzz corpus); a file refused them
    data = {k: v for k, v in doc(**changes).items() if k != "format"}
    with pytest.raises(ScenarioError) as e:
        build_scenario(data)
    assert [(p.where, p.message) for p in e.value.problems] == [expected]
    # numbers Python itself makes still pass: a whole float, a tuple, a numpy integer
    import numpy as np

    sc = build_scenario({**BASE, "participants": (np.int64(10),), "duration_years": 1.0})
    assert (sc.participants, sc.duration_years) == ([10], 1)


def test_a_text_for_a_number_is_named_beside_the_other_problems():
    # the strict reading's type problem and the lax reading's other problems are reported together
    data = {**BASE, "participants": ["50"], "duration_years": 0}
    with pytest.raises(ScenarioError) as e:
        build_scenario(data)
    assert [p.where for p in e.value.problems] == ["participants[0]", "duration_years"]


# ---- bounds ------------------------------------------------------------------------------------------------


def test_participants_costs_and_prices_have_plausible_upper_bounds():
    # 1e12 participants once gave "161.108.751.880.017.696 kr."; 1e308 kr. gave −inf and an empty Excel
    # cell; 10**400 participants raised OverflowError
    assert refused_doc(participants=[10**12]) == [
        ("participants[0]", "Må højst være 1.000.000 (fik 1.000.000.000.000).")
    ]
    assert refused_doc(costs__running_per_participant__kommune=1e308) == [
        ("costs.running_per_participant.kommune", "Beløbet må højst være 10.000.000.000 kr. (fik 1e+308 kr.).")
    ]
    assert refused(json.dumps(doc()).replace('"participants": [10]', f'"participants": [{10**400}]')) == [
        ("participants[0]", "Tallet har 401 cifre; det er alt for stort.")
    ]
    assert refused_doc(price_overrides=[{"service": "benefit", "actor": "kommune", "price": 2e10}]) == [
        ("price_overrides[0].price", "Beløbet må højst være 10.000.000.000 kr. (fik 20.000.000.000 kr.).")
    ]
    assert refused_doc(
        consequence_overrides=[{"outcome": "job", "service": "benefit", "year": 1, "delta_use": -1e9}]
    ) == [("consequence_overrides[0].delta_use", "Skal være mindst -10.000.000 (fik -1.000.000.000).")]


def test_the_largest_allowed_scenario_still_gives_finite_numbers(kb):
    # 1.000.000 starters a year for 50 years at 10 mia. kr. each: large, but every number is finite
    data = {**BASE, "participants": [1_000_000] * 50, "costs": {"running_per_participant": {"kommune": 1e10}}}
    table = calculate(build_scenario(data), kb).table
    assert table["amount"].abs().max() < 1e300


# ---- files: depth, digits, BOM, odd characters, sizes -------------------------------------------------------


def test_deep_nesting_is_refused_without_recursion_error():
    deep = '{"format": "som-scenario", "name": ' + "[" * 1000 + "]" * 1000 + "}"
    assert refused(deep) == [("fil", "Filen er indlejret alt for dybt; en beregning har højst 8 niveauer.")]
    shallow_but_deep = '{"format": "som-scenario", "name": ' + "[" * 20 + "]" * 20 + "}"
    assert refused(shallow_but_deep) == [
        (
            "name[0][0][0][0][0][0][0]",
            "Feltet er indlejret mere end 8 niveauer; det kan ikke være en del af en beregning.",
        )
    ]


def test_a_4300_digit_integer_names_its_field():
    # Python refuses to convert it (ValueError: exceeds the limit for integer string conversion)
    text = json.dumps(doc()).replace('"duration_years": 1', '"duration_years": ' + "9" * 4300)
    assert refused(text) == [("duration_years", "Tallet har 4300 cifre; det er alt for stort.")]


def test_a_file_with_a_byte_order_mark_is_read():
    # Notepad saves UTF-8 with a BOM; such a file was refused as "not valid JSON"
    text = scenario_to_json(build_scenario(BASE))
    assert scenario_from_json(b"\xef\xbb\xbf" + text.encode("utf-8")).name == "Testindsats"
    assert scenario_from_json("\ufeff" + text).name == "Testindsats"


@pytest.mark.parametrize(
    "name, message",
    [
        ("Mentor\ud800", "Skal være gyldig tekst (UTF-8) (fik 'Mentor\ufffd')."),
        ("Mentor\x07", "Teksten indeholder et usynligt styretegn (tegn nr. 7, kode 7); fjern det."),
        # U+FFFE/U+FFFF were accepted, and the Excel export then raised a raw ValueError (no XML can hold them)
        ("Mentor\ufffe", "Teksten indeholder et ugyldigt tegn (U+FFFE, tegn nr. 7); fjern det."),
        ("\uffffMentor", "Teksten indeholder et ugyldigt tegn (U+FFFF, tegn nr. 1); fjern det."),
    ],
)
def test_lone_surrogate_or_control_character_in_a_name_is_refused(name, message):
    # both once made saving (UnicodeEncodeError) or the Excel export (IllegalCharacterError) crash
    assert refused_doc(name=name) == [("name", message)]
    own = {k: v for k, v in doc().items() if k not in ("target_group",)} | {
        "custom_target_group": {"name": "Egen", "outcomes": {"job": name}}
    }
    assert refused(json.dumps(own))[0][0] == "custom_target_group.outcomes.job"


def test_unbounded_lists_and_files_are_refused_with_their_limit():
    # an 11 MB file of overrides once took 4,9 GB of memory and 15 million table rows
    assert refused_doc(excluded_services=["benefit"] * 1001) == [
        ("excluded_services", "Må højst have 1000 element(er).")
    ]
    override = {"outcome": "job", "service": "benefit", "year": 1, "delta_use": 1}
    assert refused_doc(consequence_overrides=[override] * 5001) == [
        ("consequence_overrides", "Må højst have 5000 element(er).")
    ]
    many_keys = json.dumps({**doc(), **{f"x{i}": 0 for i in range(60_000)}})
    assert refused(many_keys) == [("fil", "Filen har over 50.000 værdier; en beregning har langt færre.")]
    big = json.dumps({**doc(), "description": "x" * 2_100_000})
    assert refused(big) == [("fil", "Filen er for stor (2,1 MB); en scenariefil må højst være 2 MB.")]


def test_nan_and_infinity_are_not_numbers():
    text = json.dumps(doc()).replace('"success_rate": 0.1', '"success_rate": NaN')
    assert refused(text) == [("fil", "Filen indeholder 'NaN', som ikke er et tal. Skriv et tal.")]


# ---- the app: no hostile file crashes the upload or loses the user's input ------------------------------------


HOSTILE_FILES = {
    "dyb.json": b'{"format": "som-scenario", "name": ' + b"[" * 1000 + b"]" * 1000 + b"}",
    "cifre.json": json.dumps(doc()).replace('"duration_years": 1', '"duration_years": ' + "9" * 4300).encode(),
    "halvt-tegn.json": json.dumps(doc(name="a\ud800")).encode("utf-8", "surrogatepass"),
    "styretegn.json": json.dumps(doc(name="a\x00b")).encode(),
    "stor.json": json.dumps({**doc(), **{f"x{i}": 0 for i in range(60_000)}}).encode(),
    "latin1.json": json.dumps(doc(name="Bæredygtig"), ensure_ascii=False).encode("latin-1"),
    "tekst.json": json.dumps(doc(participants=["50"])).encode(),
    "liste.json": b"[1, 2, 3]",
    "tom.json": b"",
}


@pytest.fixture(scope="module")
def app(kb):
    return build_app(kb, build_scenario(BASE))


@pytest.mark.parametrize("filename", HOSTILE_FILES)
def test_hostile_upload_gives_a_danish_message_and_keeps_the_inputs(app, filename):
    row = app.outcome_row("job")
    row.rate.input.value = "20"  # the user's own change, not saved
    before = app.scenario
    assert not app.load_file(HOSTILE_FILES[filename], filename)
    assert (
        "kunne ikke indlæses" in app.file_msg.value and "Dine nuværende indtastninger er bevaret" in app.file_msg.value
    )
    assert "Traceback" not in app.file_msg.value and not ENGLISH.search(
        re.sub("<[^>]+>", "", app.file_msg.value).replace(filename, "")
    )
    assert row.rate.input.value == "20" and app.scenario is before


def test_hostile_name_typed_in_the_app_is_refused_next_to_the_field(kb):
    app = build_app(kb, build_scenario(BASE))
    app.basis.name.value = "Mentor\x1b[31m"
    assert "usynligt styretegn" in app.basis.name.msg.value
    assert "som-invalid" in app.basis.name.input._dom_classes
    assert app.outdated and app.basis.name.value == "Mentor\x1b[31m"
    assert app.save_link.value  # the last valid scenario can still be saved


# ---- formula injection: every text cell is text ----------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x","klik")', "+1+1", "-2+3", "@SUM(A1)", "=1+1"]


def hostile_result(kb):
    data = {
        **{k: v for k, v in BASE.items() if k not in ("target_group", "outcomes")},
        "name": FORMULAS[0],
        "description": FORMULAS[1],
        "custom_target_group": {"name": FORMULAS[2], "outcomes": {"egen": FORMULAS[3], "to": FORMULAS[4]}},
        "outcomes": [{"outcome": "egen", "success_rate": 0.5}, {"outcome": "to", "success_rate": 0.1}],
        "consequence_overrides": [
            {"outcome": "egen", "service": "benefit", "year": 1, "delta_use": -2},
            {"outcome": "to", "service": "tax", "year": 1, "delta_use": 1},
        ],
    }
    return calculate(build_scenario(data), kb)


def test_no_cell_of_the_workbook_is_a_formula(kb):
    # one hostile file once gave 8 formula cells, among them =HYPERLINK(...)
    data = workbook_bytes(hostile_result(kb), kb)
    wb = load_workbook(io.BytesIO(data))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    texts.append(c.value)
    for formula in FORMULAS:
        assert any(formula in t for t in texts), formula  # kept as the text the user wrote
    assert FORMULAS[0] in texts and FORMULAS[3] in texts  # also as a whole cell (the outcome's name)
    # and the file itself has no formula element at all
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def formula_cells(data: bytes) -> int:
    """How many cells of the .xlsx `data` a spreadsheet would run: formula cells, or <f> elements in its XML."""
    import zipfile

    wb = load_workbook(io.BytesIO(data))
    cells = sum(c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = sum(z.read(n).count(b"<f>") + z.read(n).count(b"<f ") for n in z.namelist() if "worksheets" in n)
    return cells + xml


def test_every_export_of_a_hostile_scenario_file_holds_no_formula(kb):
    # a file whose alternatives were named '=HYPERLINK(…)' and '=SUM(1,2)' loaded with ✔, and the comparison
    # workbook ("Sammenligning til Excel") then held 21 live formulas per such name
    from som_kernel.compare import compare, comparison_workbook_bytes, document_from_json, document_to_json

    main = hostile_result(kb).scenario
    text = document_to_json(main, [(FORMULAS[0], main), ("=SUM(1,2)", main)])
    loaded, alternatives = document_from_json(text)
    results = [calculate(s, kb) for _, s in alternatives]
    exports = {
        "beregningen": workbook_bytes(calculate(loaded, kb), kb),
        "sammenligningen": comparison_workbook_bytes(compare(results, names=[n for n, _ in alternatives])),
    }
    assert {name: formula_cells(data) for name, data in exports.items()} == {"beregningen": 0, "sammenligningen": 0}
    ws = load_workbook(io.BytesIO(exports["sammenligningen"]))["Nettoresultat"]
    assert [ws["A2"].value, ws["A3"].value, ws["A5"].value] == [FORMULAS[0], "=SUM(1,2)", f"Forskel fra {FORMULAS[0]}"]


def test_safe_text_for_csv_and_for_any_file():
    assert safe_text("=HYPERLINK(1)", csv=True) == "'=HYPERLINK(1)"
    assert [safe_text(t, csv=True)[0] for t in FORMULAS] == ["'"] * len(FORMULAS)
    assert safe_text("Mentor", csv=True) == "Mentor"
    assert safe_text("a\x00b\ud800c") == "a\ufffdb\ufffdc"
    assert safe_text("a\ufffeb\uffff") == "a\ufffdb\ufffd"  # a workbook (XML) cannot hold these two
    assert safe_text("linje 1\nlinje 2\ttab") == "linje 1\nlinje 2\ttab"


def test_key_figures_csv_has_no_formula(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"notebook": ["=cmd|' /C calc'!A0", "ips.ipynb"], "net_total": [1.5, -2.0]})
    out = tmp_path / "key_figures.csv"
    safe_frame(frame).to_csv(out, index=False)
    text = out.read_text(encoding="utf-8")
    assert "'=cmd" in text and "\n=cmd" not in text
    assert "-2.0" in text  # numbers stay numbers


# ---- every message is Danish and names its field ---------------------------------------------------------------

FULL = {
    **doc(),
    "description": "Beskrivelse",
    "costs": {
        "startup": {"kommune": 1.0, "region": 2.0, "stat": 3.0},
        "running_per_participant": {"kommune": 20000.0},
        "running_per_year": {"stat": 5.0},
        "baseline_per_participant": {"region": 1.0},
        "price_year": 2024,
        "welfare_area": "social",
    },
    "outcomes": [{"outcome": "job", "success_rate": 0.1, "persistence": [1.0, 0.5]}],
    "consequence_overrides": [{"outcome": "job", "service": "benefit", "year": 1, "delta_use": -2.0}],
    "price_overrides": [{"service": "benefit", "actor": "kommune", "price": 3000.0, "price_year": 2024}],
    "excluded_services": ["tax"],
    "settings": {
        "price_year": 2024,
        "first_year": 2025,
        "horizon_years": 3,
        "discount_rate": 0.0,
        "consequence_offset": 0,
    },
}
BAD_VALUES = [None, "", "x", "50", "1e3", True, -1, -1e9, 0, 0.5, 1e308, 10**40, [], [1, "a"], {}, {"a": 1}, "a\x01"]


def paths(node, prefix=()):
    """Every path into `node` (objects and lists, their elements and leaves)."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, (*prefix, i))


def replaced(path, value):
    data = json.loads(json.dumps(FULL))
    if not path:
        return value
    node = data
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return data


def test_sweep_of_invalid_inputs_gives_danish_messages_with_a_field():
    # once: 77 problems had no field name and 338 carried English pydantic text
    scenario_from_json(json.dumps(FULL))  # the starting point is valid
    checked = 0
    for path in paths(FULL):
        for bad in BAD_VALUES:
            data = replaced(path, bad)
            attempts = [lambda d=data: build_scenario(d)]
            if isinstance(data, dict):
                attempts.append(lambda d=data: scenario_from_json(json.dumps(d)))
            for attempt in attempts:
                try:
                    attempt()
                except ScenarioError as e:
                    for p in e.problems:
                        checked += 1
                        assert p.where, (path, bad, p)
                        assert not ENGLISH.search(p.message), (path, bad, p)
                        assert "pydantic" not in p.message and "http" not in p.message, (path, bad, p)
    assert checked > 1000  # the sweep reached many problems (counted: see the assertion's message on failure)


def test_knowledge_messages_are_danish_too(tmp_path):
    # a knowledge table's wrong actor once said "… 'region' or 'stat'" (pydantic's English joined in)
    import shutil

    from som_kernel import KnowledgeError

    folder = tmp_path / "kb"
    shutil.copytree(KB_SMALL, folder)
    lines = (folder / "prices.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",kommune,", ",amt,", 1)
    (folder / "prices.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(folder)
    assert [str(p) for p in e.value.problems] == [
        "prices.csv:række 2:kolonne actor: Skal være en af: 'kommune', 'region' eller 'stat' (fik 'amt')."
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_parameter_tables_written_for_excel_hold_no_formula(tmp_path, suffix):
    import pandas as pd

    from som_kernel.batch import write_table

    table = pd.DataFrame({"name": ['=HYPERLINK("http://x")', "Mentor"], "success_rate": [0.1, 0.2]})
    path = write_table(table, tmp_path / f"t{suffix}")
    if suffix == ".xlsx":
        ws = load_workbook(path).active
        assert [c.data_type for c in ws["A"]] == ["s", "s", "s"]
        assert ws["A2"].value == '=HYPERLINK("http://x")' and ws["B2"].value == 0.1
    else:
        text = path.read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK" in text and "\n=" not in text and "0,1" in text


def test_batch_key_figures_workbook_holds_no_formula(tmp_path):
    import pandas as pd

    from som_kernel.batch.output import write_key_figures_xlsx

    key = pd.DataFrame({"scenario": [1], "name": ['=HYPERLINK("http://x")'], "net_total": [1500.0]})
    ws = load_workbook(write_key_figures_xlsx(key, tmp_path / "k.xlsx")).active
    assert ws["B2"].value == '=HYPERLINK("http://x")' and ws["B2"].data_type == "s"
    assert ws["C2"].value == 1500.0
