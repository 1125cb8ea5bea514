"""The GitHub workflows: actionlint-clean (the pinned build) and wired as the delivery needs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.delivery.conftest import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
TEMPLATES = REPO_ROOT / "govctl" / "templates" / "repo" / "dot-github" / "workflows"


def _load(path: Path) -> dict[str, Any]:
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return list(workflow["jobs"][job]["steps"])


def _script(workflow: dict[str, Any], job: str) -> str:
    return "\n".join(str(s.get("run", "")) + str(s.get("with", {})) for s in _steps(workflow, job))


@pytest.fixture(scope="module")
def actionlint() -> Path:
    result = subprocess.run(["bash", str(REPO_ROOT / "scripts/install-actionlint.sh")],
                            capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        pytest.fail(f"cannot build the pinned actionlint:\n{result.stderr}")
    return Path(result.stdout.strip())


def test_lint_workflows_script_passes(actionlint: Path) -> None:
    result = subprocess.run(["bash", str(REPO_ROOT / "scripts/lint-workflows.sh")],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "v1.7.12" in result.stdout and "lint-workflows: ok" in result.stdout


def test_actionlint_catches_a_broken_workflow(actionlint: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = (TEMPLATES / "govctl-pr.yml").read_text()
    broken.write_text(text.replace("steps.check.outputs.status", "steps.chek.outputs.status"))
    result = subprocess.run([str(actionlint), "-no-color", str(broken)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "chek" in result.stdout


def test_pull_request_workflow() -> None:
    wf = _load(WORKFLOWS / "govctl-pr.yml")
    job = wf["jobs"]["govctl"]
    assert job["permissions"] == {"contents": "read", "security-events": "write",
                                  "pull-requests": "write"}
    checkout = _steps(wf, "govctl")[0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0
    script = _script(wf, "govctl")
    # This repository installs its locked dependencies by hash, then its own checkout.
    assert "pip install --require-hashes -r govctl/requirements.lock" in script
    assert "pip install --no-deps ." in script
    assert wf["env"]["OPA_IMAGE"].startswith("openpolicyagent/opa:1.")
    assert "run --server --addr 0.0.0.0:8181" in script
    assert 'govctl check --base "origin/$BASE_REF" --engine opa' in script
    assert "--format sarif --output govctl.sarif" in script
    uses = [s.get("uses", "") for s in _steps(wf, "govctl")]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert "govctl impact --base" in script and "--format markdown" in script
    assert "<!-- govctl-impact -->" in script and "updateComment" in script
    assert "govctl codeowners --check" in script
    assert "exit 1" in str(_steps(wf, "govctl")[-1]["run"])


def test_release_workflow() -> None:
    wf = _load(WORKFLOWS / "govctl-release.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["concurrency"]["cancel-in-progress"] is False
    job = wf["jobs"]["record-release"]
    assert job["permissions"]["contents"] == "write"
    script = _script(wf, "record-release")
    assert "commits/$sha/pulls" in script and "/reviews" in script
    assert "govctl audit record-release" in script and "--approver" in script
    assert "govctl audit checkpoint" in script
    assert "govctl audit verify --no-record" in script
    assert "git push origin HEAD:main" in script
    assert 'refs/heads/$AUDIT_BRANCH' in script


def test_package_ci_runs_the_ci_script() -> None:
    wf = _load(WORKFLOWS / "ci.yml")
    assert "bash .ci/run" in _script(wf, "ci")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_install_script_reuses_the_cached_build(actionlint: Path) -> None:
    result = subprocess.run(["bash", str(REPO_ROOT / "scripts/install-actionlint.sh")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert Path(result.stdout.strip()) == actionlint
    assert "building" not in result.stderr
