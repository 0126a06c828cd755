"""`python -m som_kernel.knowledge diff OLD NEW` (issue 12 §5) on two small copies of tests/fixtures/kb_small:
rows added, removed and changed per table, and how an example scenario's key figures move, by hand."""

import shutil
from datetime import date
from pathlib import Path

import pytest
from small_scenario import one_cohort

from som_kernel import load_knowledge, save_scenario
from som_kernel.errors import KnowledgeError
from som_kernel.knowledge import DEFAULT_KNOWLEDGE_DIR
from som_kernel.knowledge.__main__ import main
from som_kernel.knowledge.diff import notebook_scenario, report, scenario_moves, table_diff

FIXTURE = Path(__file__).parent / "fixtures" / "kb_small"


def versions(tmp_path: Path) -> tuple[Path, Path, Path]:
    """old = the fixture; new: benefit/kommune 3.000 → 3.300 kr. pr. uge, job × benefit year 4 (−20 uger) added,
    housed × shelter year 2 removed, version test-2. Plus a scenario folder with the golden one-cohort scenario."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(FIXTURE, old)
    shutil.copytree(FIXTURE, new)
    prices = new / "prices.csv"
    prices.write_text(prices.read_text(encoding="utf-8").replace("benefit,kommune,3000,", "benefit,kommune,3300,"))
    cons = new / "consequences.csv"
    lines = cons.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if not line.startswith("tg_a,housed,shelter,2,")]
    lines.insert(4, "tg_a,job,benefit,4,-20,uge,Testdata,,true,,")
    cons.write_text("\n".join(lines) + "\n", encoding="utf-8")
    meta = new / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace('"test-1"', '"test-2"'), encoding="utf-8")
    scenarios = tmp_path / "scenarier"
    scenarios.mkdir()
    scenario = one_cohort().model_copy(update={"name": "Én årgang"})
    save_scenario(scenario, scenarios / "en_aargang.json")
    return old, new, scenarios


def test_rows_added_removed_changed(tmp_path):
    old, new, _ = versions(tmp_path)
    a, b = load_knowledge(old), load_knowledge(new)
    prices = table_diff(a, b, "prices.csv")
    assert (prices.added, prices.removed) == ([], [])
    assert prices.changed == [("benefit × kommune", [("price", "3000", "3300")])]
    cons = table_diff(a, b, "consequences.csv")
    assert cons.added == ["tg_a × job × benefit × 4"]
    assert cons.removed == ["tg_a × housed × shelter × 2"]
    assert cons.changed == []
    assert table_diff(a, b, "services.csv").empty


def test_key_figures_move(tmp_path):
    old, new, scenarios = versions(tmp_path)
    (move,) = scenario_moves(load_knowledge(old), load_knowledge(new), scenarios, examples=None)
    # horizon 3 uses benefit years 1–3 (10 + 20 + 20 = 50 uger per success; year 4 is past the horizon):
    # kommune +300 kr. · 50 uger · 5 successes = +75.000: 325.000 → 400.000 (golden: −775.000 + 550.000 + 550.000)
    # stat unchanged 625.000; total 950.000 → 1.025.000; break-even (total) 2026 both
    assert move.before == {"kommune": 325_000, "region": 0, "stat": 625_000, "I alt": 950_000}
    assert move.after == {"kommune": 400_000, "region": 0, "stat": 625_000, "I alt": 1_025_000}
    assert (move.break_even_before, move.break_even_after) == (2026, 2026)


def test_report_text(tmp_path):
    old, new, scenarios = versions(tmp_path)
    text = report(load_knowledge(old), load_knowledge(new), scenarios, examples=None)
    lines = text.splitlines()
    assert lines[0] == f"Vidensdatabasen test-1 ({old}) → test-2 ({new})"
    assert "prices.csv: 0 tilføjet, 0 fjernet, 1 ændret" in lines
    assert "  ~ benefit × kommune: price 3000 → 3300" in lines
    assert "consequences.csv: 1 tilføjet, 1 fjernet, 0 ændret" in lines
    assert "  + tg_a × job × benefit × 4" in lines
    assert "  - tg_a × housed × shelter × 2" in lines
    assert "services.csv: uændret" in lines
    assert "meta.yaml: uændret" in lines  # only the version, which the first line gives
    assert "  Én årgang (en_aargang.json)" in lines
    assert "    Kommune         325.000 kr. →        400.000 kr.  (+75.000 kr.)" in lines
    assert "    Stat            625.000 kr. →        625.000 kr.  (uændret)" in lines
    assert "    I alt           950.000 kr. →      1.025.000 kr.  (+75.000 kr.)" in lines
    assert "    Break-even 2026 → 2026" in lines


def test_scenario_that_does_not_fit_one_version(tmp_path):
    old, new, scenarios = versions(tmp_path)
    cons = new / "consequences.csv"
    # the new version drops the outcome 'job' entirely: the scenario cannot be computed on it
    lines = [x for x in cons.read_text(encoding="utf-8").splitlines() if ",job," not in x]
    cons.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcomes = new / "outcomes.csv"
    outcomes.write_text(
        "\n".join(x for x in outcomes.read_text(encoding="utf-8").splitlines() if not x.startswith("job,")) + "\n",
        encoding="utf-8",
    )
    (move,) = scenario_moves(load_knowledge(old), _loadable(new), scenarios, examples=None)
    assert move.before["I alt"] == 950_000
    assert move.after is None
    assert move.problem == "Effektmålet 'job' findes ikke for den valgte målgruppe."


def _loadable(folder: Path):
    # the fixture's one effect study is on 'job'; move it to the remaining outcome so the version still loads
    effect = folder / "effect_studies.csv"
    effect.write_text(
        (FIXTURE / "effect_studies.csv").read_text(encoding="utf-8").replace(",tg_a,job,", ",tg_a,housed,"),
        encoding="utf-8",
    )
    return load_knowledge(folder)


def test_example_notebook_defaults_are_read():
    scenario = notebook_scenario(DEFAULT_KNOWLEDGE_DIR.parent / "notebooks" / "examples" / "ips.ipynb")
    # ips.ipynb's parameters: 50 starters a year for 3 years, 2 years each, success 13 %
    assert scenario.participants == [50, 50, 50]
    assert scenario.duration_years == 2
    assert scenario.outcomes[0].success_rate == 0.13


def test_a_comparison_notebook_gives_both_scenarios():
    from som_kernel.examples import notebook_scenarios

    built = notebook_scenarios(DEFAULT_KNOWLEDGE_DIR.parent / "notebooks" / "examples" / "inmates_compare.ipynb")
    # inmates_compare.ipynb's parameters: A the mentor course at 38 %, B the programme at 10 %, 100 starters × 3 years
    assert [s.name for s in built] == ["A – Mentorforløb", "B – Kognitivt program"]
    assert [s.outcomes[0].success_rate for s in built] == [0.38, 0.10]
    assert all(s.participants == [100, 100, 100] for s in built)


def test_command_line(tmp_path, capsys):
    old, new, scenarios = versions(tmp_path)
    assert main(["diff", str(old), str(new), "--scenarier", str(scenarios), "--eksempler", ""]) == 0
    out = capsys.readouterr().out
    assert "  ~ benefit × kommune: price 3000 → 3300" in out
    assert main(["diff", str(old), str(tmp_path / "findes_ikke")]) == 2
    assert "Vidensdatabasen findes ikke" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------------------------
# Rules (rules/*.yaml), their links (rule_links.csv), policy.yaml and the prices the rules derive


def rule_versions(tmp_path: Path) -> tuple[Path, Path, Path]:
    """old = the shipped knowledge base; new: § 110 refusion days from 2026-04-01 90 → 60, a new § 110 state rate
    0,4 from 2028-01-01, Housing First bostøtte's gross rate in rule_links.csv 85.000 → 90.000 kr. (its two derived
    prices.csv rows 42.500 → 45.000 kr. with it, as derive_prices.py --write would). Plus an empty scenario folder."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, old)
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, new)
    shelter = new / "rules" / "refusion_110.yaml"
    text = shelter.read_text(encoding="utf-8")
    assert text.count("        value: 90\n") == 1
    text = text.replace("        value: 90\n", "        value: 60\n")
    added = (
        "      2028-01-01:\n        value: 0.4\n        illustrative: true\n"
        "        why: En tænkt lavere sats, kun til testen.\n"
    )
    text = text.replace("  refusion_days:\n", added + "  refusion_days:\n")
    shelter.write_text(text, encoding="utf-8")
    _replace(
        new / "rule_links.csv", "bostoette_hf,refusion_bostoette,,85000,", "bostoette_hf,refusion_bostoette,,90000,"
    )
    for actor in ("kommune", "stat"):
        _replace(new / "prices.csv", f"bostoette_hf,{actor},42500,", f"bostoette_hf,{actor},45000,")
    scenarios = tmp_path / "scenarier"
    scenarios.mkdir()
    return old, new, scenarios


def _report_lines(old: Path, new: Path, scenarios: Path) -> list[str]:
    return report(load_knowledge(old, local=False), load_knowledge(new, local=False), scenarios, None).splitlines()


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_rule_values_links_and_derived_prices(tmp_path):
    old, new, scenarios = rule_versions(tmp_path)
    lines = _report_lines(old, new, scenarios)
    assert "rules/refusion_110.yaml: 1 tilføjet, 0 fjernet, 1 ændret" in lines
    # an added period says what it replaces on its first day (the 2023-10-01 value 0,5 held from then on before)
    assert "  + state_rate (andel af døgnprisen) fra 2028-01-01: 0,4 (før: 0,5 fra 2023-10-01)" in lines
    assert "  ~ refusion_days (døgn pr. år) fra 2026-04-01: value 90 → 60" in lines
    assert "rules/refusion_forsoergelse.yaml: uændret" in lines
    assert "rule_links.csv: 0 tilføjet, 0 fjernet, 1 ændret" in lines
    assert "  ~ bostoette_hf: gross_price 85000 → 90000" in lines
    assert "policy.yaml: uændret" in lines
    head = "Afledte priser pr. kalenderår (rule_links.csv's bruttopris fordelt efter rules/): 4 ændret"
    assert head in lines
    at = lines.index(head)
    assert lines[at + 1].startswith("  som prices.csv's afledte rækker: kr. pr. enhed før skat, konsekvensår 1")
    # herberg_doegn, gross 1.507 kr. a night (2023), 129 nights a year; stat = 0,5 (0,4 from 2028) · days / 129:
    # 2026 (90 days Jan–Mar at 120 days, 275 days Apr–Dec at 90 → 60):
    #   old stat 1.507 · 0,5 · (90 · 120 + 275 · 90) / (365 · 129) = 568,9 → 569, kommune 1.507 − 568,9 = 938
    #   new stat 1.507 · 0,5 · (90 · 120 + 275 · 60) / (365 · 129) = 436,9 → 437, kommune 1.070
    # 2027: old stat 1.507 · 0,5 · 90 / 129 = 525,7 → 526 (kommune 981), new 1.507 · 0,5 · 60 / 129 = 350,5 → 350
    #   (kommune 1.156,5 → 1.157)
    # from 2028: old as 2027; new 1.507 · 0,4 · 60 / 129 = 280,4 → 280 (kommune 1.226,6 → 1.227)
    assert lines[at + 2 : at + 4] == [
        "  ~ herberg_doegn × kommune: 2026: 938 kr. → 1.070 kr.; 2027: 981 kr. → 1.157 kr.; "
        "fra 2028: 981 kr. → 1.227 kr. (prisår 2023)",
        "  ~ herberg_doegn × stat: 2026: 569 kr. → 437 kr.; 2027: 526 kr. → 350 kr.; "
        "fra 2028: 526 kr. → 280 kr. (prisår 2023)",
    ]
    # bostoette_hf 85.000 → 90.000 kr. a year, consequence year 1: no refund before 2023-10-01 (all the kommune's;
    # 2016 is the first year both versions' rules price every service); 2023: 50 % for Oct–Dec, 92 of 365 days:
    #   stat 85.000 · 0,5 · 92 / 365 = 10.712,3 → 10.712, new 90.000 · 0,5 · 92 / 365 = 11.342,5 → 11.342;
    #   kommune 85.000 − 10.712,3 = 74.287,7 → 74.288, new 90.000 − 11.342,5 = 78.657,5 → 78.658
    # from 2024: 50 % each, 42.500 → 45.000 kr.
    assert lines[at + 4 : at + 6] == [
        "  ~ bostoette_hf × kommune: 2016–2022: 85.000 kr. → 90.000 kr.; 2023: 74.288 kr. → 78.658 kr.; "
        "fra 2024: 42.500 kr. → 45.000 kr. (prisår 2023)",
        "  ~ bostoette_hf × stat: 2023: 10.712 kr. → 11.342 kr.; fra 2024: 42.500 kr. → 45.000 kr. (prisår 2023)",
    ]
    # the rules and the prices they derive come before the examples' moves
    assert lines[at + 7] == "Eksempelberegninger: nettoresultat over hele perioden pr. aktør og break-even-år (i alt)"


def test_removed_link_period_and_policy_values(tmp_path):
    old, new, scenarios = rule_versions(tmp_path)
    # skadestue is no longer priced by the rule (its prices.csv rows price it); the 2013 discount rate is dropped
    # and the 2021 one changed (test values, not a real rate)
    links = new / "rule_links.csv"
    kept = [x for x in links.read_text(encoding="utf-8").splitlines() if not x.startswith("skadestue,")]
    links.write_text("\n".join(kept) + "\n", encoding="utf-8")
    policy = new / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    start, end = text.index("      2013-05-31:\n"), text.index("      2021-01-07:\n")
    policy.write_text(text[:start] + text[end:].replace("value: 0.035", "value: 0.03", 1), encoding="utf-8")
    _replace(new / "meta.yaml", "  share: 0.20\n", "  share: 0.25\n")
    lines = _report_lines(old, new, scenarios)
    assert "rule_links.csv: 0 tilføjet, 1 fjernet, 1 ændret" in lines
    assert "  - skadestue" in lines
    assert "meta.yaml: 0 tilføjet, 0 fjernet, 1 ændret" in lines
    assert "  ~ overhead: share 0.2 → 0.25" in lines
    note = " (beregningerne herunder bruger programmets egen policy.yaml)"
    assert "policy.yaml: 0 tilføjet, 1 fjernet, 1 ændret" + note in lines
    assert "  - discount_rate (andel pr. år (0–1)) fra 2013-05-31 til 2021-01-06: 0,04 (nu: ingen værdi)" in lines
    assert "  ~ discount_rate (andel pr. år (0–1)) fra 2021-01-07: value 0,035 → 0,03" in lines
    # a service the rules price in one version only is not among the derived prices (its link line says it)
    assert not any(x.startswith("  ~ skadestue ×") for x in lines)


def test_a_rule_file_only_one_version_has():
    from som_kernel.knowledge.diff_rules import parameters_diff

    doc = {
        "description": "Statens andel af en ydelse.",
        "parameters": {
            "state_share": {
                "description": "Statens andel.",
                "unit": "andel",
                "values": {date(2020, 1, 1): {"value": 1.0}, date(2024, 7, 1): {"value": 1234.5}},
            },
            "price_year": {"description": "Prisniveau.", "unit": "år", "values": {date(2023, 1, 1): {"value": 2022}}},
        },
    }
    d = parameters_diff("rules/statslig_ydelse.yaml", None, doc)
    assert d.added == [
        "state_share (andel) fra 2020-01-01 til 2024-06-30: 1 (før: ingen værdi)",
        "state_share (andel) fra 2024-07-01: 1.234,5 (før: ingen værdi)",
        "price_year (år) fra 2023-01-01: 2022 (før: ingen værdi)",  # a year without a thousands point
    ]
    assert (d.removed, d.changed) == ([], [])
    gone = parameters_diff("rules/statslig_ydelse.yaml", doc, None)
    assert gone.removed == [
        "state_share (andel) fra 2020-01-01 til 2024-06-30: 1 (nu: ingen værdi)",
        "state_share (andel) fra 2024-07-01: 1.234,5 (nu: ingen værdi)",
        "price_year (år) fra 2023-01-01: 2022 (nu: ingen værdi)",
    ]


def test_rule_staircase_and_source_changes():
    from som_kernel.knowledge.diff_rules import parameters_diff

    def doc(top: float, title: str) -> dict:
        entry = {
            "brackets": [{"from_week": 1, "value": 0.8}, {"from_week": 53, "value": top}],
            "reference": {"title": title, "url": "https://example.org/lov"},
        }
        return {
            "description": "Refusion.",
            "parameters": {
                "state_share": {"description": "Andel.", "unit": "andel", "values": {date(2016, 1, 1): entry}}
            },
        }

    d = parameters_diff("rules/refusion_forsoergelse.yaml", doc(0.2, "Loven"), doc(0.25, "Loven, ændret"))
    assert d.changed == [
        (
            "state_share (andel) fra 2016-01-01",
            [
                ("value", "fra uge 1: 0,8 · fra uge 53: 0,2", "fra uge 1: 0,8 · fra uge 53: 0,25"),
                ("reference.title", "Loven", "Loven, ændret"),
            ],
        )
    ]


def test_committee_tables(tmp_path):
    old, new, scenarios = rule_versions(tmp_path)
    committees = new / "committees.csv"
    header, *rows = committees.read_text(encoding="utf-8").splitlines()
    first = rows[0].split(",")
    renamed = ",".join([first[0], first[1] + " (nyt navn)", *first[2:]])
    committees.write_text("\n".join([header, renamed, *rows[1:]]) + "\n", encoding="utf-8")
    lines = _report_lines(old, new, scenarios)
    assert "committees.csv: 0 tilføjet, 0 fjernet, 1 ændret" in lines
    assert f"  ~ {first[0]}: name {first[1]} → {first[1]} (nyt navn)" in lines
    assert "committee_map.csv: uændret" in lines


# ---------------------------------------------------------------------------------------------------------------
# A kommune's local layer on each side (--lokal): the layer's own tables and the examples with the layer on

LAYER_PRICE_HEADER = "service,actor,price,unit,price_year,source_title,source_url,illustrative,note"


def layer(folder: Path, benefit_kommune: int, consequences: str = "") -> Path:
    """A hand-made layer on kb_small: the kommune's own benefit price (kr. pr. uge), and consequence rows (CSV
    text with consequences.csv's header) if given."""
    folder.mkdir(parents=True)
    (folder / "lokal.yaml").write_text("name: test_lag\nkommune: Testkommune\n", encoding="utf-8")
    row = f"benefit,kommune,{benefit_kommune},kr. pr. uge,2024,Testkommunens takstblad,,true,"
    (folder / "prices.csv").write_text(f"{LAYER_PRICE_HEADER}\n{row}\n", encoding="utf-8")
    if consequences:
        (folder / "consequences.csv").write_text(consequences, encoding="utf-8")
    return folder


def _diff_lines(capsys, *args: str) -> list[str]:
    assert main(["diff", *args, "--eksempler", ""]) == 0
    return capsys.readouterr().out.splitlines()


def test_a_new_version_of_the_layer(tmp_path, capsys):
    base, _, scenarios = versions(tmp_path)
    old_layer, new_layer = layer(tmp_path / "lag_1", 3200), layer(tmp_path / "lag_2", 3400)
    a, b = (load_knowledge(base, local=p).local for p in (old_layer, new_layer))
    lines = _diff_lines(
        capsys, str(base), str(base), "--lokal", str(old_layer), str(new_layer), "--scenarier", str(scenarios)
    )
    assert "prices.csv: uændret" in lines  # the national table
    i = lines.index(f"Lokalt lag {a.label} ({old_layer}) → {b.label} ({new_layer})")
    assert lines[i + 1 : i + 3] == [
        "lokal prices.csv: 0 tilføjet, 0 fjernet, 1 ændret",
        "  ~ benefit × kommune: price 3200 → 3400",
    ]
    assert "lokal consequences.csv: uændret" not in lines  # neither layer has the table
    assert "Nationale ændringer, som det nye lag erstatter (de slår ikke igennem med laget): ingen" in lines
    # one cohort (5 successes, benefit years 1–3 = 10 + 20 + 20 = 50 uger each within the horizon), golden at the
    # national 3.000 kr./uge: kommune 325.000, stat 625.000, total 950.000. The local price adds (price − 3.000) ·
    # 50 · 5: old layer 3.200 → +50.000: kommune 375.000, total 1.000.000; new layer 3.400 → +100.000: kommune
    # 425.000, total 1.050.000. Total 2025 −650.000 + 20.000 at most, still < 0; cumulative 2026 > 0: 2026 both
    j = lines.index(
        "Eksempelberegninger med det lokale lag: nettoresultat over hele perioden pr. aktør og break-even-år (i alt)"
    )
    assert lines[j + 1 :] == [
        "  Én årgang (en_aargang.json)",
        "    Kommune         375.000 kr. →        425.000 kr.  (+50.000 kr.)",
        "    Region                0 kr. →              0 kr.  (uændret)",
        "    Stat            625.000 kr. →        625.000 kr.  (uændret)",
        "    I alt         1.000.000 kr. →      1.050.000 kr.  (+50.000 kr.)",
        "    Break-even 2026 → 2026",
    ]


def test_a_new_national_base_under_the_same_layer(tmp_path, capsys):
    # the new base: benefit/kommune 3.000 → 3.300 kr. pr. uge, job × benefit year 4 added, housed × shelter year 2
    # removed. The layer: its own benefit price 3.200, and its own job × benefit profile (the national years 1–3,
    # so the kroner are those of the price alone), which replaces the national profile with its new year 4
    old, new, scenarios = versions(tmp_path)
    profile = (FIXTURE / "consequences.csv").read_text(encoding="utf-8").splitlines()
    own = "\n".join([profile[0], *(x for x in profile if x.startswith("tg_a,job,benefit,"))]) + "\n"
    mine = layer(tmp_path / "lag", 3200, own)
    lines = _diff_lines(capsys, str(old), str(new), "--lokal", str(mine), "--scenarier", str(scenarios))
    assert "  ~ benefit × kommune: price 3000 → 3300" in lines  # the national change is listed …
    assert "lokal prices.csv: uændret" in lines
    i = lines.index("Nationale ændringer, som det nye lag erstatter (de slår ikke igennem med laget): 2")
    assert lines[i + 1 : i + 3] == ["  prices.csv: benefit × kommune", "  consequences.csv: tg_a × job × benefit × 4"]
    # … but the kommune's own 3.200 kr. wins on both: kommune 325.000 + 200 · 50 · 5 = 375.000 on both versions
    assert "    Kommune         375.000 kr. →        375.000 kr.  (uændret)" in lines
    assert "    I alt         1.000.000 kr. →      1.000.000 kr.  (uændret)" in lines


def test_a_layer_that_is_missing_or_does_not_fit(tmp_path, capsys):
    old, new, scenarios = versions(tmp_path)
    missing = tmp_path / "findes_ikke"
    assert main(["diff", str(old), str(new), "--lokal", str(missing)]) == 2
    assert capsys.readouterr().err == f"Fejl:\n  {missing}: Det lokale lag findes ikke (SOM_LOCAL eller local=…).\n"
    # a price for a service the base does not have: the loader's own message (file:row:column), exit code 2
    unknown = layer(tmp_path / "lag", 3200)
    prices = unknown / "prices.csv"
    prices.write_text(prices.read_text(encoding="utf-8").replace("benefit,", "ukendt,"), encoding="utf-8")
    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(new, local=unknown)
    expected = "".join(f"  {p}\n" for p in refused.value.problems)
    assert main(["diff", str(old), str(new), "--lokal", str(unknown)]) == 2
    err = capsys.readouterr().err
    assert err == f"Fejl:\n{expected}"
    assert err.startswith("Fejl:\n  lag/prices.csv:række 2:kolonne service: Ukendt ydelse 'ukendt'.\n")


def test_more_than_two_layers_is_refused(tmp_path, capsys):
    old, new, _ = versions(tmp_path)
    with pytest.raises(SystemExit) as refused:
        main(["diff", str(old), str(new), "--lokal", "a", "b", "c"])
    assert refused.value.code == 2
    assert "--lokal tager ét lag (på begge versioner) eller to (det gamle og det nye)" in capsys.readouterr().err
