"""Git anchors the audit trail (docs/spec.md §6): every committed version of every checkpoint
file, and the signing key as first committed.

``read_anchor`` reads, from git objects only (``govctl.gitio``), the history of the checkpoints
folder and of the public key file reachable from the anchor refs (``audit.branch``, else the
current branch and ``main``/``origin/main``). It reports, besides the checkpoints themselves:

- ``checkpoint-deleted`` / ``checkpoint-rewritten``: a commit deletes or changes a committed
  checkpoint file (checkpoints only grow: a new run adds a new file);
- ``checkpoint-missing`` / ``checkpoint-changed``: a checkpoint committed at HEAD is absent or
  different in the work tree.

A history that cannot be read (no repository, a shallow clone, a folder outside it) raises
``AuditIntegrityError`` (kind ``unanchored``): verification fails closed unless ``--no-git``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from govctl.audit.checkpoints import Checkpoint, key_id, parse_checkpoint
from govctl.audit.keys import parse_public_key, read_rotations, trusted_chain
from govctl.audit.paths import AuditPaths
from govctl.audit.problems import Problem
from govctl.errors import AuditIntegrityError, GitError
from govctl.gitio import GitRepository, PathChange

NO_GIT_HINT = "pass --no-git to verify against the work tree only"


@dataclass(frozen=True)
class CommittedCheckpoint:
    """One committed version of a checkpoint file; ``checkpoint`` is None when unreadable."""

    path: str
    commit: str
    checkpoint: Checkpoint | None
    error: str | None = None

    @property
    def source(self) -> str:
        return f"git {self.commit[:12]}:{self.path}"


@dataclass(frozen=True)
class GitAnchor:
    refs: tuple[str, ...]
    checkpoints: tuple[CommittedCheckpoint, ...]  # oldest first
    problems: tuple[Problem, ...]
    key_versions: tuple[tuple[str, bytes], ...]  # (commit, PEM) of the public key, oldest first

    @property
    def origin(self) -> str | None:
        """The origin the first committed checkpoint names."""
        for item in self.checkpoints:
            if item.checkpoint is not None:
                return item.checkpoint.origin
        return None

    @property
    def signed(self) -> bool:
        return any(c.checkpoint is not None and c.checkpoint.signature for c in self.checkpoints)


def _unanchored(message: str) -> AuditIntegrityError:
    return AuditIntegrityError(
        f"audit verification failed (unanchored): {message}; {NO_GIT_HINT}", kind="unanchored"
    )


def _relative(paths: AuditPaths, path: Path, what: str) -> str:
    try:
        return path.resolve().relative_to(paths.root).as_posix()
    except ValueError:
        raise _unanchored(
            f"the {what} {path} is outside the repository, so git cannot anchor it"
        ) from None


def _anchor_refs(repo: GitRepository, branch: str | None) -> list[str]:
    """What ``git log`` walks: the configured branch (here or on origin), else HEAD plus
    ``main`` and ``origin/main`` where they exist (``--branches``/``--remotes`` patterns match
    nothing silently, which saves a ``rev-parse`` per name)."""
    if branch is None:
        return ["HEAD", "--branches=main", "--remotes=origin/main"]
    found = [name for name in (branch, f"origin/{branch}") if repo.commit_or_none(name)]
    if not found:
        raise _unanchored(f"audit.branch {branch!r} is neither a branch here nor on origin")
    return found


def _git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _history_problems(changes: list[PathChange]) -> list[Problem]:
    problems = []
    for change in changes:
        if change.status == "D":
            kind, what = "checkpoint-deleted", "deletes"
        elif change.status in ("M", "T"):
            kind, what = "checkpoint-rewritten", "changes"
        else:
            continue
        problems.append(
            Problem(
                kind,
                None,
                f"commit {change.commit[:12]} {what} the committed checkpoint {change.path}: "
                "checkpoints only grow",
                "git history",
            )
        )
    return problems


def _worktree_problems(repo: GitRepository, paths: AuditPaths, folder: str) -> list[Problem]:
    problems = []
    for path, entry in sorted(repo.folder_entries("HEAD", folder).items()):
        on_disk = paths.root / path
        if not on_disk.is_file():
            problems.append(
                Problem(
                    "checkpoint-missing",
                    None,
                    "committed at HEAD but missing from the work tree",
                    path,
                )
            )
        elif _git_blob_id(on_disk.read_bytes()) != entry.sha:
            problems.append(
                Problem(
                    "checkpoint-changed",
                    None,
                    "differs in the work tree from the version committed at HEAD",
                    path,
                )
            )
    return problems


def _parse(path: str, commit: str, data: bytes) -> CommittedCheckpoint:
    try:
        return CommittedCheckpoint(path, commit, parse_checkpoint(json.loads(data)))
    except ValueError as exc:
        return CommittedCheckpoint(path, commit, None, f"unreadable checkpoint: {exc}")


def read_anchor(paths: AuditPaths) -> GitAnchor:
    """Every committed version of every checkpoint file, and of the public key file."""
    folder = _relative(paths, paths.checkpoints, "checkpoints folder")
    key_file = _relative(paths, paths.public_key, "public key") if paths.public_key else None
    try:
        repo = GitRepository(paths.root)
    except GitError as exc:
        raise _unanchored(f"cannot read git history ({exc})") from None
    with repo:
        if repo.is_shallow():
            raise _unanchored(
                "this is a shallow clone: older checkpoints are not here (run "
                "`git fetch --unshallow`)"
            )
        if repo.head_sha() is None:  # a repository without commits: nothing anchored yet
            return GitAnchor((), (), (), ())
        refs = _anchor_refs(repo, paths.branch)
        changes = repo.path_history(refs, [folder] + ([key_file] if key_file else []))
        added = [c for c in changes if c.status in ("A", "M", "T")]
        repo.prefetch(c.new_blob for c in added)
        lead = folder.rstrip("/") + "/"
        seen: set[tuple[str, str]] = set()
        committed, keys = [], []
        for change in added:
            if change.path == key_file:
                keys.append((change.commit, repo.blob(change.new_blob)))
            elif (
                change.path.startswith(lead)
                and change.path.endswith(".json")
                and (change.path, change.new_blob) not in seen
            ):
                seen.add((change.path, change.new_blob))
                blob = repo.blob(change.new_blob)
                committed.append(_parse(change.path, change.commit, blob))
        ours = [c for c in changes if c.path.startswith(lead)]
        problems = _history_problems(ours) + _worktree_problems(repo, paths, folder)
        return GitAnchor(tuple(refs), tuple(committed), tuple(problems), tuple(keys))


@dataclass(frozen=True)
class KeyTrust:
    """The keys whose signatures count (None: no key configured), and what is wrong with them."""

    keys: dict[str, Ed25519PublicKey] | None
    problems: tuple[Problem, ...]


def key_trust(
    paths: AuditPaths, configured: Ed25519PublicKey | None, anchor: GitAnchor | None
) -> KeyTrust:
    """Without git: the configured key. With git: the key history pinned, extended by rotation
    statements; a configured key outside that chain is ``wrong-key``."""
    if anchor is None:
        return KeyTrust({key_id(configured): configured} if configured else None, ())
    if configured is None:
        if anchor.signed:
            message = (
                "committed checkpoints are signed, but audit.publicKey is not configured: "
                "removing the key does not switch verification off"
            )
            return KeyTrust(None, (Problem("key-removed", None, message, "govctl.yaml"),))
        return KeyTrust(None, ())
    shown = paths.shown(paths.public_key) if paths.public_key else "audit.publicKey"
    if not anchor.key_versions:
        message = (
            "the public key is not committed, so history cannot pin it: commit it before "
            "relying on signatures"
        )
        return KeyTrust(
            {key_id(configured): configured}, (Problem("unpinned-key", None, message, shown),)
        )
    commit, pem = anchor.key_versions[0]
    pinned = parse_public_key(pem)
    if pinned is None:
        message = f"the public key first committed in {commit[:12]} is not an Ed25519 key"
        return KeyTrust({}, (Problem("wrong-key", None, message, shown),))
    chain = trusted_chain(pinned, read_rotations(paths.rotations))
    trusted = {key_id(k): k for k in chain}
    if key_id(configured) not in trusted:
        message = (
            f"audit.publicKey holds {key_id(configured)}, but history pins {key_id(pinned)} "
            f"(first committed in {commit[:12]}) and no rotation statement signed by a "
            "trusted key introduces it"
        )
        return KeyTrust(trusted, (Problem("wrong-key", None, message, shown),))
    return KeyTrust(trusted, ())
