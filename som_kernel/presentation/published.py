"""A result beside published figures, each saying what the published figure is to the calculation (an input, a
calibration target or an independent check); only an independent figure can show agreement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import Problem, ScenarioError
from ..format import number, pct
from .key_figures import figure_text

# what a published figure is to our calculation: only an independent figure can show agreement; the others say why
# a difference (or a match) proves nothing
COMPARISON_KINDS = {
    "input": "input: det offentliggjorte tal er skrevet ind i beregningen",
    "kalibreret": "kalibreret: vidensdatabasen er tilpasset, så den rammer tallet",
    "delvis tilpasset": "delvis tilpasset: vidensdatabasen blev ændret i samme omgang, som sammenligningen kom til",
    "plausibilitet": "plausibilitet: tallet gælder en anden målgruppe eller indsats og viser kun størrelsesordenen",
    "øvre grænse": "øvre grænse: tallet er et loft over, hvad der kan bruges, ikke en gevinst at ramme",
    "uafhængig": "uafhængig: et reelt tjek",
}
# the spelling notebooks written before 2026-12 use
ALIASES = {"calibreret": "kalibreret"}


@dataclass(frozen=True)
class Published:
    """A published figure to compare with: label, our value, the published value, its unit (kr | pct | n) and its
    kind (COMPARISON_KINDS): 'input' (we typed the published number), 'kalibreret' (the knowledge base was fitted
    to it), 'delvis tilpasset' (fitted in the same change that added the comparison), 'plausibilitet' (another
    population or intervention: a range, not a check), 'øvre grænse' (a ceiling on spending, not a check) or
    'uafhængig' (an independent check; the only kind that can show agreement)."""

    label: str
    ours: float
    published: float
    unit: str = "kr"
    kind: str = ""

    def __post_init__(self):
        object.__setattr__(self, "kind", ALIASES.get(self.kind, self.kind))
        if self.kind not in COMPARISON_KINDS:
            raise ScenarioError(
                [
                    Problem(
                        "kind",
                        f"Sammenligningen '{self.label}' skal have en art: {', '.join(COMPARISON_KINDS)} "
                        f"(fik '{self.kind}').",
                    )
                ]
            )


def _signed(text: str, x: float) -> str:
    return ("+" if x > 0 else "") + text


def published_comparison(items: Sequence[Published | tuple]) -> str:
    """Deterministic Danish text: each figure computed vs. published with its kind (COMPARISON_KINDS) and the
    difference, in per cent for amounts and counts and in percentage points (with sign) for shares. Items are
    Published or tuples (label, ours, published, unit, kind). A last line gives the independent checks with their
    deviations (a count alone, "2 af 2", would read as "passed" whatever the deviations are)."""
    lines = []
    checks = []
    for it in items:
        it = it if isinstance(it, Published) else Published(*it)
        if it.unit == "pct":
            points = round((it.ours - it.published) * 100, 1) + 0.0  # no −0
            diff = f"forskel {_signed(number(points, 1), points)} procentpoint"
        else:
            rel = round((it.ours - it.published) / it.published, 3) + 0.0 if it.published else float("nan")
            diff = f"afvigelse {_signed(pct(rel), rel if rel > 0.0005 else 0)}"
        lines.append(
            f"{it.label} [{it.kind}]: beregnet {figure_text(it.ours, it.unit)}, publiceret ca. {figure_text(it.published, it.unit)} "
            f"({diff})"
        )
        if it.kind == "uafhængig":
            checks.append(diff)
    others = len(lines) - len(checks)
    if checks:
        last = f"Uafhængige tjek: {len(checks)} af {len(lines)}, med {'; '.join(checks)}."
    else:
        last = f"Uafhængige tjek: 0 af {len(lines)}."
    if others:
        last += (
            " De øvrige rammer af konstruktion eller gælder noget andet (se arten i klammer) og viser ikke, at "
            "beregningen er rigtig."
        )
    lines.append(last)
    return "\n".join(lines)
