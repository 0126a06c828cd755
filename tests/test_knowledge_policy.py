"""knowledge/policy.yaml: a base that carries its own, different policy.yaml is told that the program's is used."""

from __future__ import annotations

import shutil

from small_scenario import KB_SMALL

from som_kernel import load_knowledge
from som_kernel.kb.policy import policy_value
from som_kernel.knowledge import DEFAULT_KNOWLEDGE_DIR


def _base_with_policy(tmp_path, text: str | None):
    folder = tmp_path / "kb"
    shutil.copytree(KB_SMALL, folder)
    if text is not None:
        (folder / "policy.yaml").write_text(text, encoding="utf-8")
    return folder


def _policy_warnings(kb) -> list[str]:
    return [str(w) for w in kb.warnings if "policy.yaml" in str(w)]


def test_a_different_policy_file_is_named_and_not_used(tmp_path):
    shipped = (DEFAULT_KNOWLEDGE_DIR / "policy.yaml").read_text(encoding="utf-8")
    assert "        value: 52\n" in shipped
    folder = _base_with_policy(tmp_path, shipped.replace("        value: 52\n", "        value: 53\n", 1))
    kb = load_knowledge(folder)
    (message,) = _policy_warnings(kb)
    assert message.startswith("policy.yaml: afviger fra programmets egen policy.yaml")
    assert "beregningerne bruger programmets værdier" in message
    assert policy_value("weeks_per_year") == 52  # what the calculations use


def test_the_same_policy_file_or_none_gives_no_warning(tmp_path):
    shipped = (DEFAULT_KNOWLEDGE_DIR / "policy.yaml").read_text(encoding="utf-8")
    assert _policy_warnings(load_knowledge(_base_with_policy(tmp_path / "a", shipped))) == []
    assert _policy_warnings(load_knowledge(_base_with_policy(tmp_path / "b", None))) == []
    assert _policy_warnings(load_knowledge()) == []  # the shipped base reads its own file


def test_an_unreadable_policy_file_is_a_warning_not_a_crash(tmp_path):
    kb = load_knowledge(_base_with_policy(tmp_path, "parameters: [unclosed"))
    (message,) = _policy_warnings(kb)
    assert "kan ikke læses og bruges ikke" in message
