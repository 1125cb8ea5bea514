"""The tamper matrix: every kind of damage is detected, named, and located, and the
SQL and Python verifiers agree on each case."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from govctl.audit.api import EventDraft, record_events
from govctl.audit.checkpoints import (
    Checkpoint,
    generate_keypair,
    load_private_key,
    sign,
    write_checkpoint_file,
)
from govctl.audit.query import run_query
from govctl.audit.verify import VerifyReport
from govctl.errors import AuditIntegrityError

from .conftest import Store, assert_verifiers_agree, chain_hash, run_govctl


def three_runs(store: Store) -> None:
    for _ in range(3):  # 12 events, checkpoints at 4, 8 and 12
        store.record(4)


def first(report: VerifyReport) -> tuple[str, int | None]:
    problem = report.first_problem()
    assert problem is not None, "tampering went undetected"
    return problem.kind, problem.seq


def test_untouched_store_verifies(signed_store: Store) -> None:
    three_runs(signed_store)
    report = signed_store.verify()
    assert report.ok, report.problems
    assert report.size == 12 and report.checkpoints_checked == 3
    assert_verifiers_agree(report)


def test_payload_modified(signed_store: Store) -> None:
    three_runs(signed_store)
    signed_store.sql("UPDATE event_log SET payload = replace(payload, 'alice', 'mallory') "
                     "WHERE seq = 5")
    report = signed_store.verify()
    assert first(report) == ("modified", 5)
    assert report.sql is not None and report.sql.first_break is not None
    assert report.sql.first_break.position == 5 and not report.sql.first_break.content_ok
    assert_verifiers_agree(report)


def test_payload_modified_with_hash_recomputed(signed_store: Store) -> None:
    three_runs(signed_store)
    seq, prev, _, payload = signed_store.row(5)
    forged = payload.replace("alice", "mallory")
    signed_store.sql("UPDATE event_log SET payload = ?, hash = ? WHERE seq = 5",
                     [forged, chain_hash(seq, prev, forged)])
    report = signed_store.verify()
    assert first(report) == ("rehashed", 5)
    assert_verifiers_agree(report)


def test_last_event_rehashed_is_caught_by_the_checkpoint(signed_store: Store) -> None:
    three_runs(signed_store)
    seq, prev, _, payload = signed_store.row(12)
    forged = payload.replace("alice", "mallory")
    signed_store.sql("UPDATE event_log SET payload = ?, hash = ? WHERE seq = 12",
                     [forged, chain_hash(seq, prev, forged)])
    report = signed_store.verify()
    assert report.sql is not None and report.sql.ok  # the chain alone cannot see it
    assert first(report) == ("replaced", 12)
    assert_verifiers_agree(report)


def test_row_deleted(signed_store: Store) -> None:
    three_runs(signed_store)
    signed_store.sql("DELETE FROM event_log WHERE seq = 5")
    report = signed_store.verify()
    assert first(report) == ("deleted", 5)
    assert_verifiers_agree(report)


def test_rows_renumbered_after_a_delete(signed_store: Store) -> None:
    three_runs(signed_store)
    signed_store.sql("DELETE FROM event_log WHERE seq = 5")
    signed_store.sql("UPDATE event_log SET seq = seq - 1 WHERE seq > 5")
    report = signed_store.verify()
    assert first(report) == ("renumbered", 5)
    assert_verifiers_agree(report)


def test_tail_truncated(signed_store: Store) -> None:
    three_runs(signed_store)
    signed_store.sql("DELETE FROM event_log WHERE seq > 9")
    report = signed_store.verify()
    assert report.sql is not None and report.sql.ok
    assert first(report) == ("truncated", 10)
    kinds = {p.kind for p in report.problems}
    assert "rolled-back" in kinds  # the checkpoint file of size 12 sees it too
    assert_verifiers_agree(report)


def test_two_rows_swapped(signed_store: Store) -> None:
    three_runs(signed_store)
    signed_store.sql("UPDATE event_log SET seq = CASE seq WHEN 6 THEN 7 ELSE 6 END "
                     "WHERE seq IN (6, 7)")
    report = signed_store.verify()
    assert first(report) == ("swapped", 6)
    assert_verifiers_agree(report)


def test_inserted_event(signed_store: Store) -> None:
    three_runs(signed_store)
    signed_store.sql("UPDATE event_log SET seq = seq + 1 WHERE seq >= 5")
    _, _, prev, payload = signed_store.row(4)
    forged = payload.replace("alice", "mallory")
    signed_store.sql("INSERT INTO event_log VALUES (5, ?, ?, ?)",
                     [prev, chain_hash(5, prev, forged), forged])
    report = signed_store.verify()
    assert first(report) == ("inserted", 5)
    assert_verifiers_agree(report)


def _forge_tail(store: Store) -> None:
    """Chain a forged event onto the real head, hash and all, without a checkpoint."""
    _, _, head, payload = store.row(12)
    forged = payload.replace("alice", "mallory")
    store.sql("INSERT INTO event_log VALUES (13, ?, ?, ?)", [head, chain_hash(13, head, forged), forged])


def test_forged_event_appended_after_the_last_checkpoint(signed_store: Store) -> None:
    three_runs(signed_store)
    _forge_tail(signed_store)
    report = signed_store.verify()
    assert first(report) == ("unsealed", 13)
    assert report.sql is not None and report.sql.first_break is None  # the chain itself holds
    assert_verifiers_agree(report)


def test_writer_refuses_to_seal_a_forged_tail(signed_store: Store) -> None:
    three_runs(signed_store)
    _forge_tail(signed_store)
    with pytest.raises(AuditIntegrityError, match="no checkpoint") as caught:
        signed_store.record(1)
    assert caught.value.kind == "unsealed" and caught.value.first_bad_seq == 13
    assert signed_store.sql("SELECT count(*) FROM checkpoints") == [(3,)]
    assert first(signed_store.verify()) == ("unsealed", 13)


def rechain_from(store: Store, start: int) -> None:
    """Forge: alter event ``start`` and recompute every later hash, checkpoints included."""
    rows = store.sql("SELECT seq, prev_hash, hash, payload FROM event_log ORDER BY seq")
    prev = rows[start - 2][2] if start > 1 else "0" * 64
    for seq, _, _, payload in rows[start - 1:]:
        if seq == start:
            payload = payload.replace("alice", "mallory")
        digest = chain_hash(seq, prev, payload)
        store.sql("UPDATE event_log SET prev_hash = ?, hash = ?, payload = ? WHERE seq = ?",
                  [prev, digest, payload, seq])
        store.sql("UPDATE checkpoints SET head = ? WHERE size = ?", [digest, seq])
        prev = digest


def test_database_replaced_by_a_rechained_forgery(signed_store: Store) -> None:
    three_runs(signed_store)
    rechain_from(signed_store, 3)
    report = signed_store.verify()
    assert report.sql is not None and report.sql.ok  # internally consistent forgery
    assert first(report) == ("replaced", 4)
    assert sum(p.kind == "replaced" for p in report.problems) == 3  # sizes 4, 8 and 12
    assert_verifiers_agree(report)


def test_database_replaced_by_a_fresh_store(signed_store: Store, tmp_path: Path) -> None:
    three_runs(signed_store)
    other = tmp_path / "other"
    other.mkdir()
    record_events(signed_store.settings.model_copy(update={"signingKey": None}), other,
                  [EventDraft(type="check", actor="mallory")], clock=signed_store.clock)
    shutil.copy(other / "audits" / "govctl.duckdb", signed_store.db)
    report = signed_store.verify()
    assert {p.kind for p in report.problems} == {"foreign-checkpoint"}


def test_database_rolled_back_to_an_older_copy(signed_store: Store, tmp_path: Path) -> None:
    signed_store.record(4)
    signed_store.record(4)
    backup = tmp_path / "backup.duckdb"
    shutil.copy(signed_store.db, backup)
    signed_store.record(4)
    shutil.copy(backup, signed_store.db)
    report = signed_store.verify()
    assert report.sql is not None and report.sql.ok
    assert first(report) == ("rolled-back", 9)
    assert_verifiers_agree(report)


def test_writer_refuses_to_extend_a_rolled_back_store(signed_store: Store, tmp_path: Path) -> None:
    signed_store.record(4)
    backup = tmp_path / "backup.duckdb"
    shutil.copy(signed_store.db, backup)
    signed_store.record(4)
    shutil.copy(backup, signed_store.db)
    with pytest.raises(AuditIntegrityError, match="rolled back") as caught:
        signed_store.record(1)
    assert caught.value.kind == "rolled-back" and caught.value.first_bad_seq == 5
    assert signed_store.sql("SELECT count(*) FROM event_log") == [(4,)]


def _forged_checkpoint(store: Store, size: int, head: str) -> Checkpoint:
    key = load_private_key(Path(store.settings.signingKey or ""))
    origin = store.sql("SELECT value FROM audit_meta WHERE key = 'origin'")[0][0]
    return sign(Checkpoint(origin, size, head, "2026-11-21T00:00:00.000000Z"), key)


def test_two_signed_checkpoints_of_one_size_disagree(signed_store: Store) -> None:
    three_runs(signed_store)
    write_checkpoint_file(signed_store.checkpoints, _forged_checkpoint(signed_store, 12, "ab" * 32))
    report = signed_store.verify()
    assert first(report) == ("forked", 12)
    # The genuine file agrees with the database: the forged one is a fork, the database was not
    # replaced.
    assert "replaced" not in {p.kind for p in report.problems}


def test_bad_signature(signed_store: Store) -> None:
    three_runs(signed_store)
    path = next(signed_store.checkpoints.glob("000000000008-*.json"))
    data = json.loads(path.read_text())
    data["time"] = "2030-01-01T00:00:00.000000Z"  # altered after signing
    path.write_text(json.dumps(data))
    report = signed_store.verify()
    assert first(report) == ("bad-signature", 8)


def test_signature_bytes_altered(signed_store: Store) -> None:
    three_runs(signed_store)
    path = next(signed_store.checkpoints.glob("000000000004-*.json"))
    data = json.loads(path.read_text())
    raw = bytearray(base64.b64decode(data["signature"]))
    raw[0] ^= 1
    data["signature"] = base64.b64encode(bytes(raw)).decode()
    path.write_text(json.dumps(data))
    assert first(signed_store.verify()) == ("bad-signature", 4)


def test_checkpoint_signed_with_the_wrong_key(signed_store: Store, tmp_path: Path) -> None:
    three_runs(signed_store)
    generate_keypair(tmp_path / "evil.pem", tmp_path / "evil.pub.pem")
    evil = load_private_key(tmp_path / "evil.pem")
    path = next(signed_store.checkpoints.glob("000000000008-*.json"))
    data = json.loads(path.read_text())
    cp = Checkpoint(data["origin"], data["size"], data["head"], data["time"])
    path.write_text(json.dumps(sign(cp, evil).to_json()))
    assert first(signed_store.verify()) == ("wrong-key", 8)


def test_unsigned_checkpoint_when_a_key_is_configured(signed_store: Store) -> None:
    three_runs(signed_store)
    path = next(signed_store.checkpoints.glob("000000000004-*.json"))
    data = json.loads(path.read_text())
    data["signature"] = data["keyId"] = None
    path.write_text(json.dumps(data))
    assert first(signed_store.verify()) == ("unsigned", 4)


def test_deleted_database_with_checkpoints_is_missing(signed_store: Store) -> None:
    three_runs(signed_store)
    signed_store.db.unlink()
    report = signed_store.verify()
    assert [p.kind for p in report.problems] == ["missing"]


@pytest.mark.parametrize("damage", ["modified", "deleted", "rolled-back", "forked"])
def test_cli_exits_4_naming_kind_and_seq(signed_store: Store, damage: str) -> None:
    three_runs(signed_store)
    if damage == "modified":
        signed_store.sql("UPDATE event_log SET payload = payload || ' ' WHERE seq = 7")
        expected = "seq 7 (modified)"
    elif damage == "deleted":
        signed_store.sql("DELETE FROM event_log WHERE seq = 2")
        expected = "seq 2 (deleted)"
    elif damage == "rolled-back":
        signed_store.sql("DELETE FROM event_log WHERE seq > 8")
        signed_store.sql("DELETE FROM checkpoints WHERE size > 8")
        expected = "seq 9 (rolled-back)"
    else:
        write_checkpoint_file(signed_store.checkpoints,
                              _forged_checkpoint(signed_store, 8, "cd" * 32))
        expected = "seq 8 (forked)"
    before = signed_store.sql("SELECT count(*) FROM event_log")
    done = run_govctl(signed_store.root, "audit", "verify", "--no-git")
    assert done.returncode == 4, done.stderr
    assert expected in done.stderr
    assert "verification FAILED" in done.stdout
    # A failed verification does not extend the chain it found broken.
    assert signed_store.sql("SELECT count(*) FROM event_log") == before


def test_a_redefined_events_view_changes_nothing_auditors_see(signed_store: Store) -> None:
    three_runs(signed_store)
    signed_store.sql(
        "CREATE OR REPLACE VIEW events AS SELECT seq, prev_hash, hash, payload, "
        "'alice' AS actor FROM event_log WHERE seq <> 3"
    )
    result = run_query(signed_store.db, shown="store", timeout=5, sql="SELECT seq FROM events")
    assert [r[0] for r in result.rows] == list(range(1, 13))  # govctl's own view, not the stored one
    report = signed_store.verify()
    assert [p.kind for p in report.problems] == ["view-altered"]


def test_an_altered_schema_is_tampering_not_corruption(signed_store: Store) -> None:
    three_runs(signed_store)
    signed_store.sql("ALTER TABLE event_log RENAME COLUMN payload TO body")
    with pytest.raises(AuditIntegrityError, match=r"event_log\.payload") as caught:
        signed_store.verify()
    assert caught.value.kind == "schema-altered"
    done = run_govctl(signed_store.root, "audit", "verify", "--no-git")
    assert done.returncode == 4 and "schema was altered" in done.stderr
    assert "cannot be" not in done.stderr  # not reported as corruption
