"""The GitHub workflows: actionlint-clean (the pinned build) and wired as the delivery needs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
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


ZIZMOR = REPO_ROOT / ".venv" / "bin" / "zizmor"


def _zizmor(path: Path) -> subprocess.CompletedProcess[str]:
    if not ZIZMOR.exists():
        pytest.fail(f"{ZIZMOR} is missing: pip install -e '.[dev]' (zizmor is a dev dependency)")
    return subprocess.run([str(ZIZMOR), "--offline", "--no-progress", "--color", "never",
                           str(path)], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("broken, audit", [
    (lambda t: re.sub(r"actions/checkout@[0-9a-f]{40}", "actions/checkout@v4", t),
     "unpinned-uses"),
    (lambda t: re.sub(r"\n\s*persist-credentials: false[^\n]*", "", t), "artipacked"),
])
def test_zizmor_catches_a_weakened_workflow(tmp_path: Path, broken: Any, audit: str) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    path = workflows / "govctl-pr.yml"
    text = (TEMPLATES / "govctl-pr.yml").read_text()
    path.write_text(text)
    assert _zizmor(path).returncode == 0
    weakened = broken(text)
    assert weakened != text
    path.write_text(weakened)
    result = _zizmor(path)
    assert result.returncode != 0 and audit in result.stdout, result.stdout + result.stderr


def test_the_signing_key_is_only_read_behind_a_deployment_environment() -> None:
    for folder in (WORKFLOWS, TEMPLATES):
        job = _load(folder / "govctl-release.yml")["jobs"]["record-release"]
        assert job["environment"] == "govctl-audit"
        assert "secrets.GOVCTL_AUDIT_SIGNING_KEY" in job["env"]["SIGNING_KEY"]


def test_every_workflow_sets_empty_default_permissions_and_job_permissions() -> None:
    for path in [*WORKFLOWS.glob("*.yml"), *TEMPLATES.glob("*.yml")]:
        workflow = _load(path)
        assert workflow["permissions"] == {}, path.name
        for name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{path.name}: job {name}"
            for step in job["steps"]:
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert "persist-credentials" in step.get("with", {}), f"{path.name}: {name}"


def test_publish_workflow_builds_checks_attests_and_uses_trusted_publishing() -> None:
    wf = _load(WORKFLOWS / "publish.yml")
    assert wf["on"]["push"]["tags"] == ["v*"]
    build, publish = wf["jobs"]["build"], wf["jobs"]["publish"]
    assert build["permissions"] == {"contents": "read"}
    script = _script(wf, "build")
    assert "pip install --require-hashes -r scripts/release-requirements.txt" in script
    assert "python -m build" in script and "twine check --strict dist/*" in script
    assert "pip install --no-deps dist/govctl_ai-*.whl" in script
    assert '"$clean/bin/govctl" check --no-audit' in script
    assert publish["needs"] == "build" and "tag" in publish["if"]
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write", "attestations": "write"}
    uses = [str(s.get("uses", "")) for s in _steps(wf, "publish")]
    assert [u.split("@")[0] for u in uses] == [
        "actions/download-artifact", "actions/attest-build-provenance",
        "pypa/gh-action-pypi-publish"]
    attest = _steps(wf, "publish")[1]
    assert attest["with"]["subject-path"] == "dist/*"
    assert "password" not in str(_steps(wf, "publish")[2].get("with", {}))  # OIDC, no token


@pytest.mark.parametrize("tag, code", [("v{version}", 0), ("v{version}.1", 1), ("{version}", 1)])
def test_publish_refuses_a_tag_that_is_not_the_version(tag: str, code: int) -> None:
    version = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
    [step] = [s for s in _steps(_load(WORKFLOWS / "publish.yml"), "build")
              if s.get("name") == "The tag names the version being built"]
    result = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=REPO_ROOT,
                            env={**os.environ, "TAG": tag.format(version=version)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == code, result.stdout + result.stderr
    if code:
        assert "does not match the version in pyproject.toml" in result.stdout


def test_release_tools_are_pinned_with_hashes() -> None:
    text = (REPO_ROOT / "scripts" / "release-requirements.txt").read_text()
    pins = re.findall(r"^([a-z0-9._-]+)==\S+ \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)",
                      text, flags=re.MULTILINE)
    names = {name for name, _ in pins}
    assert {"build", "twine", "setuptools", "wheel"} <= names
    assert len(pins) == len(re.findall(r"^[a-z0-9._-]+==", text, flags=re.MULTILINE))
