"""Git anchors the trail: real repositories with real commits, real DuckDB files, and the
rewrites an attacker with write access to the work tree (or the database) would try."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from govctl.audit.api import verify_audit
from govctl.audit.checkpoints import Checkpoint, sign, write_checkpoint_file
from govctl.audit.checkpoints import load_private_key as load_key
from govctl.errors import AuditIntegrityError
from govctl.models.config import AuditSettings

from .conftest import FakeClock, Store, chain_hash, run_govctl, write_config

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}, check=True)
    return done.stdout


def commit_all(root: Path, message: str = "audit: checkpoint") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def new_repo(root: Path, audit: str = "") -> None:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    write_config(root, audit)
    commit_all(root, "init")


@pytest.fixture
def anchored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A recorder's repository: three runs, each checkpoint committed."""
    monkeypatch.setenv("GOVCTL_AUDIT_ROLE", "recorder")
    root = tmp_path / "repo"
    new_repo(root)
    store = Store(root, AuditSettings(), FakeClock())
    for _ in range(3):
        store.record(4)
        commit_all(root)
    return store


@pytest.fixture
def signed_anchored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("GOVCTL_AUDIT_ROLE", "recorder")
    root = tmp_path / "repo"
    private = tmp_path / "keys" / "audit.pem"
    new_repo(root, f"{{signingKey: {private}, publicKey: audits/audit.pub.pem}}")
    assert run_govctl(root, "audit", "keygen").returncode == 0
    commit_all(root, "audit: public key")
    store = Store(root, AuditSettings(signingKey=str(private), publicKey="audits/audit.pub.pem"),
                  FakeClock())
    for _ in range(3):
        store.record(4)
        commit_all(root)
    return store


def verify(store: Store) -> list[str]:
    return [p.kind for p in verify_audit(store.settings, store.root).problems]


def cli_verify(store: Store, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_govctl(store.root, "audit", "verify", "--no-record", *extra)


def rechain(store: Store, rows: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Rewrite event_log as (seq, payload) rows, consistently chained; return (size, head)
    of each database checkpoint re-made at the same sizes (capped at the new size)."""
    prev, chained = "0" * 64, []
    for seq, payload in rows:
        digest = chain_hash(seq, prev, payload)
        chained.append((seq, prev, digest, payload))
        prev = digest
    store.sql("DELETE FROM event_log")
    for row in chained:
        store.sql("INSERT INTO event_log VALUES (?, ?, ?, ?)", list(row))
    sizes = sorted({int(r[0]) for r in store.sql("SELECT size FROM checkpoints")})
    origin = store.sql("SELECT value FROM audit_meta WHERE key = 'origin'")[0][0]
    store.sql("DELETE FROM checkpoints")
    heads = {seq: digest for seq, _, digest, _ in chained}
    remade = []
    for size in (s for s in sizes if s in heads):
        store.sql("INSERT INTO checkpoints VALUES (?, ?, ?, ?, NULL, NULL)",
                  [origin, size, heads[size], "2026-11-20T00:00:00.000000Z"])
        remade.append((size, heads[size]))
    return remade


def rewrite_files(store: Store, remade: list[tuple[int, str]], sign_with: Path | None = None
                  ) -> None:
    """Replace the work tree's checkpoint files with ones matching the rewritten database."""
    shutil.rmtree(store.checkpoints)
    origin = store.sql("SELECT value FROM audit_meta WHERE key = 'origin'")[0][0]
    key = load_key(sign_with) if sign_with else None
    for size, head in remade:
        cp = Checkpoint(origin, size, head, "2026-11-20T00:00:00.000000Z")
        write_checkpoint_file(store.checkpoints, sign(cp, key) if key else cp)


def payloads(store: Store) -> list[tuple[int, str]]:
    return [(int(s), str(p)) for s, p in
            store.sql("SELECT seq, payload FROM event_log ORDER BY seq")]


def test_an_untouched_trail_verifies_against_git(anchored: Store) -> None:
    report = verify_audit(anchored.settings, anchored.root)
    assert report.ok, report.problems
    assert report.checkpoints_checked == 6  # three committed versions + three work-tree files
    done = cli_verify(anchored)
    assert done.returncode == 0 and "verified: ok" in done.stdout


def test_a_consistent_rewrite_is_caught_by_the_committed_checkpoints(anchored: Store) -> None:
    rows = payloads(anchored)
    rows[4] = (5, rows[4][1].replace('"result":"pass"', '"result":"fail"'))
    rewrite_files(anchored, rechain(anchored, rows))
    kinds = verify(anchored)
    assert "replaced" in kinds and "checkpoint-missing" in kinds
    done = cli_verify(anchored)
    # The rewritten file agrees with the rewritten database, the committed one does not: git is
    # the anchor, so the database was replaced (the two files also fork).
    assert done.returncode == 4 and "at seq 8 (replaced)" in done.stderr


def test_a_tail_cut_with_its_files_is_rolled_back(anchored: Store) -> None:
    remade = rechain(anchored, payloads(anchored)[:8])
    rewrite_files(anchored, remade)
    done = cli_verify(anchored)
    assert done.returncode == 4 and "seq 9 (rolled-back)" in done.stderr


def test_deleting_every_checkpoint_file_is_reported(anchored: Store) -> None:
    shutil.rmtree(anchored.checkpoints)
    assert set(verify(anchored)) == {"checkpoint-missing"}
    assert cli_verify(anchored).returncode == 4


def test_delete_renumber_rehash_is_replaced(anchored: Store) -> None:
    rows = [(i + 1, p) for i, (_, p) in enumerate(payloads(anchored)[1:])]
    rewrite_files(anchored, rechain(anchored, rows))
    assert "replaced" in verify(anchored)


def test_a_commit_that_deletes_or_rewrites_a_checkpoint_is_reported(anchored: Store) -> None:
    files = sorted(anchored.checkpoints.glob("*.json"))
    files[0].unlink()
    commit_all(anchored.root, "drop a checkpoint")
    assert "checkpoint-deleted" in verify(anchored)
    data = json.loads(files[1].read_text())
    data["time"] = "2026-01-01T00:00:00.000000Z"
    files[1].write_text(json.dumps(data))
    commit_all(anchored.root, "edit a checkpoint")
    assert "checkpoint-rewritten" in verify(anchored)


def test_two_branches_with_disagreeing_checkpoints_fork(anchored: Store) -> None:
    git(anchored.root, "checkout", "-q", "-b", "feature")
    forged = Checkpoint(anchored.sql("SELECT value FROM audit_meta WHERE key = 'origin'")[0][0],
                        8, "ab" * 32, "2026-11-20T00:00:00.000000Z")
    path = write_checkpoint_file(anchored.checkpoints, forged)
    commit_all(anchored.root, "forged on a branch")
    path.unlink()
    commit_all(anchored.root, "and hidden again")
    kinds = verify(anchored)
    assert "forked" in kinds and "checkpoint-deleted" in kinds


def test_a_store_of_another_origin_is_an_origin_mismatch(anchored: Store, tmp_path: Path) -> None:
    anchored.db.unlink()
    shutil.rmtree(anchored.checkpoints)
    anchored.record(4)  # a fresh store: new origin, files re-made in the work tree
    kinds = verify(anchored)
    assert "origin-mismatch" in kinds


def test_a_deleted_store_is_missing_and_a_folder_is_not_a_file(anchored: Store) -> None:
    anchored.db.unlink()
    done = cli_verify(anchored)
    assert done.returncode == 4 and "store missing" in done.stderr
    assert "verified: ok" not in done.stdout and "chain: BROKEN" not in done.stdout
    anchored.db.mkdir()
    done = cli_verify(anchored)
    assert done.returncode == 4 and "not-a-file" in done.stderr
    log = run_govctl(anchored.root, "audit", "log")
    assert log.returncode == 4 and "is not a file" in log.stderr


def test_without_git_verify_fails_unless_no_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    monkeypatch.setenv("GOVCTL_AUDIT_ROLE", "recorder")
    root = tmp_path / "plain"
    root.mkdir()
    write_config(root)
    store = Store(root, AuditSettings(), FakeClock())
    store.record(2)
    with pytest.raises(AuditIntegrityError) as caught:
        verify_audit(store.settings, root)
    assert caught.value.kind == "unanchored" and "--no-git" in str(caught.value)
    assert cli_verify(store).returncode == 4
    assert cli_verify(store, "--no-git").returncode == 0


def test_a_shallow_clone_is_not_an_anchor(anchored: Store, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{anchored.root}", str(clone))
    shutil.copy(anchored.db, clone / "audits" / "govctl.duckdb")
    done = run_govctl(clone, "audit", "verify", "--no-record")
    assert done.returncode == 4 and "shallow" in done.stderr


# -- signed trails ---------------------------------------------------------------------------


def test_a_signed_trail_verifies(signed_anchored: Store) -> None:
    assert verify(signed_anchored) == []


def test_signed_tail_cut_with_its_files_is_rolled_back(signed_anchored: Store) -> None:
    remade = rechain(signed_anchored, payloads(signed_anchored)[:8])
    rewrite_files(signed_anchored, remade, Path(signed_anchored.settings.signingKey or ""))
    assert "rolled-back" in verify(signed_anchored)


def test_a_swapped_key_that_re_signs_everything_is_wrong_key(signed_anchored: Store) -> None:
    root = signed_anchored.root
    assert run_govctl(root, "audit", "keygen", "--force").returncode == 0
    rows = payloads(signed_anchored)
    rows[0] = (1, rows[0][1].replace("alice", "mallo"))
    rewrite_files(signed_anchored, rechain(signed_anchored, rows),
                  Path(signed_anchored.settings.signingKey or ""))
    commit_all(root, "new key, new history")  # even committed: the first key stays pinned
    kinds = verify(signed_anchored)
    assert "wrong-key" in kinds
    done = cli_verify(signed_anchored)
    assert done.returncode == 4 and "wrong-key" in done.stdout


def test_deleting_the_public_key_from_the_config_is_reported(signed_anchored: Store) -> None:
    write_config(signed_anchored.root)
    settings = AuditSettings()
    problems = verify_audit(settings, signed_anchored.root).problems
    assert [p.kind for p in problems] == ["key-removed"]
    done = cli_verify(signed_anchored)
    assert done.returncode == 4 and "key-removed" in done.stderr


def test_deleting_the_public_key_file_is_reported(signed_anchored: Store) -> None:
    (signed_anchored.root / "audits" / "audit.pub.pem").unlink()
    done = cli_verify(signed_anchored)
    assert done.returncode == 4 and "key-removed" in done.stderr


def test_rotate_key_keeps_the_trail_verifiable(signed_anchored: Store, tmp_path: Path) -> None:
    root = signed_anchored.root
    new_key = tmp_path / "keys" / "next.pem"
    done = run_govctl(root, "audit", "rotate-key", "--new-private-key", str(new_key))
    assert done.returncode == 0, done.stderr
    assert list((root / "audits" / "key-rotations").glob("*.json"))
    commit_all(root, "rotate the audit key")
    rotated = AuditSettings(signingKey=str(new_key), publicKey="audits/audit.pub.pem")
    Store(root, rotated, FakeClock()).record(2)
    commit_all(root)
    assert verify_audit(rotated, root).ok
    # Without the statement the new key is not trusted.
    shutil.rmtree(root / "audits" / "key-rotations")
    assert "wrong-key" in [p.kind for p in verify_audit(rotated, root).problems]


def test_the_local_trail_is_unsigned_and_verifies_with_a_key_configured(
        signed_anchored: Store) -> None:
    root = signed_anchored.root
    local = {"GOVCTL_AUDIT_ROLE": "local"}
    done = run_govctl(root, "audit", "checkpoint", env=local)
    assert done.returncode == 0 and "unsigned checkpoint" in done.stdout
    assert "local trail" in done.stdout
    assert run_govctl(root, "audit", "verify", "--local", env=local).returncode == 0
    # ... and the authoritative trail was not touched.
    assert verify(signed_anchored) == []


def test_a_configured_anchor_branch_is_used_and_must_exist(anchored: Store) -> None:
    git(anchored.root, "branch", "-m", "main", "trunk")
    git(anchored.root, "checkout", "-q", "-b", "elsewhere")
    git(anchored.root, "rm", "-q", "-r", "audits/checkpoints")
    commit_all(anchored.root, "no checkpoints on this branch")
    git(anchored.root, "checkout", "-q", "trunk", "--", "audits/checkpoints")  # work tree only
    on_trunk = AuditSettings(branch="trunk")
    assert verify_audit(on_trunk, anchored.root).ok  # trunk's history, not HEAD's
    kinds = [p.kind for p in verify_audit(AuditSettings(), anchored.root).problems]
    assert "checkpoint-deleted" in kinds  # HEAD's own history deletes them
    with pytest.raises(AuditIntegrityError) as caught:
        verify_audit(AuditSettings(branch="nope"), anchored.root)
    assert caught.value.kind == "unanchored"
