"""Exercises and feedback: an exercise's question, how the kernel computes its reference answer, and pure
functions that grade what a student typed against it, in Danish.

What the student typed is read by som_kernel.numbers (Danish notation first, English where it cannot be
mistaken). An answer that cannot be read, or can be read two ways ("1.500": 1.500 or 1,5?), is not graded:
the student is asked to write it again, and it does not count as a wrong try.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ..numbers import format_danish, read_number

Kind = Literal["kr", "number", "percent", "year", "choice"]
Answer = float | int | str | None
Status = Literal["right", "wrong", "empty", "unreadable", "ambiguous"]

RIGHT = "Rigtigt!"
NOT_ANSWERED = "Du har ikke svaret endnu. Skriv dit svar og tjek igen."
NOT_CHOSEN = "Du har ikke valgt et svar endnu. Vælg et af svarene og tjek igen."
_UNITS = {"kr": "kr", "percent": "%", "year": "år", "number": None}


@dataclass(frozen=True)
class Exercise:
    """One exercise: the question, how to compute the reference answer with the kernel, and hints."""

    id: str
    question: str
    kind: Kind
    reference: Callable[[], Answer]
    hint: str
    tolerance: float = 0.5  # absolute, in the answer's unit (kr., procentpoint, antal); years must match
    choices: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()
    sign_free: bool = False  # costs asked "as a positive amount": accept either sign
    # typical wrong answers → a targeted hint; computed with the kernel too
    mistakes: Callable[[], list[tuple[Answer, str]]] = field(default=lambda: [])
    # other answers that are also right (e.g. a rounded figure) → what to add to "Rigtigt!"
    also_right: Callable[[], list[tuple[Answer, str]]] = field(default=lambda: [])
    explanation: str = ""  # shown with a right answer: how SØM gets there

    @property
    def lesson(self) -> int:
        return int(self.id.split(".")[0])

    def options(self) -> tuple[str, ...]:
        """The choices of a multiple-choice exercise."""
        return tuple(self.choices() if callable(self.choices) else self.choices)


@dataclass(frozen=True)
class Feedback:
    """Danish feedback on one answer. Only status 'wrong' counts as a wrong try (towards showing the answer)."""

    status: Status
    text: str

    def __str__(self) -> str:
        return self.text

    @property
    def right(self) -> bool:
        return self.status == "right"

    @property
    def counts_as_try(self) -> bool:
        return self.status in ("right", "wrong")


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def show(x: Answer, kind: Kind) -> str:
    """A reference answer in Danish notation."""
    if x is None:
        return "intet år inden for perioden"
    if kind == "kr":
        return format_danish(round(float(x)), "kr")
    if kind == "percent":
        return format_danish(round(float(x), 1), "%")
    if kind == "year":
        return str(int(x))
    if kind == "number":
        return format_danish(round(float(x), 2))
    return str(x)


def check_number(
    answer: Answer,
    ref: float | None,
    *,
    kind: Kind = "kr",
    tolerance: float = 0.5,
    hint: str = "",
    mistakes: list[tuple[Answer, str]] | tuple = (),
    also_right: list[tuple[Answer, str]] | tuple = (),
    sign_free: bool = False,
    explanation: str = "",
) -> Feedback:
    """Danish feedback on a numeric answer against the reference: 'Rigtigt! …', a hint, or a request to
    write an unreadable or ambiguous answer again."""
    reading = read_number(answer, _UNITS[kind])
    if reading.empty and not isinstance(answer, int | float):
        return Feedback("empty", NOT_ANSWERED)
    if reading.ambiguous:
        return Feedback("ambiguous", f"Hvad mener du? {reading.message}")
    if reading.value is None:
        return Feedback("unreadable", f"Det kan jeg ikke læse som et tal. {reading.message}")
    x = reading.value
    if ref is None:
        return Feedback("wrong", f"Ikke helt. {hint}".strip())

    def close(a: float, b: float) -> bool:
        if kind == "year":
            return a == round(a) and round(a) == round(b)
        return math.isclose(a, b, abs_tol=tolerance)

    right = _sentence(f"{RIGHT} Svaret er {show(ref, kind)}") + (f" {explanation}" if explanation else "")
    if close(x, ref) or (sign_free and close(-x, ref)):
        return Feedback("right", right)
    for other, note in also_right:
        if other is not None and (close(x, float(other)) or (sign_free and close(-x, float(other)))):
            text = _sentence(f"{RIGHT} {note}".strip()) + (f" {explanation}" if explanation else "")
            return Feedback("right", text)
    read_as = f"({_sentence(f'Jeg læste dit svar som {reading.understood_as}')}) " if isinstance(answer, str) else ""
    for wrong, message in mistakes:
        if wrong is not None and close(x, float(wrong)) and not close(float(wrong), ref):
            return Feedback("wrong", f"Ikke helt. {read_as}{message}")
    if kind == "year":
        if x != round(x):
            return Feedback("wrong", f"Ikke helt: skriv et helt årstal. {hint}".strip())
        return Feedback("wrong", f"Ikke helt: {int(x)} er {'for sent' if x > ref else 'for tidligt'}. {hint}".strip())
    if ref != 0 and close(-x, ref):
        return Feedback(
            "wrong",
            f"Ikke helt: {read_as}beløbet er rigtigt, men fortegnet er forkert. Gevinster er positive, "
            "omkostninger negative.",
        )
    if kind == "percent" and close(x * 100, ref):
        return Feedback("wrong", "Ikke helt: skriv svaret i procent (fx 12,5 for 12,5 %), ikke som en andel (0,125).")
    if kind in ("kr", "number") and ref != 0 and any(close(x, ref * f) for f in (10, 100, 1000, 0.1, 0.01, 0.001)):
        return Feedback("wrong", f"Ikke helt: {read_as}du er en faktor 10 ved siden af. Tæl nullerne. {hint}".strip())
    direction = "for højt" if x > ref else "for lavt"
    return Feedback("wrong", f"Ikke helt: {read_as}dit svar er {direction}. {hint}".strip())


def check_choice(
    answer: Answer, ref: str, *, hint: str = "", choices: tuple[str, ...] = (), explanation: str = ""
) -> Feedback:
    """Danish feedback on a multiple-choice answer."""
    if answer is None or not str(answer).strip():
        return Feedback("empty", NOT_CHOSEN)
    a = str(answer).strip().lower()
    if choices and a not in [c.lower() for c in choices]:
        return Feedback("unreadable", f"Vælg et af svarene: {', '.join(choices)}.")
    if a == ref.lower():
        return Feedback("right", f"{RIGHT} Svaret er: {ref}." + (f" {explanation}" if explanation else ""))
    return Feedback("wrong", f"Ikke helt. {hint}".strip())


def grade(e: Exercise, answer: Answer) -> Feedback:
    """Danish feedback on the student's answer to an exercise, against the kernel's reference answer."""
    ref = e.reference()
    if e.kind == "choice":
        return check_choice(answer, ref, hint=e.hint, choices=e.options(), explanation=e.explanation)
    return check_number(
        answer,
        ref,
        kind=e.kind,
        tolerance=e.tolerance,
        hint=e.hint,
        mistakes=e.mistakes(),
        also_right=e.also_right(),
        sign_free=e.sign_free,
        explanation=e.explanation,
    )


def solution(e: Exercise) -> str:
    """The reference answer in Danish ('Facit: …'), for the widget's 'Vis facit' button."""
    text = _sentence(f"Facit: {show(e.reference(), e.kind)}")
    return f"{text} {e.explanation}" if e.explanation else text
