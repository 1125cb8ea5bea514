"""The auditor's CLI: log filters, read-only query, keygen and signed checkpoints, verify
events, and a missing store."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from govctl.audit.api import EventDraft, record_events

from .conftest import FakeClock, Store, run_govctl, write_config


def seed(store: Store) -> None:
    store.record(2, actor="alice")
    store.record(1, actor="bob", type_="impact")
    record_events(store.settings, store.root, [EventDraft(
        type="check", actor="carol", findings=[{"rule": "GOV-RES-002", "ref": "Deployment/x"}])],
        clock=FakeClock(store.clock.moment.replace(day=25)))


def test_log_filters(store: Store) -> None:
    seed(store)

    def seqs(*args: str) -> list[int]:
        done = run_govctl(store.root, "audit", "log", "--format", "json", *args)
        assert done.returncode == 0, done.stderr
        return [e["seq"] for e in json.loads(done.stdout)["events"]]

    assert seqs() == [1, 2, 3, 4]
    assert seqs("--type", "impact") == [3]
    assert seqs("--type", "impact", "--type", "check") == [1, 2, 3, 4]
    assert seqs("--actor", "carol") == [4]
    assert seqs("--artifact", "Deployment/x") == [4]
    assert seqs("--artifact", "app-prod") == [1, 2, 3]
    assert seqs("--since", "2026-11-25") == [4]
    assert seqs("--until", "2026-11-20") == [1, 2, 3]
    assert seqs("--limit", "2") == [3, 4]
    text = run_govctl(store.root, "audit", "log", "--type", "impact")
    assert "impact" in text.stdout and "bob" in text.stdout
    bad = run_govctl(store.root, "audit", "log", "--type", "deploy")
    assert bad.returncode == 2 and "unknown event type" in bad.stderr
    bad_time = run_govctl(store.root, "audit", "log", "--since", "last tuesday")
    assert bad_time.returncode == 2


def test_query_is_read_only(store: Store) -> None:
    seed(store)
    done = run_govctl(store.root, "audit", "query", "--format", "json",
                      "SELECT actor, count(*) AS n FROM events GROUP BY actor ORDER BY actor")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows"][0] == {"actor": "alice", "n": 2}
    for sql, word in [("DELETE FROM event_log", "DELETE"), ("DROP TABLE event_log", "DROP"),
                      ("UPDATE event_log SET seq = 1", "UPDATE"),
                      ("COPY event_log TO 'x.csv'", "COPY")]:
        bad = run_govctl(store.root, "audit", "query", sql)
        assert bad.returncode == 2, sql
        assert f"read-only: {word} statements are rejected" in bad.stderr
    files = run_govctl(store.root, "audit", "query", "SELECT * FROM read_csv('govctl.yaml')")
    assert files.returncode == 2 and "disabled" in files.stderr
    assert store.sql("SELECT count(*) FROM event_log") == [(4,)]


def test_keygen_then_signed_checkpoints_and_verify_events(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    private = tmp_path / "secret" / "key.pem"
    write_config(root, f"{{signingKey: {private}, publicKey: audits/key.pub.pem}}")
    done = run_govctl(root, "audit", "keygen")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert (root / "audits" / "key.pub.pem").read_text().startswith("-----BEGIN PUBLIC KEY")
    again = run_govctl(root, "audit", "keygen")
    assert again.returncode == 2 and "--force" in again.stderr

    cp = run_govctl(root, "audit", "checkpoint")
    assert cp.returncode == 0 and "signed checkpoint" in cp.stdout
    verified = run_govctl(root, "audit", "verify", "--no-git")
    assert verified.returncode == 0, verified.stderr
    assert "verified: ok" in verified.stdout
    quiet = run_govctl(root, "audit", "verify", "--no-git", "--no-record", "--format", "json")
    assert json.loads(quiet.stdout)["size"] == 2  # checkpoint + verify events
    files = sorted((root / "audits" / "checkpoints").glob("*.json"))
    assert len(files) == 2
    assert all(json.loads(f.read_text())["signature"] for f in files)
    log = json.loads(run_govctl(root, "audit", "log", "--format", "json").stdout)["events"]
    assert [e["type"] for e in log] == ["checkpoint", "verify"]
    assert log[1]["details"]["result"] == "ok" and log[1]["actor"] == "tester"


def test_commands_on_a_missing_store(store: Store) -> None:
    done = run_govctl(store.root, "audit", "log")
    assert done.returncode == 2 and "no audit store" in done.stderr
    verify = run_govctl(store.root, "audit", "verify", "--no-git")
    assert verify.returncode == 0 and "0 events" in verify.stdout
    assert not store.db.exists()  # nothing to verify, nothing recorded
