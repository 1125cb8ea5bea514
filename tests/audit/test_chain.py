"""The chain formula, the canonical payload, migrations and the append path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
import rfc8785

from govctl.audit.api import EventDraft, record_events
from govctl.audit.chain import GENESIS_PREV_HASH, scan_python, scan_sql
from govctl.audit.migrations import MIGRATIONS
from govctl.audit.payload import json_safe
from govctl.errors import UsageError

from .conftest import Store, assert_verifiers_agree, chain_hash


def test_chain_matches_the_spec_formula(store: Store) -> None:
    store.record(3)
    rows = store.sql("SELECT seq, prev_hash, hash, payload FROM event_log ORDER BY seq")
    prev = "0" * 64
    for expected_seq, (seq, prev_hash, digest, payload) in enumerate(rows, start=1):
        assert seq == expected_seq
        assert prev_hash == prev
        assert digest == chain_hash(seq, prev, payload)
        prev = digest
    assert GENESIS_PREV_HASH == "0" * 64


def test_payload_is_the_rfc8785_text_stored_byte_for_byte(store: Store) -> None:
    record_events(store.settings, store.root, [EventDraft(
        type="check", actor="Zoë ✓", decision={"cost": 12.5, "ratio": 1.0, "big": 2**60,
                                              "z": "\U0001f600", "a": [1, None, True]},
        now="2026-11-22T00:00:00+00:00")], clock=store.clock)
    (payload,) = store.sql("SELECT payload FROM event_log")[0]
    parsed = json.loads(payload)
    assert rfc8785.dumps(parsed).decode() == payload  # already canonical: re-encoding is stable
    assert parsed["decision"] == {"a": [1, None, True], "big": str(2**60), "cost": "12.5",
                                  "ratio": "1.0", "z": "\U0001f600"}
    assert parsed["actor"] == "Zoë ✓"
    report = store.verify()
    assert report.ok
    assert_verifiers_agree(report)


def test_floats_are_converted_to_strings_and_odd_types_rejected() -> None:
    assert json_safe({"a": [0.1, float("nan"), -0.0]}) == {"a": ["0.1", "nan", "-0.0"]}
    with pytest.raises(UsageError, match=r"decision\.when"):
        json_safe({"when": Path("x")}, "decision")
    with pytest.raises(UsageError, match="not a string"):
        json_safe({1: "x"})


def test_unknown_event_type_and_empty_actor_are_rejected(store: Store) -> None:
    with pytest.raises(UsageError, match="event type"):
        record_events(store.settings, store.root,
                      [EventDraft(type="deploy", actor="a")])  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="actor"):
        record_events(store.settings, store.root, [EventDraft(type="check", actor="")])
    assert not store.db.exists()


def test_migrations_are_recorded_and_run_once(store: Store) -> None:
    store.record(1)
    store.record(1)
    names = [r[0] for r in store.sql("SELECT name FROM _migrations ORDER BY name")]
    assert names == [name for name, _ in MIGRATIONS]


def test_each_run_shares_a_run_id_and_gets_one_checkpoint(store: Store) -> None:
    first = store.record(3)
    second = store.record(2)
    assert (first.first_seq, first.last_seq, second.first_seq, second.last_seq) == (1, 3, 4, 5)
    runs = store.sql("SELECT run, count(*) FROM events GROUP BY run ORDER BY min(seq)")
    assert [(r, n) for r, n in runs] == [(first.run, 3), (second.run, 2)]
    assert store.sql("SELECT size, head FROM checkpoints ORDER BY size") == [
        (3, first.head), (5, second.head)]
    files = sorted(p.name for p in store.checkpoints.iterdir())
    assert files == [first.checkpoint_file.name, second.checkpoint_file.name]
    data = json.loads(second.checkpoint_file.read_text())
    assert data["size"] == 5 and data["head"] == second.head and data["signature"] is None


def test_event_fields_in_the_view(store: Store) -> None:
    record_events(store.settings, store.root, [EventDraft(
        type="check", actor="ci", commit="abc123", ref="refs/heads/main",
        registry_digest="sha256:" + "1" * 64, policy_digest="sha256:" + "2" * 64,
        engine_name="embedded", engine_version="1.5.2", now="2026-11-22T00:00:00+00:00",
        decision={"exitCode": 1}, findings=[{"rule": "GOV-RES-002", "ref": "Deployment/x"}],
        artifacts=["Prompt/p@1.0.0"])], clock=store.clock)
    row = store.sql("SELECT type, actor, git_commit, git_ref, registry_digest, policy_digest, "
                    "engine_name, engine_version, govctl_version, input_now, artifacts "
                    "FROM events")[0]
    assert row == ("check", "ci", "abc123", "refs/heads/main", "sha256:" + "1" * 64,
                   "sha256:" + "2" * 64, "embedded", "1.5.2", "0.1.0",
                   "2026-11-22T00:00:00+00:00", ["Deployment/x", "Prompt/p@1.0.0"])


def test_sql_and_python_scans_on_an_empty_table() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (seq BIGINT, prev_hash VARCHAR, hash VARCHAR, payload VARCHAR)")
    assert scan_sql(con, "t") == scan_python(con, "t")
    assert scan_sql(con, "t").rows == 0 and scan_sql(con, "t").ok


def test_nulls_fail_both_verifiers_alike(store: Store) -> None:
    store.record(3)
    con = duckdb.connect()
    con.execute(f"ATTACH '{store.db}' AS s (READ_ONLY)")
    con.execute("CREATE TABLE t AS SELECT * FROM s.event_log ORDER BY seq")
    con.execute("UPDATE t SET hash = NULL WHERE seq = 2")
    sql, py = scan_sql(con, "t"), scan_python(con, "t")
    assert sql == py
    assert sql.first_break is not None and sql.first_break.position == 2


def _chain(count: int) -> list[tuple[object, object, object, object]]:
    from govctl.audit.chain import GENESIS_PREV_HASH, chain_hash

    rows: list[tuple[object, object, object, object]] = []
    previous = GENESIS_PREV_HASH
    for seq in range(1, count + 1):
        payload = f'{{"n":{seq}}}'
        digest = chain_hash(seq, previous, payload)
        rows.append((seq, previous, digest, payload))
        previous = digest
    return rows


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: (r[0] + 1, r[1], r[2], r[3]),  # sequence gap
        lambda r: (r[0], "f" * 64, r[2], r[3]),  # link
        lambda r: (r[0], r[1], r[2], r[3] + " "),  # content
        lambda r: (float(r[0]), r[1], r[2], r[3]),  # a seq that only compares equal
        lambda r: (r[0], r[1], r[2], None),  # no payload
    ],
)
def test_clean_scan_gives_up_exactly_where_scan_rows_finds_a_break(mutate: Any) -> None:
    from govctl.audit.chain import clean_scan, scan_rows

    rows = _chain(5)
    assert clean_scan([rows[:2], rows[2:]]) == scan_rows(rows)
    assert scan_rows(rows).ok and scan_rows(rows).rows == 5
    rows[3] = mutate(rows[3])
    assert clean_scan([rows[:2], rows[2:]]) is None
    assert scan_rows(rows).first_break is not None


def test_clean_scan_of_an_empty_table_matches_scan_rows() -> None:
    from govctl.audit.chain import clean_scan, scan_rows

    assert clean_scan([]) == scan_rows([]) == clean_scan([[]])
