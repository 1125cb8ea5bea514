"""Query helpers for DuckDB 2.0, where results stream and an unfinished result blocks its
connection: every helper here reads its result to the end before returning."""

from __future__ import annotations

from typing import Any

import duckdb


def fetch_all(
    con: duckdb.DuckDBPyConnection, sql: str, params: Any = None
) -> list[tuple[Any, ...]]:
    result = con.execute(sql, params) if params is not None else con.execute(sql)
    return result.fetchall()


def fetch_first(
    con: duckdb.DuckDBPyConnection, sql: str, params: Any = None
) -> tuple[Any, ...] | None:
    """The first row (the query should yield at most one), with the result fully consumed."""
    rows = fetch_all(con, sql, params)
    return rows[0] if rows else None
