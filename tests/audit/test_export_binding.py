"""Exports are bound to a checkpoint and, inside the repository, to the committed ones: empty,
foreign, truncated, unanchored and malformed exports are exit 4 with one line saying why."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from govctl.models.config import AuditSettings

from .conftest import FakeClock, Store, run_govctl
from .test_git_anchor import anchored, commit_all, new_repo  # noqa: F401  (fixture)


def export(store: Store, out: Path, fmt: str = "jsonl") -> Path:
    done = run_govctl(store.root, "audit", "export", "--format", fmt, "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out


def verify_export(store: Store, out: Path) -> tuple[int, str]:
    done = run_govctl(store.root, "audit", "verify", "--export", str(out))
    return done.returncode, done.stderr.strip()


def edit_manifest(out: Path, **changes: object) -> dict[str, object]:
    manifest = json.loads((out / "manifest.json").read_text())
    manifest.update(changes)
    (out / "manifest.json").write_text(json.dumps(manifest))
    return manifest


def one_line_exit_4(code: int, err: str, words: str) -> None:
    assert code == 4, err
    assert len(err.splitlines()) == 1 and words in err and "Traceback" not in err


def test_an_export_carries_its_checkpoint_and_verifies(anchored: Store, tmp_path: Path  # noqa: F811
                                                       ) -> None:
    out = export(anchored, tmp_path / "exp", "parquet")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["checkpoint"]["size"] == manifest["range"]["lastSeq"] == 12
    assert manifest["checkpoint"]["head"] == manifest["range"]["headHash"]
    code, err = verify_export(anchored, out)
    assert code == 0, err


@pytest.mark.parametrize("change", [{"files": []}, {"range": None}])
def test_an_empty_export_fails(anchored: Store, tmp_path: Path,  # noqa: F811
                               change: dict[str, object]) -> None:
    out = export(anchored, tmp_path / "exp")
    edit_manifest(out, **change)
    one_line_exit_4(*verify_export(anchored, out), "empty")


@pytest.mark.parametrize("field,value", [("firstSeq", "abc"), ("lastSeq", None),
                                         ("prevHash", 7), ("headHash", "zz")])
def test_malformed_manifest_fields_are_exit_4(anchored: Store, tmp_path: Path,  # noqa: F811
                                             field: str, value: object) -> None:
    out = export(anchored, tmp_path / "exp")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["range"][field] = value
    (out / "manifest.json").write_text(json.dumps(manifest))
    one_line_exit_4(*verify_export(anchored, out), f"range.{field}")


def test_a_manifest_that_is_not_json_is_exit_4(anchored: Store, tmp_path: Path  # noqa: F811
                                               ) -> None:
    out = export(anchored, tmp_path / "exp")
    (out / "manifest.json").write_text("{not json")
    one_line_exit_4(*verify_export(anchored, out), "(malformed-manifest)")


def test_a_symlinked_data_file_is_foreign(anchored: Store, tmp_path: Path) -> None:  # noqa: F811
    out = export(anchored, tmp_path / "exp")
    elsewhere = tmp_path / "elsewhere.jsonl"
    (out / "events.jsonl").rename(elsewhere)
    (out / "events.jsonl").symlink_to(elsewhere)
    code, err = verify_export(anchored, out)
    one_line_exit_4(code, err, "(foreign-file)")


def test_a_dropped_tail_with_an_edited_manifest_is_truncated(anchored: Store,  # noqa: F811
                                                             tmp_path: Path) -> None:
    out = export(anchored, tmp_path / "exp")
    lines = (out / "events.jsonl").read_text().splitlines()[:10]
    (out / "events.jsonl").write_text("\n".join(lines) + "\n")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["range"]["lastSeq"] = 10
    manifest["range"]["headHash"] = json.loads(lines[-1])["hash"]
    manifest["files"][0]["sha256"] = hashlib.sha256((out / "events.jsonl").read_bytes()
                                                    ).hexdigest()
    (out / "manifest.json").write_text(json.dumps(manifest))
    one_line_exit_4(*verify_export(anchored, out), "(truncated)")


def test_a_forged_export_of_another_origin_is_foreign(anchored: Store,  # noqa: F811
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    forger = tmp_path / "forger"
    new_repo(forger)
    forged = Store(forger, AuditSettings(), FakeClock())
    forged.record(12, actor="mallory")
    commit_all(forger)
    out = export(forged, tmp_path / "forged")
    assert verify_export(forged, out)[0] == 0  # fine where it came from
    one_line_exit_4(*verify_export(anchored, out), "(foreign-origin)")


def test_an_export_nothing_committed_binds_is_unanchored(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVCTL_AUDIT_ROLE", "recorder")
    root = tmp_path / "repo"
    new_repo(root)
    store = Store(root, AuditSettings(), FakeClock())
    store.record(3)  # checkpoint written but never committed
    out = export(store, tmp_path / "exp")
    one_line_exit_4(*verify_export(store, out), "(unanchored)")
