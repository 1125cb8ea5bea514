"""The gateway's Rego runtime rules on a real OPA server give what the embedded engine gives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import NOW
from tests.gateway.runtime_policy import TIMEOUT_RULE
from tests.gateway.test_rego_rules import slow_primary
from tests.test_reference_repository import copy_reference


def govctl(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govctl", "-C", str(root), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_runtime_rules_agree_on_both_engines(opa_url: str, tmp_path: Path) -> None:
    repo = copy_reference(tmp_path / "repo")
    (repo / "policies" / "gateway_timeout.rego").write_text(TIMEOUT_RULE, encoding="utf-8")
    rendered = govctl(repo, "gateway", "render", "--no-audit", "--now", NOW)
    assert rendered.returncode == 0, rendered.stderr
    slow = repo / "slow.yaml"
    slow.write_text(slow_primary(rendered.stdout, 180), encoding="utf-8")
    answers = []
    for engine in (["--engine", "embedded"], ["--engine", "opa", "--opa-url", opa_url]):
        done = govctl(
            repo,
            "gateway",
            "diff",
            "--no-audit",
            "--now",
            NOW,
            "--format",
            "json",
            *engine,
            str(slow),
        )
        assert done.returncode == 1, done.stderr
        answers.append(json.loads(done.stdout)["findings"])
    assert answers[0] == answers[1]
    assert "NWB-RTM-001" in {f["rule"] for f in answers[1]}
