"""An organisation's own runtime rules in Rego (custom.kinds: [GatewayRoute]) on the embedded
engine: they see the documented comparison input and report at the configuration's line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from govctl.gateway.litellm_render import dump_yaml
from tests.conftest import NOW
from tests.gateway.runtime_policy import TIMEOUT_RULE
from tests.test_reference_repository import copy_reference


def govctl(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govctl", "-C", str(root), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def slow_primary(text: str, seconds: int) -> str:
    config = YAML(typ="safe", pure=True).load(text)
    group = next(g for g in config["model_list"] if g["model_name"] == "kz-assistant-prod")
    group["litellm_params"]["timeout"] = seconds
    return dump_yaml(config)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = copy_reference(tmp_path / "repo")
    (root / "policies" / "gateway_timeout.rego").write_text(TIMEOUT_RULE, encoding="utf-8")
    return root


def test_an_own_runtime_rule_reports_at_the_config_line(repo: Path) -> None:
    rendered = govctl(repo, "gateway", "render", "--no-audit", "--now", NOW)
    assert rendered.returncode == 0, rendered.stderr
    clean = repo / "clean.yaml"
    clean.write_text(rendered.stdout, encoding="utf-8")
    done = govctl(
        repo, "gateway", "diff", "--no-audit", "--now", NOW, "--format", "json", str(clean)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["findings"] == []

    slow = repo / "slow.yaml"
    slow.write_text(slow_primary(rendered.stdout, 180), encoding="utf-8")
    done = govctl(
        repo, "gateway", "diff", "--no-audit", "--now", NOW, "--format", "json", str(slow)
    )
    assert done.returncode == 1
    findings = json.loads(done.stdout)["findings"]
    own = [f for f in findings if f["rule"] == "NWB-RTM-001"]
    assert len(own) == 1 and own[0]["ref"] == "Deployment/kz-assistant-prod"
    assert own[0]["path"].endswith(".litellm_params.timeout") and own[0]["line"]
    assert own[0]["controls"] == ["EU-AI-ACT:Art.15"]
    assert slow.read_text().splitlines()[own[0]["line"] - 1].strip() == "timeout: 180"
    assert {f["rule"] for f in findings} == {"NWB-RTM-001", "GOV-RTM-004"}


def test_runtime_packages_do_not_run_on_artifacts(repo: Path) -> None:
    done = govctl(repo, "check", "--no-audit", "--now", NOW)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_misspelled_runtime_kind_is_a_policy_error(repo: Path) -> None:
    policy = repo / "policies" / "gateway_timeout.rego"
    policy.write_text(TIMEOUT_RULE.replace("[GatewayRoute]", "[GatewayRoutes]"), encoding="utf-8")
    done = govctl(repo, "check", "--no-audit", "--now", NOW)
    assert done.returncode == 3
    assert "gateway_timeout.rego:8" in done.stderr and "GatewayRoute" in done.stderr
