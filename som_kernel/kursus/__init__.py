"""The SØM course (notebooks/kursus): lesson scenarios, exercises whose reference answers the kernel
computes, and pure feedback functions that compare a student's answer with them in Danish.

    from som_kernel import kursus
    kursus.check("1.3", "-500.000 kr.")   # → Feedback('right', 'Rigtigt! …') or a Danish hint

One module per lesson (lesson01 … lesson11) holds its exercises and the few lesson-specific readings of the
kernel's result; the lesson scenarios and lesson facts are data (notebooks/kursus/data/lektioner/*.yaml);
`grading` reads answers with som_kernel.numbers and grades them; `base` holds what the lessons share.
Lessons use the course's own small knowledge base (notebooks/kursus/data, round made-up numbers that can be
checked by hand); a few exercises use the shipped knowledge base for realistic cases.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from .base import (
    COURSE_DIR,
    COURSE_KNOWLEDGE_DIR,
    break_even_by_success_rate,
    course_knowledge,
    describe,
    knowledge_for,
    lesson_data,
    result,
    scenario,
    shipped_knowledge,
    switching_success_rate,
    switching_value,
    value_per_success,
    with_success_rate,
)
from .grading import (
    NOT_ANSWERED,
    NOT_CHOSEN,
    RIGHT,
    Answer,
    Exercise,
    Feedback,
    check_choice,
    check_number,
    grade,
)
from .grading import solution as _solution
from .lesson11 import decision_paper

LESSON_MODULES: tuple[ModuleType, ...] = tuple(import_module(f".lesson{i:02d}", __name__) for i in range(1, 12))
LESSONS: dict[int, ModuleType] = {i: m for i, m in enumerate(LESSON_MODULES, start=1)}
EXERCISES: dict[str, Exercise] = {e.id: e for m in LESSON_MODULES for e in m.exercises()}


def exercises(lesson: int) -> list[Exercise]:
    """The exercises of one lesson, in order."""
    return [e for e in EXERCISES.values() if e.lesson == lesson]


def reference(exercise_id: str) -> Answer:
    """The kernel's reference answer to an exercise (kr., antal, procent 0–100, år or a choice)."""
    return EXERCISES[exercise_id].reference()


def check(exercise_id: str, answer: Answer) -> Feedback:
    """Danish feedback on the student's answer to an exercise, against the kernel's reference answer."""
    return grade(EXERCISES[exercise_id], answer)


def solution(exercise_id: str) -> str:
    """The reference answer in Danish ('Facit: …'), for the widget's 'Vis facit' button."""
    return _solution(EXERCISES[exercise_id])


__all__ = [
    "COURSE_DIR",
    "COURSE_KNOWLEDGE_DIR",
    "EXERCISES",
    "LESSONS",
    "NOT_ANSWERED",
    "NOT_CHOSEN",
    "RIGHT",
    "Exercise",
    "Feedback",
    "break_even_by_success_rate",
    "check",
    "check_choice",
    "check_number",
    "course_knowledge",
    "decision_paper",
    "describe",
    "exercises",
    "knowledge_for",
    "lesson_data",
    "reference",
    "result",
    "scenario",
    "shipped_knowledge",
    "solution",
    "switching_success_rate",
    "switching_value",
    "value_per_success",
    "with_success_rate",
]
