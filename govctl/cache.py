"""Content-addressed local cache (``.govctl-cache/``, never committed).

Two stores, each one ``marshal`` file (only plain data: loading a cache can never run code):
- parse: SHA-256 of a YAML file's bytes → its ``FileRecord``; SHA-256 of a dataset → its stats.
  Namespaced by govctl version and schema digest: a new schema re-validates everything.
- results: policy result key (subject digest, related digests, derived facts, config, policy
  bundle digest, engine, ``input.now`` day — see ``govctl.policy.inputs``) → policy findings.
Entries unused for ``KEEP_RUNS`` runs are dropped on save; writes are atomic (rename), so a
concurrent or killed run never leaves a torn file, and an unreadable file is treated as empty.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

from govctl import __version__
from govctl.loader.documents import DocumentRecord, FileRecord, Problem
from govctl.loader.load import DatasetStats
from govctl.policy.engine import PolicyFinding
from govctl.schema import PACKAGED_DIR

KEEP_RUNS = 5
FORMAT = 1


def _namespace() -> str:
    h = hashlib.sha256(f"{FORMAT}|{__version__}".encode())
    for schema in sorted(PACKAGED_DIR.glob("*.json")):
        h.update(schema.read_bytes())
    return h.hexdigest()[:16]


def _encode_record(record: FileRecord) -> tuple[Any, ...]:
    def problems(items: tuple[Problem, ...]) -> tuple[Any, ...]:
        return tuple((p.message, p.line, p.column, p.path, p.doc_index) for p in items)

    docs = tuple(
        (d.index, d.line, d.kind, d.name, d.version, d.doc, d.digest, problems(d.problems))
        for d in record.documents
    )
    return (record.sha256, docs, problems(record.problems))


def _decode_record(data: tuple[Any, ...]) -> FileRecord:
    sha, docs, problems = data
    return FileRecord(
        sha,
        tuple(
            DocumentRecord(
                i, line, kind, name, version, doc, digest, tuple(Problem(*p) for p in probs)
            )
            for i, line, kind, name, version, doc, digest, probs in docs
        ),
        tuple(Problem(*p) for p in problems),
    )


class _Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.generation = 0
        self.entries: dict[str, tuple[int, Any]] = {}
        try:
            loaded = marshal.loads(path.read_bytes())
            self.generation, self.entries = int(loaded[0]) + 1, dict(loaded[1])
        except (OSError, ValueError, EOFError, TypeError, IndexError):
            pass
        self.dirty = False

    def get(self, key: str) -> Any:
        hit = self.entries.get(key)
        if hit is None:
            return None
        if hit[0] != self.generation:
            self.entries[key] = (self.generation, hit[1])
            self.dirty = True
        return hit[1]

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = (self.generation, value)
        self.dirty = True

    def save(self) -> None:
        keep = {k: v for k, v in self.entries.items() if v[0] > self.generation - KEEP_RUNS}
        if not self.dirty and len(keep) == len(self.entries):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps((self.generation, keep)))
        os.replace(tmp, self.path)


class Cache:
    """The parse and result caches of one repository."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        namespace = _namespace()
        self._parse = _Store(directory / f"parse-{namespace}.bin")
        self._results = _Store(directory / f"results-{namespace}.bin")
        self._ensure_gitignore()

    def _ensure_gitignore(self) -> None:
        # The cache must never be committed, even in repositories whose .gitignore forgot it.
        marker = self.directory / ".gitignore"
        if not marker.exists():
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                marker.write_text("*\n", encoding="utf-8")
            except OSError:
                pass

    def get_file(self, sha256: str) -> FileRecord | None:
        data = self._parse.get("f" + sha256)
        return _decode_record(data) if data is not None else None

    def put_file(self, record: FileRecord) -> None:
        self._parse.put("f" + record.sha256, _encode_record(record))

    def get_dataset(self, sha256: str) -> DatasetStats | None:
        data = self._parse.get("d" + sha256)
        return DatasetStats.decode(data) if data else None

    def put_dataset(self, sha256: str, stats: DatasetStats) -> None:
        self._parse.put("d" + sha256, stats.encode())

    def get_position(self, key: str) -> tuple[int, int] | None:
        data = self._parse.get("l" + key)
        return (data[0], data[1]) if data is not None else None

    def put_position(self, key: str, position: tuple[int | None, int | None]) -> None:
        self._parse.put("l" + key, position)

    def get_result(self, key: str) -> list[PolicyFinding] | None:
        data = self._results.get(key)
        return [PolicyFinding(*f) for f in data] if data is not None else None

    def put_result(self, key: str, findings: list[PolicyFinding]) -> None:
        self._results.put(
            key, tuple((f.rule, f.severity, f.message, f.ref, f.path) for f in findings)
        )

    def save(self) -> None:
        try:
            self._parse.save()
            self._results.save()
        except OSError:
            pass  # a cache that cannot be written only costs speed next time
