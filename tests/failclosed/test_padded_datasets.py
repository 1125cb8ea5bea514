"""Padded golden sets (docs/fail-closed.md, "Inputs and outputs"): duplicate and empty cases do
not count, and a line that repeats a JSON key is an invalid line, reported where it is."""

from __future__ import annotations

from pathlib import Path

from govctl.api import load_registry
from tests.failclosed.helpers import check_json, clean_repo, findings_at

DATASET = "registry/evals/datasets/support-golden.jsonl"
SUITE = "EvalSuite/support-reply-golden"


def test_a_repeated_key_is_gov_reg_001_at_its_line(tmp_path: Path) -> None:
    root = clean_repo(tmp_path)
    path = root / DATASET
    lines = path.read_text("utf-8").splitlines()
    lines[4] = '{"id": "x", "input": {"question": "a", "question": "b"}, "tags": []}'
    path.write_text("\n".join(lines) + "\n", "utf-8")
    code, data = check_json(root)
    assert code == 1
    (found,) = findings_at(data, DATASET)
    assert found["line"] == 5 and "repeats a key" in found["message"]


def test_duplicates_and_empty_cases_are_reported_in_derived_facts(tmp_path: Path) -> None:
    root = clean_repo(tmp_path)
    path = root / DATASET
    lines = path.read_text("utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[0], lines[1], "{}"]) + "\n", "utf-8")
    info = load_registry(root).datasets[SUITE].as_json()
    n = len(lines)
    assert info["cases"] == n
    assert (info["duplicateCases"], info["duplicateLines"]) == (2, [n + 1, n + 2])
    assert (info["emptyCases"], info["emptyLines"]) == (1, [n + 3])
