"""docs/method.md: every link to one of its sections resolves, and the repository points nowhere outside itself.

The method document is where a number's formula is explained; code, README and test cases link to its
sections by GitHub's heading anchors (`docs/method.md#step-4-consequences`). A renamed heading must not
leave a dead link behind.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
METHOD = ROOT / "docs" / "method.md"


def github_anchor(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces → hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors() -> set[str]:
    text = METHOD.read_text(encoding="utf-8")
    return {github_anchor(m) for m in re.findall(r"^#{1,6} (.+)$", text, flags=re.MULTILINE)}


def test_anchor_rule():
    assert github_anchor("Step 2: Costs") == "step-2-costs"
    assert github_anchor("Where the original is silent: our defaults and why") == (
        "where-the-original-is-silent-our-defaults-and-why"
    )


def _tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / p for p in out.stdout.split()]


def test_every_link_to_a_section_resolves():
    known = anchors()
    assert {"step-2-costs", "step-4-consequences", "step-9-break-even-year", "glossary"} <= known
    links: list[tuple[str, str]] = []
    text = METHOD.read_text(encoding="utf-8")
    links += [("docs/method.md", a) for a in re.findall(r"\]\(#([\w-]+)\)", text)]
    for path in _tracked("*.py", "*.md", "*.yaml", "*.ipynb"):
        body = path.read_text(encoding="utf-8")
        links += [(str(path.relative_to(ROOT)), a) for a in re.findall(r"method\.md#([\w-]+)", body)]
        if path.suffix == ".py" and "som_kernel" in path.parts:
            links += [(str(path.relative_to(ROOT)), a) for a in re.findall(r"\(#(step-[\w-]+)", body)]
    dead = [f"{where}: #{a}" for where, a in links if a not in known]
    assert len(links) > 20 and not dead, dead


def test_nothing_points_outside_the_repository():
    pattern = re.compile(r"\.\./shared|/work/(?:shared|main|wt|brief)")
    hits = [
        str(p.relative_to(ROOT))
        for p in _tracked("*.py", "*.md", "*.ipynb", "*.yaml", "*.toml", "*.txt", "*.cfg", "Makefile")
        if p.is_file() and pattern.search(p.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not hits, hits
