"""Build a sample governance repository with a real audit trail, as CI would leave it.

    python scripts/sample_audit_trail.py TARGET

TARGET/origin.git is a bare repository holding this repository's committed files plus four
merged changes on ``main`` (16-21 November 2026), each recorded the way the release workflow
records a merge: a ``release`` event (and ``waiver`` events) appended to the authoritative trail
by the recorder, a ``check`` event of the run that decided it, the database pushed to the
``govctl-audit`` branch, then the checkpoint committed to ``main``. The auditor quickstart in
docs/quickstart.md can be followed against a clone of it::

    git clone TARGET/origin.git demo && cd demo
    git show origin/govctl-audit:govctl.duckdb > audits/govctl.duckdb
    govctl audit verify

Events carry the merge times (the clock is fixed), so ``asof 2026-11-20`` always finds the
third release. Nothing here needs the network or a policy engine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govctl.api import load_registry
from govctl.audit.api import EventDraft, record_events
from govctl.audit.auditor import previous_waivers
from govctl.audit.release import ReleaseInfo, release_events
from govctl.audit.store import reading
from govctl.models.config import AuditSettings

PROJECT = Path(__file__).resolve().parents[1]
AUDIT_BRANCH = "govctl-audit"
WAIVER = "registry/waivers/wvr-2026-014-knowledge-search-staging-refresh.yaml"


@dataclass(frozen=True)
class Merge:
    when: datetime
    title: str
    pr: str
    author: str
    approvers: tuple[str, ...]
    edit: Callable[[Path], None] | None


def _replace(path: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        file = root / path
        text = file.read_text(encoding="utf-8")
        if old not in text:
            raise SystemExit(f"sample: {path} no longer contains {old!r}")
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _remove(path: str) -> Callable[[Path], None]:
    return lambda root: (root / path).unlink()


MERGES = (
    Merge(
        datetime(2026, 11, 16, 10, tzinfo=UTC),
        "the reference registry",
        "101",
        "amina",
        ("lukas",),
        None,
    ),
    Merge(
        datetime(2026, 11, 18, 15, tzinfo=UTC),
        "support assistant: description",
        "102",
        "jonas",
        (),
        _replace(
            "registry/deployments/support-assistant-eu-prod.yaml",
            "description: ",
            "description: (reviewed) ",
        ),
    ),
    Merge(
        datetime(2026, 11, 19, 9, tzinfo=UTC),
        "knowledge search: refresh waiver ends",
        "103",
        "sofia",
        ("sofia", "lukas"),
        _remove(WAIVER),
    ),
    Merge(
        datetime(2026, 11, 21, 11, tzinfo=UTC),
        "kz assistant: description",
        "104",
        "dana",
        ("amina",),
        _replace(
            "registry/deployments/kz-assistant-prod.yaml",
            "description: ",
            "description: (reviewed) ",
        ),
    ),
)


def git(root: Path, *args: str, when: datetime | None = None, stdin: str | None = None) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "govctl sample",
        "GIT_AUTHOR_EMAIL": "sample@example.com",
        "GIT_COMMITTER_NAME": "github-actions[bot]",
        "GIT_COMMITTER_EMAIL": "41898282+github-actions[bot]@users.noreply.github.com",
    }
    if when is not None:
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, input=stdin, text=True, capture_output=True
    )
    if done.returncode != 0:
        raise SystemExit(f"sample: git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


class Clock:
    """Event times: the merge time, one millisecond further per call."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def at(self, when: datetime) -> None:
        self.now = when

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


def record(ci: Path, merge: Merge, sha: str, clock: Clock, settings: AuditSettings) -> None:
    registry = load_registry(ci)
    db = ci / settings.path
    before = {}
    if db.is_file():
        with reading(db, shown=settings.path, timeout=10) as con:
            before = previous_waivers(con)
    waived = (
        [
            {
                "rule": "GOV-EVL-002",
                "ref": "Deployment/knowledge-search-staging",
                "severity": "error",
                "waived": True,
                "waiver": "Waiver/wvr-2026-014-knowledge-search-staging-refresh",
            }
        ]
        if (ci / WAIVER).exists()
        else []
    )
    check = EventDraft(
        type="check",
        actor="github-actions[bot]",
        commit=sha,
        ref="refs/heads/main",
        registry_digest=registry.digest,
        engine_name="opa",
        engine_version="1.22.2",
        decision={"exitCode": 0, "failOn": "error"},
        findings=waived,
    )
    info = ReleaseInfo(
        actor="github-actions[bot]",
        commit=sha,
        ref="refs/heads/main",
        pr=merge.pr,
        author=merge.author,
        approvers=merge.approvers,
    )
    clock.at(merge.when)
    record_events(settings, ci, [check, *release_events(info, registry, before)], clock=clock)


def publish(ci: Path, merge: Merge, sha: str) -> None:
    """What the release workflow does after recording: the database first, then checkpoints."""
    has_branch = bool(git(ci, "branch", "-r", "--list", f"origin/{AUDIT_BRANCH}"))
    parent = ["-p", f"origin/{AUDIT_BRANCH}"] if has_branch else []
    blob = git(ci, "hash-object", "-w", "audits/govctl.duckdb")
    tree = git(ci, "mktree", stdin=f"100644 blob {blob}\tgovctl.duckdb\n")
    commit = git(
        ci,
        "commit-tree",
        tree,
        *parent,
        "-m",
        f"audit: database after recording {sha}",
        when=merge.when,
    )
    git(ci, "push", "-q", "origin", f"{commit}:refs/heads/{AUDIT_BRANCH}")
    git(ci, "fetch", "-q", "origin", AUDIT_BRANCH)
    git(ci, "add", "audits/checkpoints")
    git(ci, "commit", "-q", "-m", f"audit: checkpoint after {sha} [skip ci]", when=merge.when)
    git(ci, "push", "-q", "origin", "HEAD:main")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    target = parser.parse_args().target.resolve()
    if target.exists() and any(target.iterdir()):
        raise SystemExit(f"sample: {target} is not empty")
    origin, ci = target / "origin.git", target / "ci"
    target.mkdir(parents=True, exist_ok=True)
    # The files of this repository's HEAD, as one first commit (a shallow or worktree checkout
    # of govctl works as well as a full clone).
    git(target, "init", "-q", "--bare", "-b", "main", str(origin))
    git(target, "init", "-q", "-b", "main", str(ci))
    head = git(PROJECT, "rev-parse", "HEAD")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", head], cwd=PROJECT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(ci)], input=archive, check=True)
    git(ci, "add", "-A")
    git(ci, "commit", "-q", "-m", f"governance registry (govctl {head[:12]})", when=MERGES[0].when)
    git(ci, "remote", "add", "origin", str(origin))
    git(ci, "push", "-q", "origin", "main")
    os.environ["GOVCTL_AUDIT_ROLE"] = "recorder"  # this script plays the release workflow
    settings = AuditSettings(role="recorder")
    clock = Clock()
    for merge in MERGES:
        if merge.edit is not None:
            merge.edit(ci)
            git(ci, "commit", "-q", "-am", f"{merge.title} (#{merge.pr})", when=merge.when)
            git(ci, "push", "-q", "origin", "HEAD:main")
        sha = git(ci, "rev-parse", "HEAD")
        record(ci, merge, sha, clock, settings)
        publish(ci, merge, sha)
    print(f"sample governance repository: {origin}")
    print(f"  git clone {origin} demo && cd demo")
    print(f"  git show origin/{AUDIT_BRANCH}:govctl.duckdb > audits/govctl.duckdb")
    return 0


if __name__ == "__main__":
    sys.exit(main())
