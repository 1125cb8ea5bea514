"""Append-only schema migrations of the audit store, recorded in ``_migrations``.

Modelled on simonw/llm's ``migrations.py``: an ordered list of named functions; each runs once,
inside the writer's transaction, and its name is recorded with the time it was applied. A
migration is never edited or removed once released: a schema change is a new function at the end.

Readers never migrate (they open read-only); the first writer of a new govctl version does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import duckdb

from govctl.audit.sqlutil import fetch_first

Migration = Callable[[duckdb.DuckDBPyConnection, "MigrationContext"], None]


class MigrationContext:
    """What a migration may need from its caller (no globals)."""

    def __init__(self, *, origin: str, now: datetime) -> None:
        self.origin = origin
        self.now = now


def m001_event_log(con: duckdb.DuckDBPyConnection, ctx: MigrationContext) -> None:
    # Hashes and payloads are compressed with zstd: JSON payloads take ~1/3 of the space they
    # take with DuckDB's default string compression (measured: ~120 vs ~350 MiB per 1M events).
    con.execute(
        """
        CREATE TABLE event_log (
            seq BIGINT NOT NULL,
            prev_hash VARCHAR USING COMPRESSION zstd NOT NULL,
            hash VARCHAR USING COMPRESSION zstd NOT NULL,
            payload VARCHAR USING COMPRESSION zstd NOT NULL
        )
        """
    )


def m002_meta(con: duckdb.DuckDBPyConnection, ctx: MigrationContext) -> None:
    con.execute("CREATE TABLE audit_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
    con.execute(
        "INSERT INTO audit_meta VALUES ('origin', ?), ('chain', 'govctl.audit.v1'), ('created', ?)",
        [ctx.origin, ctx.now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")],
    )


def m003_checkpoints(con: duckdb.DuckDBPyConnection, ctx: MigrationContext) -> None:
    con.execute(
        """
        CREATE TABLE checkpoints (
            origin VARCHAR NOT NULL,
            size BIGINT NOT NULL,
            head VARCHAR NOT NULL,
            time VARCHAR NOT NULL,
            key_id VARCHAR,
            signature VARCHAR
        )
        """
    )


# Everything an auditor filters on is read from the hashed payload, never from a second copy
# that could drift from it unnoticed. Readers define this view themselves (as a TEMP view that
# shadows the stored one), so a redefined stored view cannot change what auditors see.
EVENTS_VIEW_QUERY = """
        SELECT seq, prev_hash, hash, payload,
            json_extract_string(payload, '$.time') AS time,
            json_extract_string(payload, '$.type') AS type,
            json_extract_string(payload, '$.actor') AS actor,
            json_extract_string(payload, '$.run') AS run,
            json_extract_string(payload, '$.git.commit') AS git_commit,
            json_extract_string(payload, '$.git.ref') AS git_ref,
            json_extract_string(payload, '$.registryDigest') AS registry_digest,
            json_extract_string(payload, '$.policyDigest') AS policy_digest,
            json_extract_string(payload, '$.engine.name') AS engine_name,
            json_extract_string(payload, '$.engine.version') AS engine_version,
            json_extract_string(payload, '$.govctl') AS govctl_version,
            json_extract_string(payload, '$.now') AS input_now,
            json_extract(payload, '$.decision') AS decision,
            json_extract(payload, '$.findings') AS findings,
            json_extract_string(payload, '$.artifacts[*]') AS artifacts,
            json_extract(payload, '$.details') AS details
        FROM event_log
"""


def m004_events_view(con: duckdb.DuckDBPyConnection, ctx: MigrationContext) -> None:
    con.execute(f"CREATE VIEW events AS {EVENTS_VIEW_QUERY}")


MIGRATIONS: tuple[tuple[str, Migration], ...] = (
    ("m001_event_log", m001_event_log),
    ("m002_meta", m002_meta),
    ("m003_checkpoints", m003_checkpoints),
    ("m004_events_view", m004_events_view),
)


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    exists = fetch_first(
        con,
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = '_migrations' "
        "AND database_name = current_database()",
    )
    if not exists or not exists[0]:
        return []
    return [str(r[0]) for r in con.execute("SELECT name FROM _migrations ORDER BY name").fetchall()]


def migrate(con: duckdb.DuckDBPyConnection, ctx: MigrationContext) -> list[str]:
    """Apply pending migrations in the current transaction; return the names applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)"
    )
    done = set(applied_migrations(con))
    applied: list[str] = []
    for name, func in MIGRATIONS:
        if name in done:
            continue
        func(con, ctx)
        con.execute("INSERT INTO _migrations VALUES (?, ?)", [name, ctx.now.replace(tzinfo=None)])
        applied.append(name)
    return applied
