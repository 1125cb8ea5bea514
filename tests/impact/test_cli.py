"""``govctl impact`` as users run it: a real process, exit codes, formats, work tree vs commit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import NOW, GitRepo

GUARD = "registry/guardrails/strict.yaml"


def govctl(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govctl", "-C", str(repo.root), "impact", "--now", NOW,
         "--no-cache", "--workers", "1", *args],
        capture_output=True, text=True,
    )


def test_json_report_shape_and_exit_0(repo: GitRepo) -> None:
    repo.edit(GUARD, "threshold: 0.8", "threshold: 0.9")
    head = repo.commit()
    done = govctl(repo, "--base", "main", "--head", "HEAD", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert list(report)[:9] == [
        "version", "base", "head", "risk", "changes", "affected", "findings", "approvals", "cost"
    ]
    assert (report["version"], report["base"], report["head"]) == (1, repo.base, head)
    assert report["risk"]["level"] == "critical"
    assert report["changes"][0] == {
        "ref": "GuardrailPolicy/strict",
        "type": "modified",
        "fields": [{"path": "spec.input[0].threshold", "before": 0.8, "after": 0.9}],
        "predicates": ["modified.spec", "guardrail.weakened"],
        "path": GUARD,
        "fromPath": None,
        "reasons": {
            "modified.spec": ["1 spec field(s) changed: spec.input[0].threshold"],
            "guardrail.weakened": ["input prompt_injection threshold raised from 0.8 to 0.9"],
        },
    }
    assert [(a["ref"], a["environment"], a["via"]) for a in report["affected"]] == [
        ("Deployment/support-prod", "prod", ["GuardrailPolicy/strict", "Deployment/support-prod"]),
        ("Deployment/support-staging", "staging",
         ["GuardrailPolicy/strict", "Deployment/support-staging"]),
    ]
    assert report["findings"] == {"introduced": [], "resolved": [], "unchanged": 0}
    assert [a["role"] for a in report["approvals"]] == ["security", "compliance", "ml-platform"]
    assert all(set(a) >= {"role", "because"} for a in report["approvals"])
    assert [(c["ref"], c["beforeUSD"], c["afterUSD"]) for c in report["cost"]] == [
        ("Deployment/support-prod", 135.0, 135.0),
        ("Deployment/support-staging", 135.0, 135.0),
    ]
    again = govctl(repo, "--base", "main", "--head", "HEAD", "--format", "json")
    assert again.stdout == done.stdout  # byte-identical for the same commits and --now


def test_bad_base_ref_exits_2_naming_the_ref(repo: GitRepo) -> None:
    done = govctl(repo, "--base", "origin/release")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("govctl: error: base ref 'origin/release' is not in this clone")


def test_bad_head_ref_exits_2(repo: GitRepo) -> None:
    done = govctl(repo, "--base", "main", "--head", "nope")
    assert done.returncode == 2
    assert "head ref 'nope' is not in this clone" in done.stderr


def test_engine_failure_exits_3(repo: GitRepo) -> None:
    done = govctl(repo, "--base", "main", "--engine", "opa", "--opa-url", "http://127.0.0.1:9")
    assert done.returncode == 3
    assert "cannot connect to OPA" in done.stderr


def test_fail_on_gates_on_introduced_errors_only(repo: GitRepo) -> None:
    repo.remove("registry/guardrails/basic.yaml")  # leaves two dangling references (GOV-REG-002)
    repo.commit()
    assert govctl(repo, "--base", "main", "--format", "json").returncode == 0  # default: never
    assert govctl(repo, "--base", "main", "--fail-on", "error", "--format", "json").returncode == 1
    repo.write({"registry/guardrails/basic.yaml": (repo.root / GUARD).read_text().replace(
        "name: strict", "name: basic")})
    repo.commit()
    assert govctl(repo, "--base", "main", "--fail-on", "error", "--format", "json").returncode == 0


def test_head_defaults_to_the_dirty_work_tree(repo: GitRepo) -> None:
    repo.edit(GUARD, "threshold: 0.8", "threshold: 0.9")  # not committed
    work = json.loads(govctl(repo, "--base", "main", "--format", "json").stdout)
    assert work["refs"] == {
        "base": "main", "head": "WORKTREE", "headIsWorkTree": True, "uncommitted": True
    }
    assert [c["ref"] for c in work["changes"]] == ["GuardrailPolicy/strict"]
    committed = json.loads(govctl(repo, "--base", "main", "--head", "HEAD", "--format", "json").stdout)
    assert committed["changes"] == []
    assert committed["refs"]["uncommitted"] is False


def test_markdown_and_text_to_a_file(repo: GitRepo, tmp_path: Path) -> None:
    repo.edit("registry/residency/eu-pii.yaml", 'allowedRegions: [westeurope, "eu-*"]',
              'allowedRegions: [westeurope, "eu-*", us-east-1]')
    repo.commit()
    out = tmp_path / "impact.md"
    done = govctl(repo, "--base", "main", "--format", "markdown", "--output", str(out))
    assert done.returncode == 0 and done.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "### 🔴 Risk: CRITICAL · approvals needed: **compliance**, **ml-platform**"
    )
    assert "| `ResidencyRule/eu-pii` | **residency widened** | `spec.allowedRegions` |" in text
    assert "(added: `us-east-1`)" in text
    assert '```mermaid\nflowchart LR\n  n0["ResidencyRule/eu-pii"]:::changed' in text
    plain = govctl(repo, "--base", "main", "--format", "text").stdout
    assert plain.startswith("Risk: CRITICAL; approvals needed: compliance, ml-platform\n")
    assert "residency.widened: allowedRegions gained us-east-1" in plain


def test_worktree_checkout_runs_impact(repo: GitRepo, tmp_path: Path) -> None:
    repo.edit(GUARD, "threshold: 0.8", "threshold: 0.9")
    repo.commit()
    repo.git("worktree", "add", "-q", str(tmp_path / "wt"), "main")
    worktree = GitRepo(tmp_path / "wt")
    (worktree.root / "registry/models/m-a.yaml").write_text(
        (worktree.root / "registry/models/m-a.yaml").read_text().replace("status: approved", "status: blocked")
    )
    report = json.loads(govctl(worktree, "--base", "feature", "--format", "json").stdout)
    refs = {c["ref"]: c["predicates"] for c in report["changes"]}
    # the worktree is on main: against feature, the guardrail goes back and m-a is edited
    assert refs == {
        "GuardrailPolicy/strict": ["modified.spec"],
        "Model/m-a@2024-01-01": ["modified.spec", "model.status_changed"],
    }


def test_shallow_ci_clone_needs_the_base_fetched(repo: GitRepo, tmp_path: Path) -> None:
    from .conftest import run_git

    repo.edit(GUARD, "threshold: 0.8", "threshold: 0.9")
    repo.commit()
    clone = tmp_path / "ci"
    run_git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature",
            f"file://{repo.root}", str(clone))
    ci = GitRepo(clone)
    before = govctl(ci, "--base", "origin/main", "--format", "json")
    assert before.returncode == 2
    assert "git fetch --depth=1 origin +refs/heads/main:refs/remotes/origin/main" in before.stderr
    run_git(clone, "fetch", "-q", "--depth=1", "origin", "+refs/heads/main:refs/remotes/origin/main")
    after = govctl(ci, "--base", "origin/main", "--format", "json")
    assert after.returncode == 0, after.stderr
    report = json.loads(after.stdout)
    assert report["base"] == repo.base
    assert [(c["ref"], c["predicates"]) for c in report["changes"]] == [
        ("GuardrailPolicy/strict", ["modified.spec", "guardrail.weakened"])
    ]


def test_the_library_result_carries_the_gate(repo: GitRepo) -> None:
    """``api.impact`` returns the exit code the CLI exits with: the gate is in the result."""
    from govctl import api

    repo.remove("registry/guardrails/basic.yaml")  # introduces GOV-REG-002 errors
    repo.commit()

    def report(fail_on: str) -> api.ImpactReport:
        options = api.ImpactOptions(
            root=repo.root, base="main", now=NOW, use_cache=False, workers=1, audit=False,
            fail_on=fail_on,
        )
        return api.impact(options)

    assert [report(level).exit_code for level in ("never", "warning", "error")] == [0, 1, 1]
