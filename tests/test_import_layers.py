"""The house points down: no import loop between files, none between the package's rooms (its top-level
modules and sub-packages), counting imports inside functions and under TYPE_CHECKING too (they are imports).

Read from the source with `ast`, so nothing is imported to check it. A room is `som_kernel/NAME.py` or the folder
`som_kernel/NAME/`; if the rooms' imports form no loop, every room stands above all it imports and no arrow runs
back up a floor. README.md ("Layout") draws the floors.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "som_kernel"


def _module(path: Path) -> tuple[str, bool]:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    is_package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_package else parts), is_package


def _imported(path: Path) -> set[str]:
    """Modules of som_kernel that `path` imports anywhere in it (module level, functions, TYPE_CHECKING)."""
    name, is_package = _module(path)
    here = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "som_kernel"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "som_kernel":
                continue
            found.add(module)  # `from . import x` reads the package's __init__ (and the module x, if x is one)
            found |= {f"{module}.{a.name}" for a in node.names}
    return found


def _graphs() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    files = {_module(p)[0]: p for p in PACKAGE.rglob("*.py")}
    file_graph: dict[str, set[str]] = {m: set() for m in files}
    room_graph: dict[str, set[str]] = {}
    for m, p in files.items():
        for target in _imported(p):
            # the longest module name that exists: `from .views import Result` → som_kernel.views
            parts = target.split(".")
            while parts and ".".join(parts) not in files:
                parts.pop()
            if not parts or ".".join(parts) == m:
                continue
            dst = ".".join(parts)
            if dst != "som_kernel":
                file_graph[m].add(dst)
            src_room, dst_room = _room(m), _room(dst)
            if src_room != dst_room and "som_kernel" not in (src_room, dst_room):
                room_graph.setdefault(src_room, set()).add(dst_room)
    return file_graph, room_graph


def _room(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else parts[0]


def _loop(graph: dict[str, set[str]]) -> list[str] | None:
    """One loop in `graph` (its nodes in order, first repeated last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m) :] + [m]
            if m not in state and (found := visit(m)):
                return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state and (found := visit(n)):
            return found
    return None


def test_no_import_loop_between_files():
    loop = _loop(_graphs()[0])
    assert loop is None, "Importløkke mellem filer: " + " → ".join(loop or [])


def test_no_import_loop_between_rooms():
    # a loop between rooms means some import runs back up a floor (e.g. the knowledge package importing the engine)
    loop = _loop(_graphs()[1])
    assert loop is None, "Importløkke mellem moduler/pakker (en import opad): " + " → ".join(loop or [])


@pytest.mark.parametrize(
    "graph, expected",
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
    ],
)
def test_the_loop_finder_itself(graph, expected):
    # the check can fail: a two-room and a three-room graph with a loop are found, a chain is not
    assert _loop(graph) == expected


def test_function_level_imports_are_read():
    # compare.py imports text_row from cells.py inside the function that writes the comparison workbook, and has no
    # module-level import of cells.py: the arrow is found all the same
    compare = PACKAGE / "compare.py"
    top = [n for n in ast.parse(compare.read_text(encoding="utf-8")).body if isinstance(n, ast.ImportFrom)]
    assert not any(n.module == "cells" for n in top)
    assert "som_kernel.cells" in _imported(compare)
