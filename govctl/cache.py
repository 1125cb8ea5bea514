"""Content-addressed local cache (``.govctl-cache/``, never committed).

Five stores of ``marshal`` files (only plain data: loading a cache can never run code); parse
and results are split in ``SHARDS`` files each, so adding an entry rewrites one shard:
- parse: SHA-256 of a YAML file's bytes → its ``FileRecord``; SHA-256 of a dataset → its stats.
  Namespaced by govctl version and schema digest: a new schema re-validates everything.
- stat: repository path → the file's ``stat()`` identity (size, mtime, ctime, inode, device)
  and the SHA-256 of its bytes when they were last read, so an unchanged file is not re-read
  (git's index; see ``govctl.loader.statindex`` for when an entry is trusted).
- results: policy result key (subject digest, related digests, derived facts, config, policy
  bundle digest, engine, ``input.now`` day — see ``govctl.policy.inputs``) → policy findings.
- runs: the key of a whole evaluation (every per-subject result key of a run, hashed) → that
  run's per-subject results, so a run over an unchanged registry does not open the results store.
- state: the latest evaluation's artifacts, closures and results (``govctl.run_state``), so a
  change re-evaluates only the subjects it can reach.
Stores are read on first use and rewritten only when an entry was added (entries unused for
``KEEP_RUNS`` writing runs are dropped then); writes are atomic (rename), so a concurrent or
killed run never leaves a torn file, and an unreadable file is treated as empty.

The files sit in the work tree, which whoever proposes a change can write. So each store file is
authenticated: an HMAC-SHA256, under the user's key (``govctl.cache_key``, outside every
repository), of the store's kind, its resolved location and its bytes. A file that does not
verify — rewritten, truncated, copied from another repository or store — is read as empty: every
entry is a miss, never a result. ``marshal`` only ever sees bytes that verified. The cache folder
must be a real folder (not a symlink) and store files regular files; otherwise the run goes on
without a cache. docs/ARCHITECTURE.md ("Cache threat model") states what this defends.
"""

from __future__ import annotations

import hashlib
import hmac
import marshal
import os
import stat
import tempfile
import zlib
from pathlib import Path
from typing import Any

from govctl import __version__
from govctl.cache_key import cache_key, read_regular
from govctl.gcpause import paused_gc
from govctl.loader.documents import DocumentRecord, FileRecord, Problem
from govctl.loader.load import DatasetStats
from govctl.policy.engine import PolicyFinding
from govctl.schema import PACKAGED_DIR

KEEP_RUNS = 5
FORMAT = 3  # 2: authenticated files (MAGIC, HMAC-SHA256, marshal payload); 3: sharded stores
SHARDS = 16  # parse and results stores: a change rewrites one sixteenth of them, not all
MAGIC = b"govctl-cache-v2\n"
MAC_BYTES = 32


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


def _decode_problems(items: tuple[Any, ...]) -> tuple[Problem, ...]:
    # Most documents have none: skipping the generator was a third of decoding a warm 10k run.
    return tuple([Problem(*p) for p in items]) if items else ()


def _decode_record(data: tuple[Any, ...]) -> FileRecord:
    sha, docs, problems = data
    return FileRecord(
        sha,
        tuple(
            [
                DocumentRecord(i, line, kind, name, version, doc, digest, _decode_problems(probs))
                for i, line, kind, name, version, doc, digest, probs in docs
            ]
        ),
        _decode_problems(problems),
    )


class _Store:
    def __init__(self, path: Path, key: bytes | None) -> None:
        self.path = path
        self.key = key  # None: no cache this run (nothing read, nothing written)
        self.generation = 0
        self._entries: dict[str, tuple[int, Any]] | None = None  # read on first use
        self.dirty = False

    @property
    def entries(self) -> dict[str, tuple[int, Any]]:
        if self._entries is None:
            self._entries = {}
            payload = self._verified(read_regular(self.path)) if self.key is not None else None
            if payload is not None:
                try:
                    with paused_gc():
                        loaded = marshal.loads(payload)
                    self.generation, self._entries = int(loaded[0]) + 1, dict(loaded[1])
                except (ValueError, EOFError, TypeError, IndexError):
                    self.generation, self._entries = 0, {}
        return self._entries

    def _mac(self, payload: bytes) -> bytes:
        assert self.key is not None
        mac = hmac.new(self.key, MAGIC, hashlib.sha256)
        mac.update(self.path.name.encode() + b"\0" + os.fsencode(self.path) + b"\0")
        mac.update(payload)
        return mac.digest()

    def _verified(self, data: bytes | None) -> bytes | None:
        """The payload of ``data`` if its MAC verifies under the user's key, else ``None``."""
        if data is None or not data.startswith(MAGIC):
            return None
        mac = data[len(MAGIC) : len(MAGIC) + MAC_BYTES]
        payload = data[len(MAGIC) + MAC_BYTES :]
        return payload if hmac.compare_digest(mac, self._mac(payload)) else None

    def get(self, key: str) -> Any:
        hit = self.entries.get(key)
        if hit is None:
            return None
        if hit[0] != self.generation:
            # Marked used in memory only: a run that adds nothing does not rewrite the file.
            self.entries[key] = (self.generation, hit[1])
        return hit[1]

    def put(self, key: str, value: Any) -> None:
        if self.key is None:
            return
        old = self.entries.get(key)
        self.entries[key] = (self.generation, value)
        if old is None or old[1] != value:  # the same entry again is no reason to rewrite
            self.dirty = True

    def save(self) -> None:
        if self.key is None or not self.dirty:
            return
        keep = {k: v for k, v in self.entries.items() if v[0] > self.generation - KEEP_RUNS}
        payload = marshal.dumps((self.generation, keep))
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(MAGIC + self._mac(payload) + payload)
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise


class _ShardedStore:
    """One store in ``SHARDS`` files (by CRC-32 of the key): an added entry rewrites one shard.
    The parse store is ~8 MB at 10k artifacts and ~40 MB at 50k; rewriting all of it for one
    changed file cost more than evaluating the file."""

    def __init__(self, directory: Path, kind: str, namespace: str, key: bytes | None) -> None:
        self.shards = [
            _Store(directory / f"{kind}-{namespace}-{i:x}.bin", key) for i in range(SHARDS)
        ]

    def _shard(self, key: str) -> _Store:
        return self.shards[zlib.crc32(key.encode("utf-8")) % SHARDS]

    def get(self, key: str) -> Any:
        return self._shard(key).get(key)

    def put(self, key: str, value: Any) -> None:
        self._shard(key).put(key, value)

    def save(self) -> None:
        for shard in self.shards:
            shard.save()


def _usable_folder(directory: Path) -> bool:
    """A real folder (created when missing), never a symlink, FIFO or file in its place."""
    try:
        info = os.lstat(directory)
    except FileNotFoundError:
        try:
            directory.mkdir(parents=True)
        except OSError:
            return False
        return True
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode)


class Cache:
    """The parse and result caches of one repository."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.parent.resolve() / directory.name
        usable = _usable_folder(self.directory)
        key = cache_key() if usable else None
        namespace = _namespace()
        self._parse = _ShardedStore(self.directory, "parse", namespace, key)
        self._results = _ShardedStore(self.directory, "results", namespace, key)
        self._stats = _Store(self.directory / f"stat-{namespace}.bin", key)
        self._runs = _Store(self.directory / f"runs-{namespace}.bin", key)
        self._state = _Store(self.directory / f"state-{namespace}.bin", key)
        if key is not None:
            self._ensure_gitignore()

    def _ensure_gitignore(self) -> None:
        # The cache must never be committed, even in repositories whose .gitignore forgot it.
        # O_EXCL|O_NOFOLLOW: never write through a symlink planted in the cache folder.
        try:
            fd = os.open(
                self.directory / ".gitignore",
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                0o644,
            )
        except OSError:
            return
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("*\n")

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

    def get_stat(self, path: str) -> tuple[Any, ...] | None:
        data = self._stats.get(path)
        return tuple(data) if isinstance(data, tuple) else None

    def put_stat(self, path: str, entry: tuple[Any, ...]) -> None:
        self._stats.put(path, entry)

    def get_memo(self, key: str) -> Any:
        """A value computed from file contents, keyed by their SHA-256s (parse store)."""
        return self._parse.get("m" + key)

    def put_memo(self, key: str, value: Any) -> None:
        self._parse.put("m" + key, value)

    def get_run(self, key: str) -> dict[str, list[PolicyFinding]] | None:
        """The per-subject results of a whole evaluation whose key is ``key``."""
        data = self._runs.get(key)
        if data is None:
            return None
        with paused_gc():
            return {identity: [PolicyFinding(*f) for f in found] for identity, found in data}

    def put_run(self, key: str, results: dict[str, list[PolicyFinding]]) -> None:
        # Only the latest run is kept: the store stays small enough to read on every run.
        if key not in self._runs.entries:
            self._runs.entries.clear()
        self._runs.put(
            key,
            tuple(
                (identity, tuple((f.rule, f.severity, f.message, f.ref, f.path) for f in found))
                for identity, found in sorted(results.items())
            ),
        )

    def get_state(self) -> Any:
        """The previous evaluation's ``govctl.run_state.RunState`` (encoded), or None."""
        return self._state.get("latest")

    def put_state(self, encoded: Any) -> None:
        self._state.put("latest", encoded)

    def save(self) -> None:
        try:
            self._parse.save()
            self._results.save()
            self._stats.save()
            self._runs.save()
            self._state.save()
        except OSError:
            pass  # a cache that cannot be written only costs speed next time
