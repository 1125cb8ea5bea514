"""Local runs never break a clone: they record into the personal trail, which ignores itself in
git, so the quickstart's `git add -A && git commit` is safe before and after a release."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.delivery.conftest import fake_dist

from .test_git_anchor import commit_all, git


def add_all_and_commit(repo: Path, message: str) -> None:
    """What the quickstart tells users to do (nothing new to commit is fine)."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)

RECORDER = {"GOVCTL_AUDIT_ROLE": "recorder"}


def govctl(root: Path, *args: str, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "GOVCTL_AUDIT_ROLE"}
    full.update({"GOVCTL_ACTOR": "dev", **(env or {})})
    return subprocess.run([sys.executable, "-m", "govctl", "-C", str(root), *args],
                          capture_output=True, text=True, env=full, timeout=300)


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def local_round(repo: Path) -> None:
    ok(govctl(repo, "check"))
    ok(govctl(repo, "impact", "--base", "main"))
    ok(govctl(repo, "audit", "verify"))


def committed_files(repo: Path) -> list[str]:
    return git(repo, "ls-files").splitlines()


def clone_and_check(source: Path, target: Path) -> Path:
    git(source.parent, "clone", "-q", str(source), str(target))
    ok(govctl(target, "check"))
    ok(govctl(target, "impact", "--base", "main"))
    return target


def test_local_runs_then_git_add_all_keep_clones_working(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    ok(govctl(tmp_path, "init", str(repo), "--govctl-dist", str(fake_dist(tmp_path / "dist"))))
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "govctl init")

    local_round(repo)
    assert (repo / ".govctl-audit" / "local.duckdb").is_file()
    assert not (repo / "audits" / "checkpoints").exists()  # the committed folder is untouched
    add_all_and_commit(repo, "after local runs")
    assert not [f for f in committed_files(repo) if f.startswith((".govctl-audit", "audits/"))]
    clone_and_check(repo, tmp_path / "clone1")

    # A simulated release: the recorder extends the authoritative trail and commits checkpoints.
    sha = git(repo, "rev-parse", "HEAD").strip()
    ok(govctl(repo, "audit", "record-release", "--commit", sha, "--author", "dev",
              "--approver", "lead", env=RECORDER))
    ok(govctl(repo, "audit", "checkpoint", env=RECORDER))
    git(repo, "add", "audits/checkpoints")
    git(repo, "commit", "-q", "-m", "audit: checkpoint")
    assert len([f for f in committed_files(repo) if f.startswith("audits/checkpoints/")]) == 2

    local_round(repo)  # verifies the authoritative store against git, records locally
    add_all_and_commit(repo, "after more local runs")
    assert len([f for f in committed_files(repo) if f.startswith("audits/checkpoints/")]) == 2
    clone = clone_and_check(repo, tmp_path / "clone2")

    # In the clone the authoritative store is absent: verify says so (exit 4) until restored.
    missing = govctl(clone, "audit", "verify", "--no-record")
    assert missing.returncode == 4 and "store missing" in missing.stderr
    shutil.copy(repo / "audits" / "govctl.duckdb", clone / "audits" / "govctl.duckdb")
    assert "verified: ok" in ok(govctl(clone, "audit", "verify"))
    log = ok(govctl(clone, "audit", "log", "--type", "release"))
    assert "release" in log
    local = ok(govctl(clone, "audit", "log", "--local", "--type", "verify"))
    assert "verify" in local


def test_the_role_is_explicit_in_the_config_and_the_environment_overrides_it(tmp_path: Path
                                                                             ) -> None:
    from .conftest import write_config

    root = tmp_path / "repo"
    root.mkdir()
    write_config(root, "{role: recorder}")
    ok(govctl(root, "audit", "checkpoint"))
    assert len(list((root / "audits" / "checkpoints").glob("*.json"))) == 1
    ok(govctl(root, "audit", "checkpoint", env={"GOVCTL_AUDIT_ROLE": "local"}))
    assert len(list((root / "audits" / "checkpoints").glob("*.json"))) == 1
    assert (root / ".govctl-audit" / ".gitignore").read_text().strip().endswith("*")
    bad = govctl(root, "audit", "checkpoint", env={"GOVCTL_AUDIT_ROLE": "boss"})
    assert bad.returncode == 2 and "GOVCTL_AUDIT_ROLE" in bad.stderr
    wrong = (root / "govctl.yaml").read_text().replace("role: recorder", "role: writer")
    (root / "govctl.yaml").write_text(wrong)
    assert govctl(root, "audit", "checkpoint").returncode == 2
