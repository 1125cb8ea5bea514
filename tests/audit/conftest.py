"""Helpers for audit tests: real DuckDB stores in tmp folders, direct tampering, verification."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from govctl.audit.api import EventDraft, RecordResult, record_events, verify_audit
from govctl.audit.checkpoints import generate_keypair
from govctl.audit.verify import VerifyReport
from govctl.models.config import AuditSettings

PROJECT = Path(__file__).resolve().parents[2]


class FakeClock:
    """A deterministic clock: each call advances one second from 2026-11-20T00:00:00Z."""

    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime(2026, 11, 20, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment


@dataclass
class Store:
    root: Path
    settings: AuditSettings
    clock: FakeClock

    @property
    def db(self) -> Path:
        return self.root / self.settings.path

    @property
    def checkpoints(self) -> Path:
        return self.root / self.settings.checkpoints

    def record(self, n: int = 4, *, actor: str = "alice", type_: str = "check",
               **fields: Any) -> RecordResult:
        drafts = [EventDraft(type=type_, actor=actor,  # type: ignore[arg-type]
                             decision={"result": "pass", "index": i},
                             findings=[{"rule": "GOV-EVL-003", "ref": "Deployment/app-prod",
                                        "severity": "warning", "waived": False}], **fields)
                  for i in range(n)]
        return record_events(self.settings, self.root, drafts, clock=self.clock)

    def verify(self) -> VerifyReport:
        return verify_audit(self.settings, self.root, no_git=True)

    def sql(self, statement: str, params: Any = ()) -> list[tuple[Any, ...]]:
        """Run SQL on the store directly, as an attacker with write access would."""
        con = duckdb.connect(str(self.db))
        try:
            return con.execute(statement, params).fetchall()
        finally:
            con.close()

    def row(self, seq: int) -> tuple[Any, ...]:
        return self.sql("SELECT seq, prev_hash, hash, payload FROM event_log WHERE seq = ?",
                        [seq])[0]


def write_config(root: Path, audit: str = "") -> None:
    text = ("apiVersion: govctl/v1\nkind: Config\nteams: [team-a, compliance, ml-platform]\n"
            + (f"audit: {audit}\n" if audit else ""))
    (root / "govctl.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    root = tmp_path / "repo"
    root.mkdir()
    write_config(root)
    return Store(root, AuditSettings(role="recorder"), FakeClock())


@pytest.fixture
def signed_store(tmp_path: Path) -> Store:
    root = tmp_path / "repo"
    root.mkdir()
    private = tmp_path / "keys" / "audit.pem"
    public = root / "audits" / "audit.pub.pem"
    generate_keypair(private, public)
    audit = (f"{{signingKey: {private}, publicKey: audits/audit.pub.pem, lockTimeoutSeconds: 2, "
             "role: recorder}")
    write_config(root, audit)
    settings = AuditSettings(signingKey=str(private), publicKey="audits/audit.pub.pem",
                             lockTimeoutSeconds=2, role="recorder")
    return Store(root, settings, FakeClock())


def chain_hash(seq: int, prev: str, payload: str) -> str:
    """The docs/spec.md §6 formula, written out again independently of the library."""
    return hashlib.sha256(f"govctl.audit.v1|{seq}|{prev}|{payload}".encode()).hexdigest()


def assert_verifiers_agree(report: VerifyReport) -> None:
    assert report.sql is not None and report.python is not None
    assert report.sql == report.python


def run_govctl(root: Path, *args: str, env: dict[str, str] | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
    # These stores are the authoritative trail: record into it, as the release workflow does.
    full_env = {**os.environ, "GOVCTL_ACTOR": "tester", "GOVCTL_AUDIT_ROLE": "recorder",
                **(env or {})}
    full_env.pop("GOVCTL_AUDIT_SIGNING_KEY", None)
    return subprocess.run([sys.executable, "-m", "govctl", "-C", str(root), *args],
                          capture_output=True, text=True, env=full_env, timeout=timeout,
                          cwd=root)


@pytest.fixture
def clock() -> Iterator[Callable[[], datetime]]:
    yield FakeClock()
