"""Golden scenarios on tests/fixtures/kb_small, computed by hand in the comments, asserted to the krone.

Fixture prices (kr. per unit, 2024 level unless noted):
  benefit (uge, expenditure): kommune 3.000, stat 1.000
  tax (år i job, revenue):    kommune 50.000, stat 30.000
  shelter (døgn, expenditure): kommune 500, stat 500
  bedday (dag, expenditure):  region 5.000 at 2020 level
Consequences per success:
  job:    benefit −10/−20/−20 uger (år 1/2/3); tax +0,5/+1/+1 år i job
  housed: shelter −100/−50 døgn (år 1/2); bedday −2 dage (år 1)
Net price index: 2020 = 100, 2024 = 125, 2025 = 130.
"""

import pytest
from small_scenario import one_cohort

from som_kernel import build_scenario, calculate


def values(frame, actor):
    return {int(y): round(v, 6) for y, v in frame[actor].items()}


def test_one_cohort(kb_small):
    # 10 participants start 2025, 1 year, success 50 % → 5 successes, consequence years 2025–2027.
    # Per success, kommune: k1 = 10·3.000 + 0,5·50.000 = 55.000; k2 = k3 = 20·3.000 + 50.000 = 110.000
    #              stat:    k1 = 10·1.000 + 0,5·30.000 = 25.000; k2 = k3 = 20·1.000 + 30.000 = 50.000
    # × 5 successes: kommune 275.000 / 550.000 / 550.000; stat 125.000 / 250.000 / 250.000
    # Costs 2025, kommune: 10 · 100.000 running + 50.000 start-up = 1.050.000
    s = one_cohort()  # tests/small_scenario.py: 10 start 2025, 1 year, 50 % on "job", prices of 2024, 2025–2027
    r = calculate(s, kb_small)
    by = r.by_year_actor()
    assert values(by, "kommune") == {2025: -775_000, 2026: 550_000, 2027: 550_000}
    assert values(by, "stat") == {2025: 125_000, 2026: 250_000, 2027: 250_000}
    assert values(by, "region") == {2025: 0, 2026: 0, 2027: 0}
    assert values(by, "total") == {2025: -650_000, 2026: 800_000, 2027: 800_000}
    # cumulative kommune: −775.000, −225.000, +325.000 → break-even 2027; total: −650.000, +150.000 → 2026
    assert values(r.cumulative(), "kommune") == {2025: -775_000, 2026: -225_000, 2027: 325_000}
    assert r.break_even_years() == {"kommune": 2027, "region": None, "stat": 2025, "total": 2026}
    assert r.totals()["total"] == 950_000
    # per welfare area (all actors): employment = benefit, tax = tax, social = costs
    # employment 2025: 5·(30.000 + 10.000) = 200.000; tax 2025: 5·(25.000 + 15.000) = 200.000
    area = r.by_welfare_area()
    assert area.loc[2025, "employment"] == 200_000
    assert area.loc[2025, "tax"] == 200_000
    assert area.loc[2025, "social"] == -1_050_000
    assert area.loc[2026, "tax"] == 5 * (50_000 + 30_000)


def test_three_cohorts_with_decay(kb_small):
    # Cohorts 10/20/10 start 2025/26/27, 2 years each → complete 2026/27/28; success 20 % → 2/4/2 successes.
    # Persistence [1; 0,5]. Consequences per success (housed), 2024 prices:
    #   k1: shelter 100·500 = 50.000 kommune and stat; bedday 2 · 5.000·125/100 = 12.500 region
    #   k2: shelter 50·500·0,5 = 12.500 kommune and stat
    # Costs kommune: (10.000 running − 4.000 baseline) per active participant-year + 30.000 fixed per year.
    #   active: 2025: 10, 2026: 30, 2027: 30, 2028: 10 → −90.000, −210.000, −210.000, −90.000
    s = build_scenario(
        {
            "target_group": "tg_a",
            "participants": [10, 20, 10],
            "duration_years": 2,
            "costs": {
                "running_per_participant": {"kommune": 10_000},
                "running_per_year": {"kommune": 30_000},
                "baseline_per_participant": {"kommune": 4_000},
            },
            "outcomes": [{"outcome": "housed", "success_rate": 0.2, "persistence": [1.0, 0.5]}],
            "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 2},
        }
    )
    r = calculate(s, kb_small)
    by = r.by_year_actor()
    # kommune consequences: 2026: 2·50.000 = 100.000; 2027: 2·12.500 + 4·50.000 = 225.000;
    #   2028: 4·12.500 + 2·50.000 = 150.000; 2029: 2·12.500 = 25.000
    assert values(by, "kommune") == {2025: -90_000, 2026: -110_000, 2027: 15_000, 2028: 60_000, 2029: 25_000}
    assert values(by, "stat") == {2025: 0, 2026: 100_000, 2027: 225_000, 2028: 150_000, 2029: 25_000}
    assert values(by, "region") == {2025: 0, 2026: 25_000, 2027: 50_000, 2028: 25_000, 2029: 0}
    assert values(by, "total") == {2025: -90_000, 2026: 15_000, 2027: 290_000, 2028: 235_000, 2029: 50_000}
    # kommune cumulative −90.000, −200.000, −185.000, −125.000, −100.000: never breaks even
    assert r.break_even_years() == {"kommune": None, "region": 2026, "stat": 2026, "total": 2027}
    # average participant (40), kommune, by year since start:
    #   year 1: running −60.000 −120.000 −60.000, fixed share −30.000 −20.000 −10.000 → −300.000 / 40 = −7.500
    #   year 2: running −60.000 −120.000 −60.000, fixed −10.000 −20.000 −30.000, consequences +100.000 +200.000
    #           +100.000 → +100.000 / 40 = 2.500;  year 3: 25.000 + 50.000 + 25.000 = 100.000 / 40 = 2.500
    pp = r.per_participant()
    assert values(pp, "kommune") == {1: -7_500, 2: 2_500, 3: 2_500}
    assert pp["kommune"].sum() * 40 == pytest.approx(r.totals()["kommune"])


def test_two_outcomes_discounted_with_price_conversion(kb_small):
    # Price level 2025: knowledge prices at 2024 × 130/125 = 1,04; bedday (2020) × 130/100 = 1,3.
    # 100 participants in 2025, 1 year; job 10 % (10 successes), housed 20 % (20 successes); 5 % discount.
    # job per success k1: kommune 10·3.120 + 0,5·52.000 = 57.200; stat 10·1.040 + 0,5·31.200 = 26.000
    #                 k2: kommune 20·3.120 + 52.000 = 114.400; stat 20·1.040 + 31.200 = 52.000
    # housed per success k1: kommune and stat 100·520 = 52.000; region 2·6.500 = 13.000; k2: 50·520 = 26.000
    # 2025: kommune 10·57.200 + 20·52.000 − 500.000 = 1.112.000; stat 260.000 + 1.040.000 − 20.000 = 1.280.000;
    #       region 20·13.000 = 260.000
    # 2026: kommune 10·114.400 + 20·26.000 = 1.664.000; stat 520.000 + 520.000 = 1.040.000
    s = build_scenario(
        {
            "target_group": "tg_a",
            "participants": [100],
            "duration_years": 1,
            "costs": {"startup": {"stat": 20_000}, "running_per_participant": {"kommune": 5_000}, "price_year": 2025},
            "outcomes": [{"outcome": "job", "success_rate": 0.1}, {"outcome": "housed", "success_rate": 0.2}],
            "settings": {"price_year": 2025, "first_year": 2025, "horizon_years": 2, "discount_rate": 0.05},
        }
    )
    r = calculate(s, kb_small)
    by = r.by_year_actor()
    assert values(by, "kommune") == {2025: 1_112_000, 2026: 1_664_000}
    assert values(by, "stat") == {2025: 1_280_000, 2026: 1_040_000}
    assert values(by, "region") == {2025: 260_000, 2026: 0}
    disc = r.by_year_actor(discounted=True)
    # 2026 discounted one year: 1.664.000 / 1,05 = 1.584.761,90; 1.040.000 / 1,05 = 990.476,19
    assert round(disc.loc[2026, "kommune"]) == 1_584_762
    assert round(disc.loc[2026, "stat"]) == 990_476
    npv = r.npv()
    assert round(npv["kommune"]) == 2_696_762  # 1.112.000 + 1.584.761,90
    assert round(npv["total"]) == 5_227_238  # 1.112.000 + 1.280.000 + 260.000 + 1.584.761,90 + 990.476,19
    assert r.totals()["total"] == 5_356_000
    # consequences by kind: costs −520.000 in total
    assert r.totals_by_kind().loc["cost", "total"] == -520_000


def test_consequence_offset_moves_consequences_one_year(kb_small):
    # Same as one cohort but consequence year 1 = the year after completion: 2026–2028.
    base = {
        "target_group": "tg_a",
        "participants": [10],
        "duration_years": 1,
        "outcomes": [{"outcome": "job", "success_rate": 0.5}],
        "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 3, "consequence_offset": 1},
    }
    by = calculate(build_scenario(base), kb_small).by_year_actor()
    assert values(by, "kommune") == {2025: 0, 2026: 275_000, 2027: 550_000, 2028: 550_000}


def test_overrides_replace_knowledge_values(kb_small):
    # Local benefit estimate −30 uger in year 1 instead of −10; local kommune tax price 40.000 (2024).
    # 5 successes: kommune k1 = 5·(30·3.000 + 0,5·40.000) = 5·110.000 = 550.000
    s = build_scenario(
        {
            "target_group": "tg_a",
            "participants": [10],
            "duration_years": 1,
            "outcomes": [{"outcome": "job", "success_rate": 0.5}],
            "consequence_overrides": [{"outcome": "job", "service": "benefit", "year": 1, "delta_use": -30}],
            "price_overrides": [{"service": "tax", "actor": "kommune", "price": 40_000, "price_year": 2024}],
            "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 1},
        }
    )
    assert calculate(s, kb_small).by_year_actor().loc[2025, "kommune"] == 550_000
    # excluding tax leaves only the benefit: 5·30·3.000 = 450.000
    s2 = s.model_copy(update={"excluded_services": ["tax"]})
    assert calculate(s2, kb_small).by_year_actor().loc[2025, "kommune"] == 450_000


def test_custom_target_group(kb_small):
    # An own target group takes all its consequences from the scenario: 4 successes · 2 uger · 3.000 = 24.000
    s = build_scenario(
        {
            "custom_target_group": {"name": "Egen gruppe", "outcomes": {"egen": "Eget mål"}},
            "participants": [8],
            "duration_years": 1,
            "outcomes": [{"outcome": "egen", "success_rate": 0.5}],
            "consequence_overrides": [{"outcome": "egen", "service": "benefit", "year": 1, "delta_use": -2}],
            "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 1},
        }
    )
    r = calculate(s, kb_small)
    assert r.by_year_actor().loc[2025, "kommune"] == 24_000
    assert set(r.table["service"]) == {"benefit"}
