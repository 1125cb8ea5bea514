"""The `govctl init` scaffold's policies/README.md shows a custom rule and its test that work."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import run_cli
from tests.delivery.conftest import fake_dist

README = Path(__file__).resolve().parents[2] / "govctl/templates/repo/policies/README.md"


def test_the_readme_rule_and_its_test_work_in_a_new_repository(tmp_path: Path) -> None:
    root = tmp_path / "gov"
    done = run_cli("init", str(root), "--govctl-dist", str(fake_dist(tmp_path / "dist")))
    assert done.returncode == 0, done.stderr
    blocks = re.findall(r"```rego\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2
    (root / "policies" / "cost.rego").write_text(blocks[0], encoding="utf-8")
    (root / "policies" / "cost_test.rego").write_text(blocks[1], encoding="utf-8")
    done = run_cli("-C", str(root), "policy", "test")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ORG-CST-001" not in done.stdout  # covered: not listed among rules without a test
    # No --now: the scaffold dates its evidence today, and evidence from the future is refused.
    done = run_cli("-C", str(root), "check", "--no-audit", "--format", "json")
    assert done.returncode == 0, done.stderr
    found = {(f["rule"], f["ref"]) for f in json.loads(done.stdout)["findings"]}
    assert ("ORG-CST-001", "Deployment/support-assistant-prod") in found
    assert ("ORG-CST-001", "Deployment/support-assistant-staging") not in found
