"""End to end, as a new user: wheel → clean virtualenv → init → git → check → impact → audit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.delivery.conftest import Installed, git, run

pytestmark = pytest.mark.slow

GUARDRAIL = "registry/guardrails/customer-facing-strict.yaml"


def test_new_user_journey(installed: Installed, tmp_path: Path) -> None:
    govctl = installed.govctl
    env = {"GOVCTL_ACTOR": "dana"}

    # Scaffold a repository and commit it.
    out = run([govctl, "init", "gov", "--github-org", "acme", "--govctl-dist", installed.wheel],
              cwd=tmp_path, env=env).stdout
    assert "next steps" in out
    repo = tmp_path / "gov"
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "govctl init")

    # It passes the built-in catalog straight away.
    result = run([govctl, "check"], cwd=repo, env=env)
    assert "PASS" in result.stdout and "0 errors" in result.stdout
    assert run([govctl, "codeowners", "--check", "--org", "acme"], cwd=repo).returncode == 0

    # A branch weakens the guardrail of the prod deployment.
    git(repo, "checkout", "-q", "-b", "raise-injection-threshold")
    path = repo / GUARDRAIL
    text = path.read_text()
    old = "{type: prompt_injection, threshold: 0.8, action: block}"
    assert old in text
    path.write_text(text.replace(old, "{type: prompt_injection, threshold: 0.95, action: block}"))
    git(repo, "commit", "-q", "-am", "Fewer false positives from the injection detector")

    report = json.loads(run([govctl, "impact", "--base", "main", "--format", "json"],
                            cwd=repo, env=env).stdout)
    assert report["risk"]["level"] == "critical"
    assert any("weakened" in reason for reason in report["risk"]["reasons"])
    [change] = report["changes"]
    assert change["ref"] == "GuardrailPolicy/customer-facing-strict"
    assert "guardrail.weakened" in change["predicates"]
    assert {f["path"]: (f["before"], f["after"]) for f in change["fields"]} == {
        "spec.input[0].threshold": (0.8, 0.95)}
    assert {a["ref"] for a in report["affected"]} == {
        "Deployment/support-assistant-prod", "Deployment/support-assistant-staging"}
    roles = {a["role"] for a in report["approvals"]}
    assert {"security", "compliance", "ml-platform"} <= roles
    assert "GOV-GRD-005" in {f["rule"] for f in report["findings"]["introduced"]}
    markdown = run([govctl, "impact", "--base", "main"], cwd=repo, env=env).stdout
    assert "critical" in markdown.lower() and "customer-facing-strict" in markdown

    # The pull request's check fails on the weakened guardrail.
    failing = run([govctl, "check", "--base", "main", "--no-audit"], cwd=repo, env=env,
                  check=False)
    assert failing.returncode == 1 and "GOV-GRD-005" in failing.stdout

    # After the merge of a reviewed change, CI (the recorder) records the release; the auditor
    # verifies.
    git(repo, "checkout", "-q", "main")
    env = {**env, "GOVCTL_AUDIT_ROLE": "recorder"}
    sha = git(repo, "rev-parse", "HEAD")
    run([govctl, "audit", "record-release", "--commit", sha, "--ref", "refs/heads/main",
         "--pr", "1", "--author", "dana", "--approver", "sam"], cwd=repo, env=env)
    run([govctl, "audit", "checkpoint"], cwd=repo, env=env)
    verified = run([govctl, "audit", "verify"], cwd=repo, env=env)
    assert "verified: ok" in verified.stdout
    log = json.loads(run([govctl, "audit", "log", "--type", "release", "--format", "json"],
                         cwd=repo).stdout)
    assert log and json.dumps(log).count(sha) >= 1

    # The database stays out of git; the checkpoints are what gets committed.
    status = git(repo, "status", "--porcelain", "--untracked-files=all")
    assert "audits/checkpoints/" in status
    assert ".duckdb" not in status and ".govctl-cache" not in status
    git(repo, "add", "audits/checkpoints")
    git(repo, "commit", "-q", "-m", "audit: checkpoint")
    assert run([govctl, "audit", "verify", "--no-record"], cwd=repo).returncode == 0
