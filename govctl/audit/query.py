"""Reading the audit trail: the event log with filters, read-only SQL, and time bounds.

Times in the store are fixed-width RFC 3339 UTC strings (``2026-11-22T10:00:00.000000Z``), so
filters compare them as text. ``--since``/``--until`` accept a date (``2026-11-22``: the whole
day, inclusive) or an RFC 3339 timestamp with any offset.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from govctl.audit.payload import EVENT_TYPES, format_time
from govctl.audit.sqlutil import fetch_all
from govctl.audit.store import first_line, open_reader
from govctl.clock import parse_instant
from govctl.errors import UsageError

READ_ONLY_STATEMENTS = ("SELECT", "EXPLAIN")


def parse_time_bound(text: str, *, end: bool = False, what: str = "time") -> str:
    """A user-given date or timestamp as the store's fixed-width UTC text (range: ``clock``);
    ``today`` and ``yesterday`` are UTC days."""
    value = text.strip()
    relative = {"today": 0, "yesterday": 1}.get(value.lower())
    if relative is not None:
        value = (datetime.now(UTC).date() - timedelta(days=relative)).isoformat()
    return format_time(parse_instant(value, what, end=end, assume_utc=True))


@dataclass(frozen=True)
class LogFilter:
    types: tuple[str, ...] = ()
    artifact: str | None = None
    actor: str | None = None
    since: str | None = None  # normalised by parse_time_bound
    until: str | None = None
    limit: int | None = None


@dataclass(frozen=True)
class LogEntry:
    seq: int
    hash: str
    event: dict[str, Any]

    def get(self, key: str) -> Any:
        return self.event.get(key)


def _where(flt: LogFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for bad in (t for t in flt.types if t not in EVENT_TYPES):
        raise UsageError(f"unknown event type {bad!r} (one of {', '.join(EVENT_TYPES)})")
    if flt.types:
        clauses.append("list_contains(?, type)")
        params.append(list(flt.types))
    if flt.actor:
        clauses.append("actor = ?")
        params.append(flt.actor)
    if flt.artifact:
        # Accept a full identity (Deployment/x) or its name part (x, x@1.0).
        clauses.append(
            "(list_contains(artifacts, ?) OR len(list_filter(artifacts, "
            "lambda a: split_part(a, '/', 2) = ?)) > 0)"
        )
        params += [flt.artifact, flt.artifact]
    if flt.since:
        clauses.append("time >= ?")
        params.append(flt.since)
    if flt.until:
        clauses.append("time <= ?")
        params.append(flt.until)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def read_log(con: duckdb.DuckDBPyConnection, flt: LogFilter) -> list[LogEntry]:
    where, params = _where(flt)
    sql = f"SELECT seq, hash, payload FROM events{where} ORDER BY seq"
    if flt.limit is not None:
        # The newest N, shown oldest first.
        sql = (
            f"SELECT * FROM (SELECT seq, hash, payload FROM events{where} "
            f"ORDER BY seq DESC LIMIT {int(flt.limit)}) ORDER BY seq"
        )
    return [LogEntry(int(seq), str(h), json.loads(p)) for seq, h, p in fetch_all(con, sql, params)]


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise UsageError(f"audit query: {first_line(exc)}") from None
    if len(statements) != 1:
        raise UsageError(f"audit query takes exactly one statement, got {len(statements)}")
    kind = str(statements[0].type).rsplit(".", 1)[-1]
    if kind not in READ_ONLY_STATEMENTS:
        raise UsageError(f"audit query is read-only: {kind} statements are rejected (use SELECT)")


def run_query(db_path: Path, *, shown: str, timeout: float, sql: str) -> QueryResult:
    """Run one SELECT on a read-only connection that cannot touch other files either."""
    config = {"enable_external_access": False, "lock_configuration": True}
    con = open_reader(db_path, shown=shown, timeout=timeout, config=config)
    try:
        _check_read_only(con, sql)
        try:
            result = con.execute(sql)
            columns = tuple(d[0] for d in result.description or ())
            rows = result.fetchall()
        except duckdb.Error as exc:
            raise UsageError(f"audit query: {first_line(exc)}") from None
        return QueryResult(columns, rows)
    finally:
        con.close()
