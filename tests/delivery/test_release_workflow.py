"""The post-merge workflow's scripts, run for real against a local "origin".

GitHub's runner and API are not here, so the test plays the runner: it clones a bare origin at
the pushed commit, runs the workflow's ``run:`` steps with bash as Actions does, and serves the
GitHub API through a stand-in ``gh`` that answers from fixed JSON and applies the workflow's
``--jq`` filters with the real ``jq``. Everything else is real: git, govctl, DuckDB, the pushes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from ruamel.yaml import YAML

from govctl.scaffold import SOURCE_INSTALL_COMMAND, ScaffoldOptions, scaffold, workflow_templates
from tests.delivery.conftest import git, run, scaffold_pin

pytestmark = pytest.mark.skipif(shutil.which("jq") is None, reason="needs jq")

REPO = "acme/gov"
SKIPPED = {"Install govctl (every file pinned by hash)"}  # the development install is on PATH

GH_STUB = r"""#!/usr/bin/env bash
# Stand-in for `gh api [--paginate --slurp] PATH [--jq FILTER]`, answering from $GH_FIXTURES.
set -euo pipefail
[ "$1" = "api" ] || { echo "gh stub: only 'api'" >&2; exit 2; }
shift
slurp=0; filter=""; path=""
while [ $# -gt 0 ]; do
  case "$1" in
    --paginate) ;;
    --slurp) slurp=1 ;;
    --jq) filter="$2"; shift ;;
    *) path="$1" ;;
  esac
  shift
done
body=$(jq -c --arg p "$path" '.[$p] // error("gh stub: no fixture for " + $p)' "$GH_FIXTURES")
if [ "$slurp" = 1 ]; then body="[$body]"; fi
if [ -n "$filter" ]; then printf '%s' "$body" | jq -r "$filter"; else printf '%s\n' "$body"; fi
"""


def _steps() -> list[dict[str, Any]]:
    text = workflow_templates(SOURCE_INSTALL_COMMAND)[".github/workflows/govctl-release.yml"]
    workflow = YAML(typ="safe", pure=True).load(text)
    return list(workflow["jobs"]["record-release"]["steps"])


def _job_env() -> dict[str, str]:
    text = workflow_templates(SOURCE_INSTALL_COMMAND)[".github/workflows/govctl-release.yml"]
    env = YAML(typ="safe", pure=True).load(text)["jobs"]["record-release"]["env"]
    return {k: v for k, v in env.items() if "${{" not in str(v)}


def _run_workflow(runner: Path, sha: str, tmp: Path, fixtures: Path) -> tuple[int, str]:
    """Run every `run:` step in order, as the runner would; stop at the first failure."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    stub = bin_dir / "gh"
    stub.write_text(GH_STUB)
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    github_env = tmp / f"github-env-{sha[:8]}"
    github_env.write_text("")
    env = {
        **_job_env(),
        "PATH": os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent),
                                 os.environ["PATH"]]),
        "GITHUB_SHA": sha, "GITHUB_REPOSITORY": REPO, "GITHUB_ENV": str(github_env),
        "RUNNER_TEMP": str(tmp), "GH_TOKEN": "test", "GOVCTL_ACTOR": "merger",
        "SIGNING_KEY": "", "GH_FIXTURES": str(fixtures),
    }
    log = []
    for step in _steps():
        if "run" not in step or step.get("name") in SKIPPED:
            continue
        script = tmp / "step.sh"
        script.write_text(step["run"])
        result = run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=runner,
                     env=env, check=False, timeout=600)
        log.append(f"## {step['name']}\n{result.stdout}{result.stderr}")
        if result.returncode != 0:
            return result.returncode, "\n".join(log)
    return 0, "\n".join(log)


def _clone_at(origin: Path, sha: str, dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    git(origin.parent, "clone", "-q", str(origin), str(dest))
    git(dest, "checkout", "-q", "--detach", sha)
    return dest


def _merge(work: Path, path: str, old: str, new: str, message: str) -> str:
    file = work / path
    file.write_text(file.read_text().replace(old, new))
    git(work, "commit", "-q", "-am", message)
    git(work, "push", "-q", "origin", "HEAD:main")
    return git(work, "rev-parse", "HEAD")


def _fixtures(path: Path, prs: dict[str, tuple[int, str, list[tuple[str, str]]]]) -> Path:
    data: dict[str, Any] = {}
    for sha, (number, author, reviews) in prs.items():
        data[f"repos/{REPO}/commits/{sha}/pulls"] = [
            {"number": number, "merged_at": "2026-11-22T10:00:00Z"}]
        data[f"repos/{REPO}/pulls/{number}"] = {"number": number, "user": {"login": author}}
        data[f"repos/{REPO}/pulls/{number}/reviews"] = [
            {"user": {"login": who}, "state": state} for who, state in reviews]
    path.write_text(json.dumps(data))
    return path


def _releases(db: Path) -> list[tuple[str, str | None, str, list[str]]]:
    """(commit, pr, author, approvers) of every release event, oldest first."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.sql("SELECT payload FROM event_log ORDER BY seq").fetchall()
    finally:
        con.close()
    events = [json.loads(payload) for (payload,) in rows]
    return [
        (e["git"]["commit"], e["details"]["pr"], e["details"]["author"],
         e["details"]["approvers"])
        for e in events if e["type"] == "release"
    ]


def test_release_workflow_records_every_merge_and_stores_the_database(tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    now = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    work = scaffold(ScaffoldOptions(target=tmp_path / "work", now=now, pin=scaffold_pin(tmp_path / "dist"), github_org="acme")).root
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "govctl init")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "origin", "main")
    prod = "registry/deployments/support-assistant-prod.yaml"

    # Merge 1 (PR #1 by alice, approved by bob): the first run creates the audit database.
    first = _merge(work, prod, "requestsPerMinute: 600", "requestsPerMinute: 700", "PR 1")
    fixtures = _fixtures(tmp_path / "gh.json", {
        first: (1, "alice", [("bob", "APPROVED")]),
    })
    code, log = _run_workflow(_clone_at(origin, first, tmp_path / "runner"), first, tmp_path,
                              fixtures)
    assert code == 0, log
    assert "no govctl-audit branch yet" in log

    # Merges 2 and 3; GitHub dropped the pending run of merge 2, so the run of merge 3 records
    # both, each with its own pull request's people. A direct push has no pull request.
    git(work, "pull", "-q", "--rebase", "origin", "main")  # the checkpoint commit
    second = _merge(work, prod, "requestsPerMinute: 700", "requestsPerMinute: 800", "PR 2")
    third = _merge(work, prod, "requestsPerMinute: 800", "requestsPerMinute: 900", "PR 3")
    fixtures = _fixtures(tmp_path / "gh.json", {
        second: (2, "carol", [("dave", "CHANGES_REQUESTED"), ("dave", "APPROVED"),
                              ("erin", "COMMENTED")]),
        third: (3, "frank", [("grace", "APPROVED"), ("grace", "CHANGES_REQUESTED")]),
    })
    code, log = _run_workflow(_clone_at(origin, third, tmp_path / "runner"), third, tmp_path,
                              fixtures)
    assert code == 0, log

    # The database lives on the audit branch; the checkpoints were committed to main.
    store = tmp_path / "store"
    git(tmp_path, "clone", "-q", "--branch", "govctl-audit", str(origin), str(store))
    assert sorted(p.name for p in store.iterdir() if p.name != ".git") == [
        "README.md", "govctl.duckdb"]
    assert len(git(store, "log", "--format=%H").split()) == 2  # one commit per run
    assert _releases(store / "govctl.duckdb") == [
        (first, "1", "alice", ["bob"]),
        (second, "2", "carol", ["dave"]),  # a later approval replaces changes requested
        (third, "3", "frank", []),  # an approval followed by changes requested is withdrawn
    ]
    main_log = git(store, "log", "--format=%s", "origin/main")
    assert main_log.count("audit: checkpoint after") == 2
    checked_out = _clone_at(origin, git(store, "rev-parse", "origin/main"), tmp_path / "auditor")
    shutil.copy(store / "govctl.duckdb", checked_out / "audits" / "govctl.duckdb")
    verify = run(["govctl", "audit", "verify", "--no-record"], cwd=checked_out,
                 env={"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"},
                 check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    # Someone replaces the database on the branch with an older copy: the next run stops.
    git(store, "checkout", "-q", "HEAD~1", "--", "govctl.duckdb")
    git(store, "commit", "-q", "-m", "roll back")
    git(store, "push", "-q", "origin", "HEAD:govctl-audit")
    git(work, "pull", "-q", "--rebase", "origin", "main")
    fourth = _merge(work, prod, "requestsPerMinute: 900", "requestsPerMinute: 950", "PR 4")
    fixtures = _fixtures(tmp_path / "gh.json", {fourth: (4, "alice", [])})
    code, log = _run_workflow(_clone_at(origin, fourth, tmp_path / "runner"), fourth, tmp_path,
                              fixtures)
    assert code == 4, log
    assert "rolled-back" in log
