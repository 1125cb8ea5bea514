"""Typos get a "did you mean": commands, git refs, config keys, root folders, artifacts; and
shell completion comes from click. Real repositories, real ``govctl`` processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.delivery.conftest import fake_dist
from tests.impact.golden_repo import make

GOVCTL = [sys.executable, "-m", "govctl"]


def govctl(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*GOVCTL, "-C", str(root), *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make(tmp_path_factory.mktemp("hints") / "repo", 3)


def test_misspelled_command(repo: Path) -> None:
    done = govctl(repo, "chek")
    assert done.returncode == 2
    assert "No such command 'chek'. Did you mean 'check'?" in done.stderr


def test_misspelled_base_ref_names_the_nearest_existing_ref(repo: Path) -> None:
    done = govctl(repo, "check", "--no-audit", "--base", "mian")
    assert done.returncode == 2
    assert "base ref 'mian' is not in this clone; did you mean 'main'?" in done.stderr
    assert "git fetch" not in done.stderr
    far = govctl(repo, "check", "--no-audit", "--base", "zzzzqqq")
    assert far.returncode == 2 and "did you mean" not in far.stderr


def test_misspelled_config_key(repo: Path, tmp_path: Path) -> None:
    config = (repo / "govctl.yaml").read_text(encoding="utf-8").replace("failOn", "failon")
    path = tmp_path / "govctl.yaml"
    path.write_text(config, encoding="utf-8")
    done = govctl(repo, "--config", str(path), "check", "--no-audit")
    assert done.returncode == 2
    assert "policy.failon: unknown key (did you mean 'failOn'?)" in done.stderr
    assert "allowed here: engine, paths, failOn" in done.stderr


def test_missing_root_is_reported_first_with_a_hint(repo: Path) -> None:
    config = (repo / "govctl.yaml").read_text(encoding="utf-8")
    path = repo / "typo.yaml"
    path.write_text(config.replace("roots: [registry, prompts]", "roots: [registy, prompts]"))
    try:
        done = govctl(repo, "--config", str(path), "check", "--no-audit")
    finally:
        path.unlink()
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "roots: folder 'registy' does not exist (did you mean 'registry'?)" in done.stderr
    assert "GOV-REG-002" not in done.stdout


def test_misspelled_artifact_in_registry_show(repo: Path) -> None:
    done = govctl(repo, "registry", "show", "strikt")
    assert done.returncode == 2 and "did you mean 'strict'?" in done.stderr


def test_completion_scripts_come_from_click(repo: Path) -> None:
    for shell in ("bash", "zsh", "fish"):
        done = govctl(repo, "completion", shell)
        assert done.returncode == 0 and "_GOVCTL_COMPLETE" in done.stdout
    completed = subprocess.run(
        [*GOVCTL],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "_GOVCTL_COMPLETE": "bash_complete",
            "COMP_WORDS": "govctl che",
            "COMP_CWORD": "1",
        },
        timeout=60,
    )
    assert "plain,check" in completed.stdout.splitlines()


def test_waiver_for_a_misspelled_rule(tmp_path: Path) -> None:
    root = make(tmp_path / "repo", 1)
    (root / "registry" / "waivers").mkdir()
    (root / "registry" / "waivers" / "w.yaml").write_text(
        """\
apiVersion: govctl/v1
kind: Waiver
metadata: {name: w-1, owner: compliance}
spec:
  rule: TST-01
  target: Prompt/reply@1.0.0
  justification: Longer answers are reviewed by a person before they are sent to anyone.
  approvedBy: head-of-compliance
  expires: 2026-12-31
""",
        encoding="utf-8",
    )
    done = govctl(root, "check", "--no-audit", "--now", "2026-11-22", "--format", "json")
    messages = [f["message"] for f in json.loads(done.stdout)["findings"]]
    assert "waiver names unknown rule 'TST-01' (did you mean 'TST-001'?)" in messages


def test_init_names_the_codeowners_step_only_without_an_org(tmp_path: Path) -> None:
    dist = str(fake_dist(tmp_path / "dist"))
    plain = subprocess.run([*GOVCTL, "init", str(tmp_path / "a"), "--govctl-dist", dist],
                           capture_output=True, text=True, timeout=300)
    assert plain.returncode == 0 and "govctl codeowners --org" in plain.stdout
    org = subprocess.run(
        [*GOVCTL, "init", str(tmp_path / "b"), "--github-org", "acme", "--govctl-dist", dist],
        capture_output=True, text=True, timeout=300,
    )
    assert org.returncode == 0 and "codeowners --org" not in org.stdout


def test_schema_hint_is_relative_to_a_file_in_a_sub_folder(tmp_path: Path) -> None:
    done = subprocess.run([*GOVCTL, "schema", "export", "schemas"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert "in registry/deployments/app.yaml: $schema=../../schemas/govctl.schema.json" in (
        done.stderr
    )


def test_readiness_starts_with_one_row_per_deployment(repo: Path) -> None:
    done = govctl(repo, "readiness", "--now", "2026-11-22")
    lines = done.stdout.splitlines()
    assert lines[0].split()[:4] == ["deployment", "env", "ready", "eval"]
    assert [line.split()[0] for line in lines[1:4]] == [
        "Deployment/app-000", "Deployment/app-001", "Deployment/app-002"
    ]
    assert lines[4].startswith("(each cell: baseline, full")
