from pathlib import Path

import pytest

from som_kernel import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_KB = ROOT / "tests" / "fixtures" / "kb_small"


@pytest.fixture(scope="session")
def kb_small():
    """Tiny knowledge base with round numbers (tests/fixtures/kb_small); prices 2024 except bedday (2020).
    Net price index: 2020 = 100, 2024 = 125, 2025 = 130."""
    return load_knowledge(FIXTURE_KB)


@pytest.fixture(scope="session")
def kb():
    """The shipped knowledge base (knowledge/)."""
    return load_knowledge()
