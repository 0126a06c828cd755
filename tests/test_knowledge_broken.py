"""Deliberately broken copies of the shipped knowledge base: each must be rejected with a Danish message that
names the file, the row (line number in the file, header = line 1) and the column.

Every test copies knowledge/ to tmp_path, breaks exactly one thing and checks the KnowledgeError's problems.
"""

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from som_kernel import KnowledgeError, load_knowledge
from som_kernel.knowledge import DEFAULT_KNOWLEDGE_DIR


def copy_kb(tmp_path: Path) -> Path:
    dst = tmp_path / "kb"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, dst, ignore=shutil.ignore_patterns("*.md"))
    return dst


def read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def edit(folder: Path, table: str, change: Callable[[list[list[str]]], None]) -> None:
    """Apply `change` to the table's rows (rows[0] is the header, rows[i] is line i + 1 of the file)."""
    rows = read(folder / table)
    change(rows)
    write(folder / table, rows)


def set_cell(folder: Path, table: str, line: int, column: str, value: str) -> str:
    """Set one cell (line number as in the file, header = 1); returns the old value."""
    rows = read(folder / table)
    j = rows[0].index(column)
    old = rows[line - 1][j]
    rows[line - 1][j] = value
    write(folder / table, rows)
    return old


def problems(folder: Path) -> list:
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(folder)
    return e.value.problems


def assert_problem(folder: Path, where: str, fragment: str) -> None:
    found = problems(folder)
    assert any(p.where == where and fragment in p.message for p in found), "\n".join(map(str, found))


def test_shipped_copy_loads(tmp_path):
    # control: the unbroken copy loads, so each failure below comes from the one thing broken
    assert len(load_knowledge(copy_kb(tmp_path)).services) >= 40


def test_unknown_column(tmp_path):
    kb = copy_kb(tmp_path)

    def add(rows):
        for i, r in enumerate(rows):
            r.append("farve" if i == 0 else "blå")

    edit(kb, "services.csv", add)
    assert_problem(kb, "services.csv", "Ukendte kolonner: farve")


def test_missing_column(tmp_path):
    kb = copy_kb(tmp_path)

    def drop(rows):
        j = rows[0].index("unit")
        for r in rows:
            del r[j]

    edit(kb, "prices.csv", drop)
    assert_problem(kb, "prices.csv", "Manglende kolonner: unit")


def test_dangling_service_in_consequences(tmp_path):
    kb = copy_kb(tmp_path)
    set_cell(kb, "consequences.csv", 2, "service", "findes_ikke")
    assert_problem(kb, "consequences.csv:række 2:kolonne service", "Ukendt ydelse 'findes_ikke'")


def test_outcome_of_another_target_group(tmp_path):
    kb = copy_kb(tmp_path)
    assert set_cell(kb, "consequences.csv", 2, "outcome", "stofmisbrug_stoffri") == "hjemloeshed_ud_af_hjemloeshed"
    assert_problem(
        kb, "consequences.csv:række 2:kolonne outcome", "hører til målgruppen 'stofmisbrug', ikke 'hjemloeshed'"
    )


def test_outcome_unknown_in_effect_studies(tmp_path):
    kb = copy_kb(tmp_path)
    set_cell(kb, "effect_studies.csv", 3, "outcome", "lykke")
    assert_problem(kb, "effect_studies.csv:række 3:kolonne outcome", "Ukendt effektmål 'lykke'")


def test_unknown_target_group_in_outcomes(tmp_path):
    kb = copy_kb(tmp_path)
    set_cell(kb, "outcomes.csv", 4, "target_group", "pensionister")
    assert_problem(kb, "outcomes.csv:række 4:kolonne target_group", "Ukendt målgruppe 'pensionister'")


def test_duplicate_id(tmp_path):
    kb = copy_kb(tmp_path)
    edit(kb, "services.csv", lambda rows: rows.append(list(rows[1])))
    last_line = len(read(kb / "services.csv"))
    assert_problem(kb, f"services.csv:række {last_line}:kolonne id", "Dublet: id=herberg_doegn findes allerede")


def test_duplicate_consequence_key(tmp_path):
    kb = copy_kb(tmp_path)
    edit(kb, "consequences.csv", lambda rows: rows.insert(3, list(rows[1])))  # line 4 repeats line 2
    assert_problem(kb, "consequences.csv:række 4:kolonne target_group", "Dublet:")


def test_negative_price(tmp_path):
    kb = copy_kb(tmp_path)
    set_cell(kb, "prices.csv", 2, "price", "-754")
    assert_problem(kb, "prices.csv:række 2:kolonne price", "Prisen må ikke være negativ eller uendelig (fik -754)")


def test_non_numeric_delta(tmp_path):
    kb = copy_kb(tmp_path)
    set_cell(kb, "consequences.csv", 3, "delta_use", "mange")
    assert_problem(kb, "consequences.csv:række 3:kolonne delta_use", "Skal være et tal (fik 'mange')")


def test_danish_decimal_comma_is_rejected_with_location(tmp_path):
    # a value pasted from Excel with a decimal comma is not silently read as something else
    kb = copy_kb(tmp_path)
    set_cell(kb, "consequences.csv", 3, "delta_use", "-93,3")
    assert_problem(kb, "consequences.csv:række 3:kolonne delta_use", "Skal være et tal")


def test_bad_url(tmp_path):
    kb = copy_kb(tmp_path)
    set_cell(kb, "target_groups.csv", 2, "source_url", "www.social.dk")
    assert_problem(kb, "target_groups.csv:række 2:kolonne source_url", "begynde med http:// eller https://")


def test_public_row_without_url(tmp_path):
    kb = copy_kb(tmp_path)
    # line 2 is hjemloeshed, illustrative=false: a public row must say where it comes from
    set_cell(kb, "target_groups.csv", 2, "source_url", "")
    assert_problem(kb, "target_groups.csv:række 2:kolonne source_url", "Skal udfyldes med kildens adresse")


def test_missing_source_title(tmp_path):
    kb = copy_kb(tmp_path)
    set_cell(kb, "net_price_index.csv", 5, "source_title", "")
    assert_problem(kb, "net_price_index.csv:række 5:kolonne source_title", "Skal have mindst 3 tegn")


def test_wrong_unit_in_consequences(tmp_path):
    kb = copy_kb(tmp_path)
    assert set_cell(kb, "consequences.csv", 2, "unit", "uge") == "døgn"
    assert_problem(kb, "consequences.csv:række 2:kolonne unit", "Enheden skal være 'døgn' som ydelsen, ikke 'uge'")


def test_delta_beyond_a_year(tmp_path):
    # line 2: herberg_doegn in døgn; nobody can spend 500 fewer nights a year in a shelter
    kb = copy_kb(tmp_path)
    set_cell(kb, "consequences.csv", 2, "delta_use", "-500")
    assert_problem(kb, "consequences.csv:række 2:kolonne delta_use", "En person kan højst bruge 366 døgn pr. år")


def test_wrong_unit_in_prices(tmp_path):
    kb = copy_kb(tmp_path)
    set_cell(kb, "prices.csv", 2, "unit", "kr. pr. uge")
    assert_problem(kb, "prices.csv:række 2:kolonne unit", "Enheden skal være 'kr. pr. døgn'")


def test_missing_price_for_consequence_service(tmp_path):
    kb = copy_kb(tmp_path)
    edit(kb, "prices.csv", lambda rows: rows.__setitem__(slice(None), [r for r in rows if r[0] != "herberg_doegn"]))
    # consequences.csv line 2 is hjemløshed × herberg_doegn, year 1
    assert_problem(kb, "consequences.csv:række 2:kolonne service", "Ydelsen 'herberg_doegn' har ingen pris")


def test_price_year_missing_from_index(tmp_path):
    kb = copy_kb(tmp_path)
    set_cell(kb, "prices.csv", 2, "price_year", "1999")
    assert_problem(kb, "prices.csv:række 2:kolonne price_year", "Prisåret 1999 findes ikke i nettoprisindekset")


def test_cut_off_csv_row(tmp_path):
    kb = copy_kb(tmp_path)
    path = kb / "consequences.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    last = lines[-1]
    path.write_text("\n".join([*lines[:-1], last[: last.index(",", 40)]]) + "\n", encoding="utf-8")
    assert_problem(kb, f"consequences.csv:række {len(lines)}", "Forkert antal felter i rækken")


def test_missing_table(tmp_path):
    kb = copy_kb(tmp_path)
    (kb / "effect_studies.csv").unlink()
    assert_problem(kb, "effect_studies.csv", "Tabellen mangler i vidensdatabasen")


def test_empty_table(tmp_path):
    kb = copy_kb(tmp_path)
    (kb / "services.csv").write_text("", encoding="utf-8")
    assert_problem(kb, "services.csv", "Tabellen er tom")


def test_windows_1252_is_read_and_reported(tmp_path):
    # an old Excel "CSV" save is Windows-1252 ("ANSI"): read it, and say so
    kb = copy_kb(tmp_path)
    path = kb / "services.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    loaded = load_knowledge(kb)
    assert loaded.dialects["services.csv"] == "komma, Windows-1252"
    assert "Ophold på herberg/forsorgshjem (§ 110)" in set(loaded.services["name"])


def test_neither_utf8_nor_windows_1252(tmp_path):
    kb = copy_kb(tmp_path)
    path = kb / "services.csv"
    path.write_bytes(path.read_bytes() + b"\x81\x8d")  # bytes no Excel encoding we read has
    assert_problem(kb, "services.csv", "Filen er hverken UTF-8 eller Windows-1252")


def test_byte_order_mark_is_accepted(tmp_path):
    # Excel's "CSV UTF-8" starts with a BOM; it must not turn the first column into an unknown one
    kb = copy_kb(tmp_path)
    path = kb / "services.csv"
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8-sig")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    assert "herberg_doegn" in set(load_knowledge(kb).services["id"])


def test_unknown_welfare_area(tmp_path):
    kb = copy_kb(tmp_path)
    set_cell(kb, "services.csv", 2, "welfare_area", "kultur")
    assert_problem(kb, "services.csv:række 2:kolonne welfare_area", "Skal være en af:")


def test_success_rate_outside_ci(tmp_path):
    kb = copy_kb(tmp_path)
    rows = read(kb / "effect_studies.csv")
    line = next(i + 1 for i, r in enumerate(rows) if r[0] == "mentor_beskaeftigelse")  # ci 0.00–0.10
    set_cell(kb, "effect_studies.csv", line, "success_rate", "0.5")
    assert_problem(kb, f"effect_studies.csv:række {line}:kolonne success_rate", "mellem ci_low og ci_high")


def test_default_price_year_outside_index(tmp_path):
    kb = copy_kb(tmp_path)
    meta = kb / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("default_price_year: 2024", "default_price_year: 2031"))
    assert_problem(kb, "meta.yaml", "Standard-prisniveauet 2031 findes ikke i nettoprisindekset (2013–2026)")


def test_meta_missing_version(tmp_path):
    kb = copy_kb(tmp_path)
    meta = kb / "meta.yaml"
    meta.write_text("default_price_year: 2024\n", encoding="utf-8")
    assert_problem(kb, "meta.yaml:felt version", "Skal udfyldes")


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    kb = copy_kb(tmp_path)
    set_cell(kb, "prices.csv", 2, "price", "-1")
    set_cell(kb, "consequences.csv", 3, "delta_use", "x")
    wheres = {p.where for p in problems(kb)}
    assert {"prices.csv:række 2:kolonne price", "consequences.csv:række 3:kolonne delta_use"} <= wheres


def test_message_text_lists_location(tmp_path):
    # str(error) is what a notebook shows: one line per problem, "file:række n:kolonne c: message"
    kb = copy_kb(tmp_path)
    set_cell(kb, "prices.csv", 2, "price", "-1")
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(kb)
    assert str(e.value) == "prices.csv:række 2:kolonne price: Prisen må ikke være negativ eller uendelig (fik -1)."


def test_status_public_on_an_illustrative_row(tmp_path):
    # line 3 of consequences.csv is an illustrative herberg row (year 2): calling it public would relabel a guess
    kb = copy_kb(tmp_path)
    set_cell(kb, "consequences.csv", 3, "status", "public")
    assert_problem(kb, "consequences.csv:række 3:kolonne status", "Status 'public' passer ikke med illustrative=true")


def test_status_of_a_calibrated_row_stays_calibrated(tmp_path):
    # a row fitted to a published total is calibrated whatever it is called (never derived)
    kb = copy_kb(tmp_path)
    rows = read(kb / "consequences.csv")
    line = next(i + 1 for i, r in enumerate(rows) if i and r[rows[0].index("calibrated_to")])
    set_cell(kb, "consequences.csv", line, "illustrative", "false")
    set_cell(kb, "consequences.csv", line, "status", "derived")
    set_cell(kb, "consequences.csv", line, "source_url", "https://example.org/kilde")
    assert_problem(kb, f"consequences.csv:række {line}:kolonne status", "calibrated_to har status calibrated")


def test_status_read_from_illustrative_where_the_column_is_missing(tmp_path):
    # prices.csv without its status column: an illustrative row reads as illustrative, a public one as public,
    # and a kommune's own row in a local layer as local
    kb = copy_kb(tmp_path)
    rows = read(kb / "prices.csv")
    drop = rows[0].index("status")
    write(kb / "prices.csv", [r[:drop] + r[drop + 1 :] for r in rows])
    base = load_knowledge(kb)
    p = base.prices
    assert set(p.loc[p["illustrative"], "status"]) == {"illustrative"}
    assert set(p.loc[~p["illustrative"], "status"]) == {"public"}
    local = load_knowledge(kb, local=DEFAULT_KNOWLEDGE_DIR / "lokale" / "eksempel_kommune")
    mine = local.prices[local.prices["local_layer"] != ""]
    assert len(mine) >= 1 and set(mine["status"]) == {"local"}


def test_old_mac_line_endings_are_read(tmp_path):
    # a CSV saved with CR-only line endings (old Mac) raised the csv module's raw "_csv.Error: new-line character"
    kb = copy_kb(tmp_path)
    path = kb / "services.csv"
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    loaded = load_knowledge(kb)
    assert set(loaded.services["id"]) == set(load_knowledge(DEFAULT_KNOWLEDGE_DIR).services["id"])
    assert loaded.dialects["services.csv"] == "komma, UTF-8, CR-linjeskift"


def test_a_nul_byte_in_a_name_is_refused_at_the_door(tmp_path):
    # a NUL byte in a services.csv name loaded; then export-xlsx raised openpyxl's IllegalCharacterError
    from som_kernel.kb.workbook import export_xlsx

    kb = copy_kb(tmp_path)
    path = kb / "services.csv"
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b",", b"\x00,", 2)  # the NUL sits in the name (line 4 of the file)
    path.write_bytes(b"\n".join(lines))
    message = "Rækken indeholder et tegn, som ingen fil kan rumme (kode 0, et usynligt styretegn); slet det og skriv"
    assert_problem(kb, "services.csv:række 4", message)
    with pytest.raises(KnowledgeError) as e:
        export_xlsx(kb, tmp_path / "kb.xlsx")
    assert str(e.value.problems[0]).startswith("services.csv:række 4: " + message)


def test_names_read_as_the_wrong_encoding_and_saved_again_give_a_warning(tmp_path):
    # 'Ophold pÃ¥ herberg' in 31 names (UTF-8 opened as Windows-1252 and saved again) loaded without a word
    kb = copy_kb(tmp_path)
    path = kb / "services.csv"
    text = path.read_text(encoding="utf-8")
    rows = read(path)
    j = rows[0].index("name")
    broken = [i for i, r in enumerate(rows[1:], start=2) if any(ch in r[j] for ch in "æøåÆØÅ§–é")]
    for i in broken:
        rows[i - 1][j] = rows[i - 1][j].encode("utf-8").decode("cp1252")
    write(path, rows)
    assert text != path.read_text(encoding="utf-8")
    warnings = [w for w in load_knowledge(kb).warnings if "forkert læste danske bogstaver" in w.message]
    first = rows[broken[0] - 1][j]
    assert [w.where for w in warnings] == [f"services.csv:række {broken[0]}:kolonne name"]
    assert warnings[0].message.startswith(f"{len(broken)} række(r) har tekst, der ligner forkert læste danske ")
    assert f"fx '{first}' (skulle nok være '{first.encode('cp1252').decode('utf-8')}')" in warnings[0].message
    assert not any("forkert læste" in w.message for w in load_knowledge(DEFAULT_KNOWLEDGE_DIR).warnings)
