"""The README's screenshots are refreshed on request only: a test run (`make test`) saves what the browser tests
photograph in pytest's tmp_path and leaves docs/screenshots/ (and so the work tree) as it was."""

from __future__ import annotations

import re
from pathlib import Path

from browser.conftest import screenshot_path

ROOT = Path(__file__).resolve().parent.parent


def test_a_test_run_saves_screenshots_in_its_tmp_path(tmp_path, monkeypatch):
    monkeypatch.delenv("SOM_SCREENSHOTS", raising=False)
    assert screenshot_path("app.png", tmp_path) == tmp_path / "app.png"
    monkeypatch.setenv("SOM_SCREENSHOTS", "0")
    assert screenshot_path("app.png", tmp_path) == tmp_path / "app.png"


def test_the_readmes_screenshots_are_written_when_asked_for(tmp_path, monkeypatch):
    monkeypatch.setenv("SOM_SCREENSHOTS", "1")
    assert screenshot_path("app.png", tmp_path) == ROOT / "docs" / "screenshots" / "app.png"
    # the make target that asks for them, and the README says so where it describes the screenshots
    target = re.search(r"^screenshots:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert target is not None and "SOM_SCREENSHOTS=1" in target.group(1)
    assert "make screenshots" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_browser_screenshot_goes_through_screenshot_path():
    for path in (ROOT / "tests" / "browser").glob("test_*.py"):
        text = path.read_text(encoding="utf-8")
        assert "docs" not in re.findall(r'"(\w+)"', text), path.name  # no path into docs/ of its own
        calls = re.findall(r"\.screenshot\(path=str\((\w+)\)\)", text)
        assert text.count(".screenshot(") == len(calls), path.name
        for name in calls:
            assert re.search(rf"{name} = screenshot_path\(", text), (path.name, name)
