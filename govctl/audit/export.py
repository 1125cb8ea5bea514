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
from typing import Literal, get_args

import duckdb
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from govctl import __version__
from govctl.audit.chain import GENESIS_PREV_HASH, ChainScan
from govctl.audit.checkpoints import Checkpoint, parse_checkpoint
from govctl.audit.keys import signature_problem_any
from govctl.audit.manifest import (
    EXPORT_FORMAT_ID,
    EXPORT_MANIFEST,
    Manifest,
    ManifestRange,
    load_manifest,
)
from govctl.audit.problems import Problem
from govctl.audit.sqlutil import fetch_first
from govctl.audit.store import first_line, reading
from govctl.audit.verify import Evidence, VerifyReport, chain_problems
from govctl.errors import AuditIntegrityError, UsageError
from govctl.fileio import write_output

ExportFormat = Literal["parquet", "csv", "jsonl"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)
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
        if span is None:
            raise UsageError("no events in the selected range: nothing to export")
        low, wanted = span
        bound = _covering_checkpoint(con, wanted, shown)
        high = bound.size
        con.execute(
            f"COPY (SELECT seq, prev_hash, hash, payload FROM event_log "
            f"WHERE seq BETWEEN {low} AND {high} ORDER BY seq) "
            f"TO {_sql_string(str(target))} ({_COPY_OPTIONS[fmt]})"
        ).fetchall()
        rows = high - low + 1
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
        "checkpoint": bound.to_json(),
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
    return ExportResult(out_dir, manifest_path, (target,), low, high, rows)


def _covering_checkpoint(con: duckdb.DuckDBPyConnection, seq: int, shown: str) -> Checkpoint:
    """The database's first checkpoint at or after ``seq``: an export ends at a checkpoint (the
    end of the run holding its last event), so the manifest can carry that checkpoint."""
    row = fetch_first(
        con,
        "SELECT origin, size, head, time, key_id, signature FROM checkpoints "
        "WHERE size >= ? ORDER BY size LIMIT 1",
        [seq],
    )
    if row is None:
        raise AuditIntegrityError(
            f"audit store {shown}: event {seq} is covered by no checkpoint (added outside "
            "govctl); run `govctl audit verify`",
            first_bad_seq=seq,
            kind="unsealed",
        )
    return Checkpoint(str(row[0]), int(row[1]), str(row[2]), str(row[3]), row[4], row[5])


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


def _data_file_problems(directory: Path, manifest: Manifest) -> list[Problem]:
    """The data file must be a regular file inside DIR whose SHA-256 the manifest states."""
    problems = []
    for entry in manifest.files:
        name = entry.name
        path = directory / name
        if name != Path(name).name or name in (".", ".."):  # a path, not a file of DIR
            problems.append(
                Problem("foreign-file", None, "the manifest names a file outside the export", name)
            )
        elif path.is_symlink() or (path.exists() and not path.is_file()):
            problems.append(
                Problem("foreign-file", None, "is a symlink or not a regular file", name)
            )
        elif not path.is_file():
            problems.append(
                Problem("missing-file", None, "listed in the manifest but absent", name)
            )
        elif sha256_file(path) != entry.sha256:
            problems.append(
                Problem("file-modified", None, "SHA-256 differs from the manifest", name)
            )
    return problems


def _read_chain(
    directory: Path, manifest: Manifest, span: ManifestRange
) -> tuple[ChainScan, ChainScan, list[Problem], dict[int, str]]:
    con = duckdb.connect()
    try:
        source = _reader_sql(directory / manifest.files[0].name, manifest.exportFormat)
        con.execute(f"CREATE TABLE exported AS SELECT seq, prev_hash, hash, payload FROM {source}")
        sql, py, problems = chain_problems(
            con, "exported", start_seq=span.firstSeq, start_prev=span.prevHash
        )
        rows = con.execute("SELECT seq, hash FROM exported").fetchall()
    except duckdb.Error as exc:
        raise AuditIntegrityError(
            f"export verification failed (unreadable-export): {directory}: {first_line(exc)}",
            kind="unreadable-export",
        ) from None
    finally:
        con.close()
    hashes = {int(s): str(h) for s, h in rows if isinstance(s, int)}
    hashes[span.firstSeq - 1] = span.prevHash
    return sql, py, problems, hashes


def _bound_checkpoint(
    manifest: Manifest, span: ManifestRange, keys: dict[str, Ed25519PublicKey] | None
) -> tuple[Checkpoint | None, list[Problem]]:
    if manifest.checkpoint is None:
        return None, [Problem("unanchored", None, "the manifest carries no checkpoint", "manifest")]
    try:
        cp = parse_checkpoint(manifest.checkpoint)
    except ValueError as exc:
        raise AuditIntegrityError(
            f"export verification failed (malformed-manifest): {EXPORT_MANIFEST}: "
            f"checkpoint: {exc}",
            kind="malformed-manifest",
        ) from None
    problems = []
    if cp.origin != manifest.origin:
        problems.append(
            Problem(
                "foreign-origin",
                None,
                f"the checkpoint is of origin {cp.origin!r}, the manifest says {manifest.origin!r}",
                "manifest",
            )
        )
    if cp.size != span.lastSeq:
        message = (
            f"the export ends at {span.lastSeq} but its checkpoint at {cp.size}: events were "
            "cut or the manifest edited"
        )
        problems.append(Problem("truncated", min(cp.size, span.lastSeq) + 1, message, "manifest"))
    elif cp.head != span.headHash:
        message = f"the export's head is not its checkpoint's ({cp.head[:12]}…)"
        problems.append(Problem("replaced", cp.size, message, "manifest"))
    if keys is not None and (bad := signature_problem_any(cp, keys)):
        problems.append(Problem(bad[0], cp.size, bad[1], "manifest checkpoint"))
    return cp, problems


def _anchor_problems(
    evidence: Evidence,
    origin: str,
    span: ManifestRange,
    hashes: dict[int, str],
    anchored: bool,
) -> tuple[int, list[Problem]]:
    """The export against the repository's checkpoints: same origin, same hashes."""
    expected = evidence.expected_origin
    if expected is not None and origin != expected:
        message = f"the export is of origin {origin!r}, this repository's trail is {expected!r}"
        return 0, [Problem("foreign-origin", None, message, "manifest")]
    matched, committed, problems = 0, 0, []
    for index, (name, cp, _) in enumerate(evidence.copies):
        if cp is None or cp.origin != origin or not (span.firstSeq - 1 <= cp.size <= span.lastSeq):
            continue
        if hashes.get(cp.size) != cp.head:
            problems.append(
                Problem(
                    "replaced",
                    cp.size,
                    "the export's event has another hash than this checkpoint",
                    name,
                )
            )
        else:
            matched += 1
            committed += index < evidence.committed  # git's copies come first
    if anchored and not committed and not problems:
        message = (
            "no checkpoint committed in this repository falls within the export's range "
            f"{span.firstSeq}..{span.lastSeq}: nothing binds it to the trail"
        )
        problems.append(Problem("unanchored", None, message, "manifest"))
    return matched, problems


def verify_export(directory: Path, *, evidence: Evidence, anchored: bool) -> VerifyReport:
    """Verify an export folder: files, the chain segment (both verifiers), the checkpoint it
    is bound to, and (``anchored``) the repository's committed checkpoints."""
    manifest = load_manifest(directory)
    span = manifest.range
    if span is None or not manifest.files or span.lastSeq < span.firstSeq:
        raise AuditIntegrityError(
            f"export verification failed (empty-export): {directory} holds no events; an export "
            "must hold at least one",
            kind="empty-export",
        )
    problems = _data_file_problems(directory, manifest)
    if problems:
        return VerifyReport(
            str(directory), manifest.origin, 0, None, None, None, 0, tuple(problems)
        )
    sql, py, problems, hashes = _read_chain(directory, manifest, span)
    if (
        sql.rows != span.lastSeq - span.firstSeq + 1
        or sql.last_seq != span.lastSeq
        or sql.head != span.headHash
    ):
        problems.append(
            Problem(
                "truncated",
                (sql.last_seq or span.firstSeq - 1) + 1,
                f"the export holds {sql.rows} events ending at {sql.last_seq}; the manifest "
                f"says {span.firstSeq}..{span.lastSeq} ending in {span.headHash[:12]}…",
                "manifest",
            )
        )
    _, bound = _bound_checkpoint(manifest, span, evidence.keys)
    matched, anchor = _anchor_problems(evidence, manifest.origin, span, hashes, anchored)
    return VerifyReport(
        str(directory),
        manifest.origin,
        span.lastSeq,
        sql.head,
        sql,
        py,
        matched,
        tuple(problems + bound + anchor + list(evidence.problems)),
    )
