"""One exception family for the kernel. Messages are Danish and name the field or file/row/column."""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a dotted field path or file:row:column) and what, in Danish."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class SomError(Exception):
    """Base of all kernel errors. `problems` lists every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def for_field(self, prefix: str) -> list[str]:
        """The messages whose field path starts with `prefix` (for showing them next to a widget)."""
        return [p.message for p in self.problems if p.where.startswith(prefix)]

    def print_problems(self, heading: str) -> int:
        """A command line's answer to refused input: `heading`, then every problem on its own line, on standard
        error; returns 2, the exit code of such a run."""
        print(heading, file=sys.stderr)
        for p in self.problems:
            print(f"  {p}", file=sys.stderr)
        return 2


class ScenarioError(SomError):
    """A scenario (or scenario file) is invalid."""


class KnowledgeError(SomError):
    """A knowledge-base table is invalid or a reference does not resolve."""


class PanelError(SomError):
    """A kommune's panel for estimating consequences is invalid (file:række:kolonne)."""
