"""The plain-Danish summary sentence, checked by hand on the tiny round-number knowledge base.

Base scenario (kb_small, tg_a, outcome job): 10 starters in 2025, 1-year course, horizon 3 years, price level 2024,
running cost 20.000 kr. per participant for kommune → cost 2025: −200.000 kr. (kommune).
Success rate 10 % → 1 successful person; consequence years 1–3 = 2025–2027 (offset 0):
  benefit (expenditure) Δ −10/−20/−20 weeks × 3.000 (kommune) / 1.000 (stat) → gains 30k/60k/60k and 10k/20k/20k
  tax (revenue)         Δ 0,5/1/1 years × 50.000 (kommune) / 30.000 (stat)   → gains 25k/50k/50k and 15k/30k/30k
kommune per year −145.000, 110.000, 110.000 → cumulative −145k, −35k, +75k: break-even 2027 (år 3), total 75.000
stat    per year   25.000,  50.000,  50.000 → total 125.000, no costs, gains from 2025 (år 1)
total   per year −120.000, 160.000, 160.000 → cumulative −120k, +40k: break-even 2026 (år 2), total 200.000
"""

from pathlib import Path

import pytest

from som_kernel import build_scenario, calculate, load_knowledge
from som_kernel.summary import summary

KB_SMALL = Path(__file__).parent / "fixtures" / "kb_small"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(KB_SMALL)


def scenario(success_rate=0.1, discount_rate=0.0, region_startup=0.0):
    return build_scenario(
        {
            "name": "Test",
            "target_group": "tg_a",
            "participants": [10],
            "duration_years": 1,
            "costs": {"running_per_participant": {"kommune": 20000}, "startup": {"region": region_startup}},
            "outcomes": [{"outcome": "job", "success_rate": success_rate}],
            "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 3, "discount_rate": discount_rate},
        }
    )


def test_pays_off_for_kommune_in_year_3_and_in_total_in_year_2(kb):
    assert summary(calculate(scenario(), kb)) == (
        "Indsatsen tjener sig hjem for kommunen i år 3 (2027). "
        "Staten har ingen udgifter til indsatsen og får gevinster fra år 1 (2025). "
        "For det offentlige samlet er nettoresultatet 200.000 kr. over perioden 2025–2027 "
        "(kommunen 75.000 kr. og staten 125.000 kr.), og indsatsen tjener sig hjem i år 2 (2026). "
        "Det svarer til 20.000 kr. pr. deltager."  # 200.000 / 10
    )


def test_never_pays_off(kb):
    # success rate 1 %: 0,1 successful person → kommune gains 5.500 + 11.000 + 11.000 = 27.500 − 200.000 = −172.500;
    # stat 2.500 + 5.000 + 5.000 = 12.500; total −160.000, cumulative never ≥ 0
    assert summary(calculate(scenario(success_rate=0.01), kb)) == (
        "Indsatsen tjener sig ikke hjem for kommunen inden for perioden 2025–2027. "
        "Staten har ingen udgifter til indsatsen og får gevinster fra år 1 (2025). "
        "For det offentlige samlet er nettoresultatet −160.000 kr. over perioden 2025–2027 "
        "(kommunen −172.500 kr. og staten 12.500 kr.), og indsatsen tjener sig ikke hjem inden for perioden. "
        "Det svarer til −16.000 kr. pr. deltager."  # −160.000 / 10
    )


def test_actor_with_costs_only_is_named_as_not_paying_off(kb):
    # region pays a one-off 1.000 kr. and gains nothing: total −121.000, +160.000, +160.000 → 199.000, break-even 2026
    assert summary(calculate(scenario(region_startup=1000), kb)) == (
        "Indsatsen tjener sig hjem for kommunen i år 3 (2027), men ikke for regionen inden for perioden 2025–2027. "
        "Staten har ingen udgifter til indsatsen og får gevinster fra år 1 (2025). "
        "For det offentlige samlet er nettoresultatet 199.000 kr. over perioden 2025–2027 "
        "(kommunen 75.000 kr., regionen −1.000 kr. og staten 125.000 kr.), og indsatsen tjener sig hjem i år 2 (2026). "
        "Det svarer til 19.900 kr. pr. deltager."  # 199.000 / 10
    )


def test_discounted_total_is_added_when_the_rate_is_above_zero(kb):
    # 10 %: −120.000 + 160.000/1,1 + 160.000/1,21 = −120.000 + 145.454,55 + 132.231,40 = 157.685,95 → 157.686 kr.
    text = summary(calculate(scenario(discount_rate=0.1), kb))
    assert text.endswith("Tilbagediskonteret med 10,0 % om året er nettoresultatet 157.686 kr.")


def test_millions_are_shown_as_mio_kr(kb):
    # 200 starters, cost 20.000 each: every amount × 20 → total 4.000.000 kr. → "4,0 mio. kr.";
    # kommune 75.000 × 20 = 1.500.000 → "1,5 mio. kr."; stat 125.000 × 20 = 2.500.000 → "2,5 mio. kr."
    s = scenario().model_copy(update={"participants": [200]})
    text = summary(calculate(s, kb))
    assert "nettoresultatet 4,0 mio. kr. over perioden 2025–2027 (kommunen 1,5 mio. kr. og staten 2,5 mio. kr.)" in text
