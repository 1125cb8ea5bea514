"""Exports with a manifest, verified offline; tampered exports are caught."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from govctl.audit.api import verify_audit
from govctl.audit.export import export_events
from govctl.audit.query import parse_time_bound

from .conftest import Store, assert_verifiers_agree, chain_hash, run_govctl


def export(store: Store, out: Path, fmt: str, since: str | None = None,
           until: str | None = None) -> Path:
    export_events(store.db, shown="db", timeout=5, out_dir=out, fmt=fmt,
                  since=since, until=until, created_at="2026-11-22T00:00:00.000000Z")
    return out


def check(store: Store, out: Path):  # type: ignore[no-untyped-def]
    return verify_audit(store.settings, store.root, out, no_git=True)


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_round_trip_verifies(store: Store, tmp_path: Path, fmt: str) -> None:
    for _ in range(3):
        store.record(4, actor='quote " comma , newline-free ✓')
    out = export(store, tmp_path / "exp", fmt)
    manifest = json.loads((out / "manifest.json").read_text())
    name = manifest["files"][0]["name"]
    assert name == f"events.{fmt}"
    assert manifest["files"][0]["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
    assert manifest["range"]["firstSeq"] == 1 and manifest["range"]["lastSeq"] == 12
    assert manifest["database"]["size"] == 12
    report = check(store, out)
    assert report.ok, report.problems
    assert report.checkpoints_checked == 3
    assert_verifiers_agree(report)


def test_time_window_exports_a_contiguous_verifiable_segment(store: Store, tmp_path: Path) -> None:
    for _ in range(3):
        store.record(4)
    times = [r[0] for r in store.sql("SELECT time FROM events ORDER BY seq")]
    out = export(store, tmp_path / "exp", "parquet", since=times[4], until=times[8])
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["range"]["firstSeq"], manifest["range"]["lastSeq"]) == (5, 12)
    assert manifest["range"]["prevHash"] == store.row(4)[2]
    report = check(store, out)
    assert report.ok, report.problems
    assert report.checkpoints_checked == 3  # sizes 4 (= prevHash), 8 and 12


def test_modified_export_file_is_caught(store: Store, tmp_path: Path) -> None:
    store.record(4)
    out = export(store, tmp_path / "exp", "jsonl")
    path = out / "events.jsonl"
    path.write_text(path.read_text().replace("alice", "mallo"))
    assert [p.kind for p in check(store, out).problems] == ["file-modified"]


def test_a_manifest_naming_a_file_outside_the_export_is_caught(
    store: Store, tmp_path: Path
) -> None:
    store.record(4)
    real = export(store, tmp_path / "real", "jsonl")
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    manifest = json.loads((real / "manifest.json").read_text())
    manifest["files"][0]["name"] = "../real/events.jsonl"
    (decoy / "manifest.json").write_text(json.dumps(manifest))
    assert [p.kind for p in check(store, decoy).problems] == ["foreign-file"]


def test_rechained_export_with_a_fresh_manifest_is_caught_by_checkpoints(
    store: Store, tmp_path: Path
) -> None:
    for _ in range(2):
        store.record(4)
    out = export(store, tmp_path / "exp", "csv")
    con = duckdb.connect()
    rows = con.execute(f"SELECT * FROM read_csv('{out / 'events.csv'}') ORDER BY seq").fetchall()
    prev, forged = "0" * 64, []
    for seq, _, _, payload in rows:
        payload = payload.replace("alice", "mallo")
        digest = chain_hash(seq, prev, payload)
        forged.append((seq, prev, digest, payload))
        prev = digest
    con.execute("CREATE TABLE f (seq BIGINT, prev_hash VARCHAR, hash VARCHAR, payload VARCHAR)")
    con.executemany("INSERT INTO f VALUES (?, ?, ?, ?)", forged)
    con.execute(f"COPY f TO '{out / 'events.csv'}' (FORMAT csv, HEADER true)")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"][0]["sha256"] = hashlib.sha256((out / "events.csv").read_bytes()).hexdigest()
    manifest["range"]["headHash"] = prev
    (out / "manifest.json").write_text(json.dumps(manifest))
    report = check(store, out)
    assert report.sql is not None and report.sql.ok
    assert {(p.kind, p.seq) for p in report.problems} == {("replaced", 4), ("replaced", 8)}


def test_cli_export_and_verify(store: Store, tmp_path: Path) -> None:
    store.record(3)
    done = run_govctl(store.root, "audit", "export", "--format", "parquet", "-o",
                      str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "exported events 1..3" in done.stdout
    ok = run_govctl(store.root, "audit", "verify", "--no-git", "--export", str(tmp_path / "out"))
    assert ok.returncode == 0, ok.stderr
    (tmp_path / "out" / "events.parquet").write_bytes(b"garbage")
    bad = run_govctl(store.root, "audit", "verify", "--no-git", "--export", str(tmp_path / "out"))
    assert bad.returncode == 4 and "file-modified" in bad.stderr


def test_default_export_folder_under_audits_exports(store: Store) -> None:
    store.record(2)
    done = run_govctl(store.root, "audit", "export", "--format", "jsonl",
                      "--since", "2026-11-20", "--until", "2026-11-20")
    assert done.returncode == 0, done.stderr
    (folder,) = (store.root / "audits" / "exports").iterdir()
    assert folder.name.endswith("-jsonl")
    assert json.loads((folder / "manifest.json").read_text())["since"] == parse_time_bound(
        "2026-11-20")
