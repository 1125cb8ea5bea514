"""Facts govctl computes in Python decide the same on both engines: a golden set padded with
copies, reordered copies and empty cases fails GOV-EVL-001 on the embedded engine and on a real
OPA server alike (GOV-EVL-005 and GOV-WVR-004 are covered by the rule fixtures' parity test)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import NOW, REPO_ROOT
from tests.opa.helpers import assert_same, check_json

pytestmark = pytest.mark.opa

BASE = REPO_ROOT / "tests" / "fixtures" / "rules" / "base"
DATASET = "registry/evals/datasets/support-golden.jsonl"


def padded_repo(tmp_path: Path) -> Path:
    """The base repository with its dataset cut to 150 real cases and padded back to 240 lines."""
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    path = root / DATASET
    cases = [json.loads(line) for line in path.read_text("utf-8").splitlines()][:150]
    reordered = [json.dumps(dict(reversed(list(c.items())))) for c in cases[:60]]
    lines = [json.dumps(c) for c in cases] + reordered + ['{"tags": ["edge_case"]}'] * 20
    lines += ['{"id": "", "input": null, "tags": []}'] * 10
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return root


def test_a_padded_golden_set_fails_gov_evl_001_on_both_engines(
    tmp_path: Path, opa_url: str
) -> None:
    root = padded_repo(tmp_path)
    embedded = check_json(root, "embedded")
    assert_same(embedded, check_json(root, "opa", opa_url, now=NOW), "padded golden set")
    evl = [f for f in embedded["findings"] if f["rule"] == "GOV-EVL-001"]
    assert len(evl) == 1 and "has 150 cases" in evl[0]["message"], embedded["findings"]
