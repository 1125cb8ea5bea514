"""Cache files in the work tree are untrusted: a rewritten, truncated, copied or special file is
a miss, never a result (docs/fail-closed.md, docs/ARCHITECTURE.md "Cache threat model")."""

from __future__ import annotations

import marshal
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govctl.cache import MAC_BYTES, MAGIC
from govctl.cache_key import KEY_FILE
from tests.conftest import NOW
from tests.pipeline.test_check_pipeline import repo_files, run


def _store(root: Path, kind: str) -> Path:
    (path,) = (root / ".govctl-cache").glob(f"{kind}-*.bin")
    return path


def _shards(root: Path, kind: str) -> list[Path]:
    """Every file of a sharded store (parse, results) that a run wrote."""
    paths = sorted((root / ".govctl-cache").glob(f"{kind}-*-*.bin"))
    assert paths
    return paths


def _entries(path: Path) -> tuple[int, dict[str, tuple[int, object]]]:
    data = path.read_bytes()
    assert data.startswith(MAGIC)
    generation, entries = marshal.loads(data[len(MAGIC) + MAC_BYTES :])
    return generation, entries


def _drop_run_summary(root: Path) -> None:
    """Remove the whole-run stores, so the next run asks the per-subject results store."""
    _store(root, "runs").unlink()
    _store(root, "state").unlink()


def _forge(path: Path, generation: int, entries: dict[str, tuple[int, object]], mac: bytes) -> None:
    """What an attacker who can write the work tree can do: a consistent re-marshal of forged
    entries, under the old MAC or under none (the pre-authentication format)."""
    payload = marshal.dumps((generation, entries))
    path.write_bytes(MAGIC + mac + payload if mac else payload)


@pytest.mark.parametrize("mac", ["kept", "none"])
def test_forged_no_findings_results_do_not_turn_a_failing_repository_green(
    make_repo, mac: str
) -> None:
    root = make_repo(repo_files())
    first = run(root)
    assert first.exit_code == 1 and first.evaluated == 4
    for path in _shards(root, "results"):
        old_mac = path.read_bytes()[len(MAGIC) : len(MAGIC) + MAC_BYTES]
        generation, entries = _entries(path)
        forged = {key: (used, ()) for key, (used, _) in entries.items()}  # "no findings"
        _forge(path, generation, forged, old_mac if mac == "kept" else b"")
    _drop_run_summary(root)
    again = run(root)
    assert again.exit_code == 1 and again.findings == first.findings
    assert again.evaluated == 4 and again.cached == 0  # every forged entry was a miss


def test_forged_parse_record_does_not_hide_a_broken_file(make_repo) -> None:
    broken = "apiVersion: govctl/v1\nkind: Model\nmetadata: [\n"
    root = make_repo(repo_files(**{"registry/models/broken.yaml": broken}))
    first = run(root)
    assert "GOV-REG-001" in {f.rule for f in first.findings}
    for path in _shards(root, "parse"):
        old_mac = path.read_bytes()[len(MAGIC) : len(MAGIC) + MAC_BYTES]
        generation, entries = _entries(path)
        # Strip every problem from every cached file record (records: sha, documents, problems).
        forged = {
            key: (used, (value[0], value[1], ()) if key.startswith("f") else value)
            for key, (used, value) in entries.items()
        }
        _forge(path, generation, forged, old_mac)
    assert "GOV-REG-001" in {f.rule for f in run(root).findings}


def test_truncated_and_copied_stores_are_misses(make_repo, tmp_path: Path) -> None:
    root = make_repo(repo_files())
    run(root)
    other = tmp_path / "other"
    shutil.copytree(root, other)
    shutil.rmtree(other / ".govctl-cache")
    run(other)  # the other repository's own, genuine store...
    paths = _shards(root, "results")
    for path in paths:
        shutil.copy(other / ".govctl-cache" / path.name, path)  # ...is not this repository's
    _drop_run_summary(root)
    assert run(root).evaluated == 4
    for path in paths:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    _drop_run_summary(root)
    assert run(root).evaluated == 4
    assert run(root).evaluated == 0  # and the rewritten store is genuine again


@pytest.mark.parametrize("how", ["mac kept", "no mac", "truncated", "copied"])
def test_a_forged_run_summary_is_a_miss(make_repo, tmp_path: Path, how: str) -> None:
    root = make_repo(repo_files())
    first = run(root)
    assert first.exit_code == 1 and first.evaluated == 4
    assert run(root).evaluated == 0  # the genuine summary answers
    path = _store(root, "runs")
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "copied":  # another repository's genuine summary of the same files
        other = tmp_path / "other"
        shutil.copytree(root, other)
        shutil.rmtree(other / ".govctl-cache")
        run(other)
        shutil.copy(_store(other, "runs"), path)
    else:
        generation, entries = _entries(path)
        forged = {
            key: (used, tuple((i, ()) for i, _ in value)) for key, (used, value) in entries.items()
        }
        _forge(
            path,
            generation,
            forged,
            data[len(MAGIC) : len(MAGIC) + MAC_BYTES] if how == "mac kept" else b"",
        )
    again = run(root)
    assert again.exit_code == 1 and again.findings == first.findings
    assert again.evaluated == 0 and again.cached == 4  # the per-subject results store answered


def test_a_cache_folder_that_is_a_symlink_or_holds_a_fifo_is_not_used(
    make_repo, tmp_path: Path
) -> None:
    root = make_repo(repo_files())
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".govctl-cache").symlink_to(outside)
    assert run(root).exit_code == 1 and run(root).evaluated == 4
    assert list(outside.iterdir()) == []  # nothing written through the link
    (root / ".govctl-cache").unlink()
    run(root)
    for path in _shards(root, "results"):
        path.unlink()
        os.mkfifo(path)
    # A FIFO in place of a store never blocks the run (a subprocess, so a hang fails by timeout).
    done = subprocess.run(
        [sys.executable, "-m", "govctl", "-C", str(root), "check", "--now", NOW, "--no-audit"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr


def test_the_key_is_created_private_outside_the_repository(make_repo, tmp_path: Path) -> None:
    folder = tmp_path / "keys" / "govctl"
    root = make_repo(repo_files())
    env = {**os.environ, "GOVCTL_CACHE_KEY_DIR": str(folder)}
    cmd = [sys.executable, "-m", "govctl", "-C", str(root), "check", "--now", NOW, "--no-audit"]
    for _ in range(2):
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
        assert done.returncode == 1, done.stderr
    key = folder / KEY_FILE
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    # A key others may read is not trusted: the run goes on without a cache, still failing.
    key.chmod(0o644)
    stats = subprocess.run([*cmd, "--stats"], capture_output=True, text=True, timeout=120, env=env)
    assert stats.returncode == 1 and "evaluated 4, cached 0" in stats.stderr


@pytest.mark.parametrize("mac", ["kept", "none"])
def test_a_forged_stat_index_does_not_hide_an_edit(
    make_repo, monkeypatch: pytest.MonkeyPatch, mac: str
) -> None:
    """The index claims an edited file still has the identity and hash it had before: the claim
    does not verify, so the file is read and the edit is seen."""
    from govctl.loader import statindex

    monkeypatch.setattr(statindex, "RACY_MARGIN_NS", 200_000_000)
    root = make_repo(repo_files())
    time.sleep(0.25)
    first = run(root)
    assert first.exit_code == 1
    path = _store(root, "stat")
    old_mac = path.read_bytes()[len(MAGIC) : len(MAGIC) + MAC_BYTES]
    generation, entries = _entries(path)
    d1 = root / "registry/deployments/d1.yaml"
    _, recorded = entries["registry/deployments/d1.yaml"]
    d1.write_text(d1.read_text() + "  auth: {required: true}\n")  # the failing finding is fixed
    now = d1.stat()
    identity = (now.st_size, now.st_mtime_ns, now.st_ctime_ns, now.st_ino, now.st_dev)
    entries["registry/deployments/d1.yaml"] = (generation, (*identity, recorded[5]))
    _forge(path, generation, entries, old_mac if mac == "kept" else b"")
    again = run(root)
    assert "Deployment/d1" not in {f.ref for f in again.findings if f.rule == "TST-SEC-001"}
    assert again.findings == run(root, use_cache=False).findings
