"""``govctl audit export`` and ``govctl audit verify --export DIR``.

An export is a folder holding ``events.<parquet|csv|jsonl>`` (columns seq, prev_hash, hash,
payload: the chain exactly as stored, written by DuckDB's own ``COPY``, so the runtime needs no
pyarrow) and ``manifest.json``::

    {"format": "govctl.audit.export.v1", "origin": "...", "govctl": "...",
     "createdAt": "...", "exportFormat": "parquet", "since": ..., "until": ...,
     "range": {"firstSeq": 1, "lastSeq": 42, "prevHash": "<hash before firstSeq>",
               "headHash": "<hash of lastSeq>"} | null,
     "database": {"size": 50, "head": "<hash>"},
     "files": [{"name": "events.parquet", "sha256": "<hex>", "bytes": 1234, "rows": 42}]}

``--since``/``--until`` select the *contiguous* range of sequence numbers from the first event at
or after ``since`` to the last at or before ``until``, so the exported segment is a verifiable
piece of the chain. Verifying an export needs no database: the file hashes, the chain segment
(both verifiers, from ``prevHash``), the head, and every checkpoint file of the same origin whose
size falls inside the range.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import duckdb
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from govctl import __version__
from govctl.audit.chain import GENESIS_PREV_HASH
from govctl.audit.checkpoints import load_checkpoint_files, signature_problem
from govctl.audit.sqlutil import fetch_first
from govctl.audit.store import first_line, reading
from govctl.audit.verify import Problem, VerifyReport, chain_problems
from govctl.errors import AuditCorruptError, AuditIntegrityError, UsageError
from govctl.fileio import write_output

ExportFormat = Literal["parquet", "csv", "jsonl"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)
EXPORT_MANIFEST = "manifest.json"
EXPORT_FORMAT_ID = "govctl.audit.export.v1"
_COPY_OPTIONS = {
    "parquet": "FORMAT parquet",
    "csv": "FORMAT csv, HEADER true",
    "jsonl": "FORMAT json",
}
_EXTENSIONS = {"parquet": "parquet", "csv": "csv", "jsonl": "jsonl"}


@dataclass(frozen=True)
class ExportResult:
    directory: Path
    manifest: Path
    files: tuple[Path, ...]
    first_seq: int | None
    last_seq: int | None
    rows: int


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _seq_range(
    con: duckdb.DuckDBPyConnection, since: str | None, until: str | None
) -> tuple[int, int] | None:
    clauses, params = [], []
    if since:
        clauses.append("time >= ?")
        params.append(since)
    if until:
        clauses.append("time <= ?")
        params.append(until)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    row = fetch_first(con, f"SELECT min(seq), max(seq) FROM events{where}", params)
    if not row or row[0] is None:
        return None
    return int(row[0]), int(row[1])


def _hash_at(con: duckdb.DuckDBPyConnection, seq: int) -> str:
    if seq == 0:
        return GENESIS_PREV_HASH
    row = fetch_first(con, "SELECT hash FROM event_log WHERE seq = ?", [seq])
    return str(row[0]) if row else ""


def export_events(
    db_path: Path,
    *,
    shown: str,
    timeout: float,
    out_dir: Path,
    fmt: str,
    since: str | None,
    until: str | None,
    created_at: str,
) -> ExportResult:
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r} (one of {', '.join(EXPORT_FORMATS)})")
    if not out_dir.is_dir() and (out_dir.exists() or out_dir.is_symlink()):
        raise UsageError(f"export folder {out_dir} exists and is not a folder")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise UsageError(f"export folder {out_dir} is not empty")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"events.{_EXTENSIONS[fmt]}"
    with reading(db_path, shown=shown, timeout=timeout) as con:
        origin_row = fetch_first(con, "SELECT value FROM audit_meta WHERE key = 'origin'")
        last = fetch_first(con, "SELECT seq, hash FROM event_log ORDER BY seq DESC LIMIT 1")
        span = _seq_range(con, since, until)
        low, high = span if span else (1, 0)
        con.execute(
            f"COPY (SELECT seq, prev_hash, hash, payload FROM event_log "
            f"WHERE seq BETWEEN {low} AND {high} ORDER BY seq) "
            f"TO {_sql_string(str(target))} ({_COPY_OPTIONS[fmt]})"
        ).fetchall()
        rows = high - low + 1 if span else 0
        chain_range = None
        if span:
            chain_range = {
                "firstSeq": low,
                "lastSeq": high,
                "prevHash": _hash_at(con, low - 1),
                "headHash": _hash_at(con, high),
            }
    manifest = {
        "format": EXPORT_FORMAT_ID,
        "origin": origin_row[0] if origin_row else None,
        "govctl": __version__,
        "createdAt": created_at,
        "exportFormat": fmt,
        "since": since,
        "until": until,
        "range": chain_range,
        "database": {
            "size": int(last[0]) if last else 0,
            "head": str(last[1]) if last else GENESIS_PREV_HASH,
        },
        "files": [
            {
                "name": target.name,
                "sha256": sha256_file(target),
                "bytes": target.stat().st_size,
                "rows": rows,
            }
        ],
    }
    manifest_path = out_dir / EXPORT_MANIFEST
    write_output(manifest_path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return ExportResult(
        out_dir, manifest_path, (target,), low if span else None, high if span else None, rows
    )


def _reader_sql(path: Path, fmt: str) -> str:
    name = _sql_string(str(path))
    columns = "{'seq': 'BIGINT', 'prev_hash': 'VARCHAR', 'hash': 'VARCHAR', 'payload': 'VARCHAR'}"
    if fmt == "parquet":
        return f"read_parquet({name})"
    if fmt == "csv":
        return (
            f"read_csv({name}, header = true, columns = {columns}, quote = '\"', "
            "escape = '\"', nullstr = '\\N')"
        )
    return f"read_json({name}, format = 'newline_delimited', columns = {columns})"


def _load_manifest(directory: Path) -> dict[str, Any]:
    path = directory / EXPORT_MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path} not found: not a govctl audit export") from None
    except (OSError, ValueError) as exc:
        raise AuditIntegrityError(f"{path} is unreadable: {exc}", kind="manifest") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT_ID:
        raise AuditIntegrityError(f"{path} is not a {EXPORT_FORMAT_ID} manifest", kind="manifest")
    return data


def _file_problems(directory: Path, manifest: dict[str, Any]) -> list[Problem]:
    problems = []
    for entry in manifest.get("files", []):
        name = str(entry.get("name"))
        path = directory / name
        if name != Path(name).name or name in ("", ".", ".."):  # a path, not a file of DIR
            problems.append(
                Problem("foreign-file", None, "the manifest names a file outside the export", name)
            )
        elif not path.is_file():
            problems.append(
                Problem("missing-file", None, "listed in the manifest but absent", path.name)
            )
        elif sha256_file(path) != entry.get("sha256"):
            problems.append(
                Problem("file-modified", None, "SHA-256 differs from the manifest", path.name)
            )
    return problems


def _checkpoint_problems(
    checkpoints_dir: Path | None,
    origin: Any,
    low: int,
    high: int,
    hashes: dict[int, str],
    public_key: Ed25519PublicKey | None,
) -> tuple[int, list[Problem]]:
    if checkpoints_dir is None:
        return 0, []
    checked, problems = 0, []
    for item in load_checkpoint_files(checkpoints_dir):
        cp = item.checkpoint
        if cp is None or cp.origin != origin or not (low - 1 <= cp.size <= high):
            continue
        checked += 1
        if public_key is not None and (bad := signature_problem(cp, public_key)):
            problems.append(Problem(bad[0], cp.size, bad[1], item.path.name))
        if hashes.get(cp.size) != cp.head:
            problems.append(
                Problem(
                    "replaced",
                    cp.size,
                    "the export's event has another hash than this checkpoint",
                    item.path.name,
                )
            )
    return checked, problems


def verify_export(
    directory: Path, *, checkpoints_dir: Path | None, public_key: Ed25519PublicKey | None
) -> VerifyReport:
    manifest = _load_manifest(directory)
    problems = _file_problems(directory, manifest)
    span = manifest.get("range")
    files = manifest.get("files", [])
    if problems or not span or not files:
        return VerifyReport(
            str(directory), manifest.get("origin"), 0, None, None, None, 0, tuple(problems)
        )
    low, high = int(span["firstSeq"]), int(span["lastSeq"])
    con = duckdb.connect()
    try:
        source = _reader_sql(directory / files[0]["name"], str(manifest.get("exportFormat")))
        con.execute(f"CREATE TABLE exported AS SELECT seq, prev_hash, hash, payload FROM {source}")
        sql, py, problems = chain_problems(
            con, "exported", start_seq=low, start_prev=str(span["prevHash"])
        )
        rows = con.execute("SELECT seq, hash FROM exported").fetchall()
    except duckdb.Error as exc:
        raise AuditCorruptError(f"export {directory} cannot be read: {first_line(exc)}") from None
    finally:
        con.close()
    if sql.rows != high - low + 1 or sql.last_seq != high or sql.head != span.get("headHash"):
        problems.append(
            Problem(
                "truncated",
                (sql.last_seq or low - 1) + 1,
                f"the export holds {sql.rows} events ending at {sql.last_seq}; "
                f"the manifest says {low}..{high} ending in "
                f"{str(span.get('headHash'))[:12]}…",
                "manifest",
            )
        )
    hashes = {int(s): str(h) for s, h in rows if s is not None}
    hashes[low - 1] = str(span["prevHash"])
    checked, more = _checkpoint_problems(
        checkpoints_dir, manifest.get("origin"), low, high, hashes, public_key
    )
    return VerifyReport(
        str(directory),
        manifest.get("origin"),
        high,
        sql.head,
        sql,
        py,
        checked,
        tuple(problems + more),
    )
