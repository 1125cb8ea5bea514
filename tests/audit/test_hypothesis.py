"""Property: whatever single row is mutated, and however, verification fails, both verifiers
agree, and in-place edits are located at the edited row."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govctl.models.config import AuditSettings

from .conftest import FakeClock, Store, assert_verifiers_agree, chain_hash, write_config

SIZE = 12
MUTATIONS = ("payload", "hash", "prev_hash", "rehash", "seq", "delete", "swap", "duplicate")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("base") / "repo"
    root.mkdir()
    write_config(root)
    store = Store(root, AuditSettings(role="recorder"), FakeClock())
    for _ in range(3):
        store.record(4)
    return root


def flip_char(text: str, index: int, alphabet: str) -> str:
    index %= len(text)
    replacement = next(c for c in alphabet if c != text[index])
    return text[:index] + replacement + text[index + 1:]


def mutate(store: Store, kind: str, seq: int, other: int, index: int) -> None:
    _, prev, digest, payload = store.row(seq)
    if kind == "payload":
        store.sql("UPDATE event_log SET payload = ? WHERE seq = ?",
                  [flip_char(payload, index, "xyz{}\"é"), seq])
    elif kind in ("hash", "prev_hash"):
        value = digest if kind == "hash" else prev
        store.sql(f"UPDATE event_log SET {kind} = ? WHERE seq = ?",
                  [flip_char(value, index, "0123456789abcdef"), seq])
    elif kind == "rehash":
        forged = flip_char(payload, index, "xyz")
        store.sql("UPDATE event_log SET payload = ?, hash = ? WHERE seq = ?",
                  [forged, chain_hash(seq, prev, forged), seq])
    elif kind == "seq":
        new_seq = other if other != seq else 99
        store.sql("UPDATE event_log SET seq = ? WHERE seq = ?", [new_seq, seq])
    elif kind == "delete":
        store.sql("DELETE FROM event_log WHERE seq = ?", [seq])
    elif kind == "swap":
        other = other if other != seq else (seq % SIZE) + 1
        store.sql("UPDATE event_log SET seq = CASE seq WHEN ? THEN ? ELSE ? END "
                  "WHERE seq IN (?, ?)", [seq, other, seq, seq, other])
    else:
        store.sql("INSERT INTO event_log SELECT * FROM event_log WHERE seq = ?", [seq])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(MUTATIONS), seq=st.integers(1, SIZE), other=st.integers(0, SIZE + 3),
       index=st.integers(0, 10_000))
def test_any_single_row_mutation_is_detected(base: Path, kind: str, seq: int, other: int,
                                             index: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        shutil.copytree(base, root)
        store = Store(root, AuditSettings(role="recorder"), FakeClock())
        mutate(store, kind, seq, other, index)
        report = store.verify()
        assert not report.ok, (kind, seq, other, index)
        assert_verifiers_agree(report)
        problem = report.first_problem()
        assert problem is not None
        if kind in ("payload", "hash", "prev_hash"):
            assert (problem.kind, problem.seq) == ("modified", seq)
        elif kind == "rehash":
            expected = ("rehashed", seq) if seq < SIZE else ("replaced", SIZE)
            assert (problem.kind, problem.seq) == expected
        elif kind == "delete":
            assert problem.seq == seq
