"""The small test scenario on tests/fixtures/kb_small, defined once for the tests that build apps and files
from it (test_app_state, test_hostile_input, test_knowledge_local, test_checklist, test_export).

10 starters in one cohort, 20.000 kr. each to the kommune, success rate 10 % on the outcome "job", prices of
2024, years 2025–2027. Never change SMALL in a test: copy it (`{**SMALL, ...}` or `small(...)`).
"""

from __future__ import annotations

import copy
from pathlib import Path

KB_SMALL = Path(__file__).parent / "fixtures" / "kb_small"
SMALL = {
    "name": "Testindsats",
    "target_group": "tg_a",
    "participants": [10],
    "duration_years": 1,
    "costs": {"running_per_participant": {"kommune": 20000}},
    "outcomes": [{"outcome": "job", "success_rate": 0.1}],
    "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 3},
}


def small(**changes) -> dict:
    """A deep copy of SMALL with top-level `changes`."""
    return {**copy.deepcopy(SMALL), **changes}


def one_cohort():
    """test_engine_golden.test_one_cohort's scenario: 10 start 2025, 1 year, success 50 % on "job" → 5 successes;
    kommune costs 50.000 start-up + 10 · 100.000 running = 1.050.000 kr.; prices of 2024, years 2025–2027."""
    from som_kernel import build_scenario

    return build_scenario(
        {
            "target_group": "tg_a",
            "participants": [10],
            "duration_years": 1,
            "costs": {"startup": {"kommune": 50_000}, "running_per_participant": {"kommune": 100_000}},
            "outcomes": [{"outcome": "job", "success_rate": 0.5}],
            "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 3},
        }
    )
