"""Opening the DuckDB audit store: read-only readers, and one locked writer with transactions.

- Readers open ``read_only=True``. DuckDB lets many read-only processes in, or one read-write
  process: while a writer holds the file, readers wait (up to the same bound) for it.
- A writer takes the lock file first (``govctl.audit.lock``), then the DuckDB file, applies
  pending migrations, and appends each run's events with the DuckDB appender inside one explicit
  transaction: the run's events and its checkpoint row commit together or not at all.
- DuckDB errors other than lock conflicts are reported as corruption (``AuditCorruptError``):
  the file cannot be opened or read, which is a different failure from a readable but altered
  chain (``AuditIntegrityError``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from govctl.audit.chain import GENESIS_PREV_HASH, chain_hash
from govctl.audit.lock import POLL_SECONDS, writer_lock
from govctl.audit.migrations import EVENTS_VIEW_QUERY, MigrationContext, migrate
from govctl.audit.sqlutil import fetch_first
from govctl.errors import AuditCorruptError, AuditIntegrityError, AuditLockedError, UsageError

LOCK_CONFLICT = "Could not set lock on file"
REQUIRED_TABLES = ("event_log", "audit_meta", "checkpoints")
REQUIRED_COLUMNS = {
    "event_log": ("seq", "prev_hash", "hash", "payload"),
    "audit_meta": ("key", "value"),
    "checkpoints": ("origin", "size", "head", "time"),
}


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _connect(
    db_path: Path,
    *,
    read_only: bool,
    shown: str,
    timeout: float,
    config: dict[str, Any] | None = None,
) -> duckdb.DuckDBPyConnection:
    start = time.monotonic()
    while True:
        try:
            return duckdb.connect(str(db_path), read_only=read_only, config=config or {})
        except duckdb.Error as exc:
            message = first_line(exc)
            if LOCK_CONFLICT not in message:
                raise AuditCorruptError(
                    f"audit store {shown} cannot be opened: {message}"
                ) from None
            waited = time.monotonic() - start
            if waited >= timeout:
                holder = message.split("Conflicting lock is held in", 1)[-1].strip(" .")
                raise AuditLockedError(
                    f"audit store {shown} is in use by another process ({holder}); "
                    f"waited {waited:.1f}s",
                    path=shown,
                    waited_seconds=waited,
                ) from None
            time.sleep(POLL_SECONDS)


def check_schema(con: duckdb.DuckDBPyConnection, shown: str) -> None:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()
    names = {r[0] for r in rows}
    missing = [t for t in REQUIRED_TABLES if t not in names]
    if missing:
        raise AuditCorruptError(
            f"audit store {shown} is not a govctl audit store (missing table {missing[0]})"
        )
    columns = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND NOT internal"
    ).fetchall()
    have = {(str(t), str(c)) for t, c in columns}
    gone = [f"{t}.{c}" for t, cols in REQUIRED_COLUMNS.items() for c in cols if (t, c) not in have]
    if gone:  # the file opens fine, so this is an edit, not corruption
        raise AuditIntegrityError(
            f"audit store {shown} has lost column {gone[0]}: its schema was altered",
            kind="schema-altered",
        )


def open_reader(
    db_path: Path, *, shown: str, timeout: float, config: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to an existing store."""
    if db_path.exists() and not db_path.is_file():
        raise AuditCorruptError(f"audit store {shown} is not a file")
    if not db_path.is_file():
        raise UsageError(f"no audit store at {shown} (nothing has been recorded yet)")
    con = _connect(db_path, read_only=True, shown=shown, timeout=timeout, config=config)
    try:
        check_schema(con, shown)
        # govctl's own definition shadows the stored view (see migrations.EVENTS_VIEW_QUERY).
        con.execute(f"CREATE TEMP VIEW events AS {EVENTS_VIEW_QUERY}")
    except duckdb.Error as exc:
        con.close()
        raise AuditCorruptError(f"audit store {shown} cannot be read: {first_line(exc)}") from None
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def reading(db_path: Path, *, shown: str, timeout: float) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; DuckDB errors while reading become ``AuditCorruptError``."""
    con = open_reader(db_path, shown=shown, timeout=timeout)
    try:
        yield con
    except duckdb.Error as exc:
        raise AuditCorruptError(f"audit store {shown} cannot be read: {first_line(exc)}") from None
    finally:
        con.close()


@dataclass(frozen=True)
class Appended:
    first_seq: int
    last_seq: int
    head: str


class Transaction:
    """Appends inside the writer's open transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection, size: int, head: str) -> None:
        self._con = con
        self.size = size
        self.head = head

    def append(self, payloads: Sequence[str]) -> Appended:
        """Chain and append ``payloads`` after the current head (appender, not executemany)."""
        first = self.size + 1
        rows = []
        prev = self.head
        for offset, payload in enumerate(payloads):
            seq = first + offset
            digest = chain_hash(seq, prev, payload)
            rows.append((seq, prev, digest, payload))
            prev = digest
        if rows:
            appender = self._con.appender("event_log")
            appender.append_rows(rows)
            appender.flush()
        self.size += len(rows)
        self.head = prev
        return Appended(first, self.size, self.head)

    def add_checkpoint_row(
        self,
        *,
        origin: str,
        size: int,
        head: str,
        time: str,
        key_id: str | None,
        signature: str | None,
    ) -> None:
        self._con.execute(
            "INSERT INTO checkpoints VALUES (?, ?, ?, ?, ?, ?)",
            [origin, size, head, time, key_id, signature],
        )


class WriterSession:
    def __init__(self, con: duckdb.DuckDBPyConnection, shown: str) -> None:
        self.con = con
        self.shown = shown
        row = fetch_first(con, "SELECT value FROM audit_meta WHERE key = 'origin'")
        if not row:
            raise AuditCorruptError(f"audit store {shown} has no origin recorded")
        self.origin = str(row[0])

    def size_and_head(self) -> tuple[int, str]:
        row = fetch_first(self.con, "SELECT seq, hash FROM event_log ORDER BY seq DESC LIMIT 1")
        return (int(row[0]), str(row[1])) if row else (0, GENESIS_PREV_HASH)

    def sealed_size(self) -> int:
        """Events covered by the database's newest checkpoint row."""
        row = fetch_first(self.con, "SELECT max(size) FROM checkpoints")
        return int(row[0]) if row and row[0] is not None else 0

    def hash_at(self, seq: int) -> str | None:
        if seq == 0:
            return GENESIS_PREV_HASH
        row = fetch_first(self.con, "SELECT hash FROM event_log WHERE seq = ?", [seq])
        return str(row[0]) if row else None

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One run: everything appended inside commits together, or nothing does."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            size, head = self.size_and_head()
            yield Transaction(self.con, size, head)
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")


@contextmanager
def open_writer(
    db_path: Path, *, shown: str, timeout: float, origin: str, now: datetime
) -> Iterator[WriterSession]:
    """The single writer: lock file, read-write connection, migrations applied."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(db_path, timeout=timeout, shown=shown) as left:
        con = _connect(db_path, read_only=False, shown=shown, timeout=left)
        try:
            try:
                con.execute("BEGIN TRANSACTION")
                migrate(con, MigrationContext(origin=origin, now=now))
                con.execute("COMMIT")
                check_schema(con, shown)
                session = WriterSession(con, shown)
            except duckdb.Error as exc:
                raise AuditCorruptError(
                    f"audit store {shown} cannot be read: {first_line(exc)}"
                ) from None
            yield session
        finally:
            con.close()
