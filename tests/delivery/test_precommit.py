"""The pre-commit hooks, run by a real ``pre-commit`` on real commits.

1. The ``.pre-commit-config.yaml`` that ``govctl init`` writes (``repo: local``, the govctl on
   PATH): a commit of a bad artifact is refused, a good one goes through.
2. This repository's ``.pre-commit-hooks.yaml``, as a governance repository consumes it: its
   config points at a snapshot of this repository by path and rev, and pre-commit installs govctl
   into its own virtualenv (slow: a real pip install).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

from govctl.scaffold import ScaffoldOptions, scaffold
from tests.delivery.conftest import REPO_ROOT, copy_source, git, run, scaffold_pin

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
NOW = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
PROD = "registry/deployments/support-assistant-prod.yaml"


def _env(home: Path) -> dict[str, str]:
    # The hooks find govctl (and git) on PATH: the development install's, first.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {"PRE_COMMIT_HOME": str(home), "PATH": path, "PRE_COMMIT_COLOR": "never",
            "GOVCTL_ACTOR": "pre-commit-test"}


def _governance_repo(tmp_path: Path) -> Path:
    root = scaffold(ScaffoldOptions(target=tmp_path / "gov", now=NOW, pin=scaffold_pin(tmp_path / "dist"), github_org="acme")).root
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "govctl init")
    return root


def _break_prod(root: Path) -> None:
    path = root / PROD
    text = path.read_text()
    assert "auth: {required: true, rbac: true}" in text
    path.write_text(text.replace("auth: {required: true, rbac: true}",
                                 "auth: {required: false}"))


def _commit(root: Path, env: dict[str, str], message: str) -> tuple[int, str]:
    git(root, "add", "-A")
    result = run(["git", "commit", "-m", message], cwd=root, env=env, check=False, timeout=900)
    return result.returncode, result.stdout + result.stderr


def _exercise(root: Path, env: dict[str, str]) -> None:
    head = git(root, "rev-parse", "HEAD")
    _break_prod(root)
    code, out = _commit(root, env, "disable auth in prod")
    assert code != 0, out
    assert "govctl check (staged artifacts)" in out and "Failed" in out
    assert "GOV-SEC-001" in out
    assert git(root, "rev-parse", "HEAD") == head  # the commit was refused

    path = root / PROD
    fixed = path.read_text().replace("auth: {required: false}", "auth: {required: true, rbac: true}")
    path.write_text(fixed.replace("requestsPerMinute: 600", "requestsPerMinute: 900"))
    code, out = _commit(root, env, "raise the rate limit")
    assert code == 0, out
    assert git(root, "rev-parse", "HEAD") != head


def test_init_pre_commit_config_blocks_a_bad_commit(tmp_path: Path) -> None:
    root = _governance_repo(tmp_path)
    env = _env(tmp_path / "pre-commit-home")
    run([PRE_COMMIT, "install"], cwd=root, env=env)
    _exercise(root, env)


def test_staged_files_limit_the_check(tmp_path: Path) -> None:
    """A staged model file re-checks its dependents; an unrelated staged file checks nothing."""
    root = _governance_repo(tmp_path)
    env = _env(tmp_path / "pre-commit-home")
    # A bad prod deployment already committed (without hooks).
    _break_prod(root)
    git(root, "commit", "-q", "--no-verify", "-am", "bad prod, committed without hooks")
    run([PRE_COMMIT, "install"], cwd=root, env=env)
    waiver = root / "registry/waivers/staging-index-refresh.yaml"
    waiver.write_text(waiver.read_text().replace("ticket: GOV-1", "ticket: GOV-2"))
    code, out = _commit(root, env, "touch the staging waiver only")
    assert code == 0, out  # the prod deployment does not depend on the staging waiver
    model = root / "registry/models/gpt-4-1-2025-04-14.yaml"
    model.write_text(model.read_text().replace("p95Ms: 2400", "p95Ms: 2300"))
    code, out = _commit(root, env, "touch the primary model")
    assert code != 0 and "GOV-SEC-001" in out  # the model's dependents were re-checked


@pytest.mark.slow
def test_pre_commit_hooks_file_consumed_by_path_and_rev(tmp_path: Path) -> None:
    snapshot = copy_source(REPO_ROOT, tmp_path / "govctl-src")
    git(snapshot, "init", "-q", "-b", "main")
    git(snapshot, "add", "-A")
    git(snapshot, "commit", "-q", "--no-verify", "-m", "snapshot")
    rev = git(snapshot, "rev-parse", "HEAD")

    root = _governance_repo(tmp_path)
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {snapshot}\n    rev: {rev}\n"
        "    hooks:\n      - id: govctl-check\n      - id: govctl-check-all\n"
    )
    git(root, "commit", "-q", "--no-verify", "-am", "use govctl's hooks")
    env = _env(tmp_path / "pre-commit-home")
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep)
                                  if Path(p) != Path(sys.executable).parent)
    run([PRE_COMMIT, "install"], cwd=root, env=env)
    run([PRE_COMMIT, "install-hooks"], cwd=root, env=env, timeout=1200)
    _exercise(root, env)

    # govctl-check-all runs the whole check when the configuration changes.
    config = root / "govctl.yaml"
    config.write_text(config.read_text().replace(
        "teams: [ml-platform, team-support, compliance, security]",
        "teams: [ml-platform, compliance, security]"))
    code, out = _commit(root, env, "drop a team")
    assert code != 0 and "GOV-REG-004" in out
    assert "govctl check (configuration or policies changed)" in out
