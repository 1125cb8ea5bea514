"""``govctl gateway`` as users run it: determinism, no secrets, approval, bad input, audit."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NOW
from tests.test_reference_repository import copy_reference


def govctl(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govctl", "-C", str(root), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_reference(tmp_path / "repo")


def test_render_is_deterministic_and_writes_no_secret(repo: Path) -> None:
    first = govctl(repo, "gateway", "render", "--no-audit", "--now", NOW)
    second = govctl(repo, "gateway", "render", "--no-audit", "--now", NOW)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    credentials = re.findall(
        r"^\s+(api_key|api_base|aws_access_key_id|aws_secret_access_key|master_key): (.*)$",
        first.stdout,
        re.M,
    )
    assert credentials and all(v.startswith("os.environ/") for _, v in credentials)


def test_render_lists_guardrails_without_an_equivalent(repo: Path) -> None:
    done = govctl(repo, "gateway", "render", "--no-audit", "--now", NOW, "-o", str(repo / "g.yaml"))
    assert done.returncode == 0, done.stderr
    assert "Deployment/support-assistant-eu-prod: output grounding" in (repo / "g.yaml").read_text()
    assert (
        "no LiteLLM guardrail for Deployment/support-assistant-eu-prod: output grounding"
        in done.stderr
    )
    assert "wrote" in done.stderr


def test_a_deployment_that_fails_check_gets_no_route(repo: Path) -> None:
    path = repo / "registry/deployments/kz-assistant-prod.yaml"
    path.write_text(path.read_text().replace("auth: {required: true", "auth: {required: false"))
    done = govctl(repo, "gateway", "render", "--no-audit", "--now", NOW)
    assert done.returncode == 0, done.stderr
    assert "model_name: kz-assistant-prod\n" not in done.stdout
    assert "#   Deployment/kz-assistant-prod: govctl check reports errors" in done.stdout
    assert "model_name: kz-assistant-staging\n" in done.stdout


def test_environment_selects_routes(repo: Path) -> None:
    done = govctl(repo, "gateway", "render", "--no-audit", "--now", NOW, "--environment", "prod")
    groups = re.findall(r"^- model_name: (\S+)$", done.stdout, re.M)
    assert groups and all("staging" not in g and "-dev" not in g for g in groups)
    wrong = govctl(repo, "gateway", "render", "--no-audit", "--environment", "prdo")
    assert wrong.returncode == 2 and "unknown environment 'prdo'" in wrong.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"model_list: [\n  {a: 1\n", "g.yaml:3:"),
        (b"general_settings: {}\n", "no `model_list` list"),
        (b"model_list: []\nmodel_list: []\n", "g.yaml:2:"),
        (b"\xff\xfe", "not valid UTF-8"),
        (b"- 1\n- 2\n", "expected one YAML mapping"),
    ],
)
def test_a_config_that_is_not_a_litellm_config_is_one_line_exit_2(
    repo: Path, content: bytes, expected: str
) -> None:
    (repo / "g.yaml").write_bytes(content)
    done = govctl(repo, "gateway", "diff", "--no-audit", str(repo / "g.yaml"))
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and expected in done.stderr
    assert "Traceback" not in done.stderr


def test_a_fifo_as_config_does_not_hang(repo: Path) -> None:
    os.mkfifo(repo / "g.yaml")
    done = govctl(repo, "gateway", "diff", "--no-audit", str(repo / "g.yaml"))
    assert done.returncode == 2 and "not a regular file" in done.stderr


def test_diff_needs_exactly_one_source(repo: Path) -> None:
    done = govctl(repo, "gateway", "diff", "--no-audit")
    assert done.returncode == 2 and "CONFIG file or --url" in done.stderr


def test_unreachable_proxy_is_exit_3(repo: Path) -> None:
    done = govctl(repo, "gateway", "diff", "--no-audit", "--url", "http://127.0.0.1:9")
    assert done.returncode == 3 and "unreachable" in done.stderr


def test_diff_of_the_rendered_config_is_clean_and_check_env_reports_unset(repo: Path) -> None:
    rendered = govctl(
        repo, "gateway", "render", "--no-audit", "--now", NOW, "-o", str(repo / "g.yaml")
    )
    assert rendered.returncode == 0
    clean = govctl(
        repo,
        "gateway",
        "diff",
        "--no-audit",
        "--now",
        NOW,
        "--format",
        "json",
        str(repo / "g.yaml"),
    )
    assert clean.returncode == 0 and json.loads(clean.stdout)["findings"] == []
    env = govctl(
        repo, "gateway", "diff", "--no-audit", "--now", NOW, "--check-env", str(repo / "g.yaml")
    )
    assert env.returncode == 0 and "AZURE_API_KEY_WESTEUROPE, which is not set" in env.stdout


def test_render_and_diff_are_recorded_as_gateway_events(repo: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    assert (
        govctl(repo, "gateway", "render", "--now", NOW, "-o", str(repo / "g.yaml")).returncode == 0
    )
    assert govctl(repo, "gateway", "diff", "--now", NOW, str(repo / "g.yaml")).returncode == 0
    log = govctl(repo, "audit", "log", "--local", "--type", "gateway", "--format", "json")
    assert log.returncode == 0, log.stderr
    events = json.loads(log.stdout)["events"]
    actions = [e["decision"]["action"] for e in events]
    assert actions == ["render", "diff"]
    assert events[0]["decision"]["configDigest"].startswith("sha256:")
