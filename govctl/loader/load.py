"""Load a registry from a ``FileSource``: discover, parse in parallel, validate, hash, read files.

Cold path: files are parsed in worker processes (both cores) and every ``FileRecord`` is cached by
the SHA-256 of the file's bytes, as are dataset measurements, so a warm run only reads and hashes
bytes. Problems never stop the run: each becomes a GOV-REG-001/002 finding with a location.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any, Protocol, TypeVar

from govctl.canonical import digest_bytes
from govctl.gcpause import paused_gc
from govctl.loader.documents import (
    DocumentRecord,
    FileRecord,
    Problem,
    document_digest,
    process_file,
)
from govctl.loader.source import FileSource, SourceProblem, WorkTreeSource, join_relative
from govctl.loader.statindex import (
    StatIdentity,
    WarmCache,
    recorded_sha,
    run_started_ns,
)
from govctl.loader.statindex import record as record_stat
from govctl.loader.yamlparse import YamlLimits, YamlProblem, decode_utf8
from govctl.models.config import Config
from govctl.registry import Artifact, DatasetInfo, Registry, build_registry

T = TypeVar("T")
R = TypeVar("R")
PARALLEL_THRESHOLD = 400  # below this many cache misses, forking workers costs more than it saves


@dataclass(frozen=True)
class LoadSettings:
    limits: YamlLimits = field(default_factory=YamlLimits)
    workers: int = 0  # 0: one per CPU
    template_max_bytes: int = 1024 * 1024
    dataset_max_bytes: int = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A problem found while loading, located by file (+ document and field when known)."""

    rule: str  # GOV-REG-001 (unreadable / invalid) or GOV-REG-002 (a file reference missing)
    message: str
    file: str
    line: int | None = None
    column: int | None = None
    ref: str | None = None
    path: str = ""
    doc_index: int | None = None


@dataclass(frozen=True, slots=True)
class DatasetStats:
    """A dataset as measured: ``cases`` counts distinct, non-empty cases (docs/spec.md §2: declared
    numbers are not trusted, and padding a golden set with copies or blanks must not count)."""

    digest: str
    cases: int
    tag_counts: tuple[tuple[str, int], ...]  # over the distinct, non-empty cases
    invalid_lines: tuple[int, ...]
    duplicate_key_lines: tuple[int, ...] = ()  # invalid lines that repeat a key in an object
    duplicate_count: int = 0  # lines whose case (canonical JSON) appeared on an earlier line
    duplicate_lines: tuple[tuple[int, int], ...] = ()  # (line, first line of that case), first 20
    empty_count: int = 0  # JSON objects with no content besides tags
    empty_lines: tuple[int, ...] = ()  # first 20

    def encode(self) -> tuple[Any, ...]:
        """A plain tuple for the parse cache (``decode`` reverses it)."""
        return (
            self.digest,
            self.cases,
            self.tag_counts,
            self.invalid_lines,
            self.duplicate_key_lines,
            self.duplicate_count,
            self.duplicate_lines,
            self.empty_count,
            self.empty_lines,
        )

    @classmethod
    def decode(cls, data: Sequence[Any]) -> DatasetStats | None:
        """None for an entry of another shape (written by another govctl): a cache miss."""
        if len(data) != 9:
            return None
        return cls(
            str(data[0]),
            int(data[1]),
            tuple((str(t), int(n)) for t, n in data[2]),
            tuple(data[3]),
            tuple(data[4]),
            int(data[5]),
            tuple((int(a), int(b)) for a, b in data[6]),
            int(data[7]),
            tuple(data[8]),
        )


class ParseCache(Protocol):
    def get_file(self, sha256: str) -> FileRecord | None: ...

    def put_file(self, record: FileRecord) -> None: ...

    def get_dataset(self, sha256: str) -> DatasetStats | None: ...

    def put_dataset(self, sha256: str, stats: DatasetStats) -> None: ...


@dataclass(frozen=True)
class LoadResult:
    registry: Registry
    problems: tuple[LoadProblem, ...]
    file_hashes: Mapping[str, str] = field(default_factory=dict)  # path → SHA-256 of its bytes
    files_read: int = 0  # YAML files and datasets read (the others were unchanged since the last)


def worker_count(requested: int) -> int:
    return requested if requested > 0 else max(1, os.cpu_count() or 1)


def parallel_map(
    func: Callable[[T], R], items: Sequence[T], workers: int, threshold: int = PARALLEL_THRESHOLD
) -> list[R]:
    """``map`` over a fork-started process pool when it pays off (``threshold`` items); in order."""
    if workers <= 1 or len(items) < threshold:
        return [func(item) for item in items]
    context = multiprocessing.get_context("fork")
    chunk = max(16, len(items) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(func, items, chunksize=chunk))


def _process(args: tuple[bytes, YamlLimits]) -> FileRecord:
    return process_file(*args)


_ASCII_SPACE = " \t\n\r\x0b\x0c"  # what bytes.strip() removes


def _dataset_lines(data: bytes) -> Iterable[tuple[int, str | bytes]]:
    """Numbered non-blank lines; text when the file is UTF-8 (json.loads on str is faster)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # json.loads still detects UTF-16/32 per line from the bytes
        return ((n, raw) for n, raw in enumerate(data.split(b"\n"), start=1) if raw.strip())
    return (
        (n, line.removeprefix("\ufeff"))  # json.loads(bytes) accepts a BOM on every line
        for n, line in enumerate(text.split("\n"), start=1)
        if line.strip(_ASCII_SPACE)
    )


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")  # Python's json would accept NaN and Infinity


_first = itemgetter(0)


class _RepeatedKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook``: a key given twice is refused (json.loads would keep the last), and
    keys come out sorted, so ``_case_key`` needs no ``sort_keys`` (half its cost)."""
    out = dict(sorted(pairs, key=_first))
    if len(out) != len(pairs):
        raise _RepeatedKey("repeated key")
    return out


_BLANK_VALUES: tuple[Any, ...] = (None, "", [], {})
REPORTED_LINES = 20  # line numbers kept per kind of problem


def _is_empty_case(case: dict[str, Any]) -> bool:
    """No field besides ``tags`` holds anything: a line that only pads the count."""
    return all(value in _BLANK_VALUES for key, value in case.items() if key != "tags")


def _number(text: str) -> Any:
    """``parse_float``: an integral value as an int, so 1.0, 1e0 and 1 (and -0.0 and 0) are the
    same case, as they are in RFC 8785 canonical JSON."""
    value = float(text)
    return int(value) if value.is_integer() else value


def _case_key(case: dict[str, Any]) -> str:
    """A canonical form of a case: two cases have the same key exactly when their RFC 8785
    canonical JSON is the same (numbers by value, keys in a fixed order). ``rfc8785.dumps`` per
    line cost six times the parse; this is the same equality at json.dumps speed."""
    return json.dumps(case, separators=(",", ":"))  # keys already sorted by _unique_keys


def measure_dataset(data: bytes) -> DatasetStats:
    """Count distinct, non-empty JSONL cases and their tags; remember invalid, repeated and empty
    lines."""
    tags: dict[str, int] = {}
    invalid: list[int] = []
    repeated_keys: list[int] = []
    first_seen: dict[str, int] = {}
    duplicates: list[tuple[int, int]] = []
    duplicate_count = empty_count = 0
    empty: list[int] = []
    for number, raw in _dataset_lines(data):
        try:
            case = json.loads(
                raw, parse_constant=_not_json, parse_float=_number, object_pairs_hook=_unique_keys
            )
        except _RepeatedKey:
            invalid.append(number)
            repeated_keys.append(number)
            continue
        except (ValueError, RecursionError):  # RecursionError: nested beyond the C scanner's limit
            invalid.append(number)
            continue
        if not isinstance(case, dict):
            invalid.append(number)
            continue
        if _is_empty_case(case):
            empty_count += 1
            if len(empty) < REPORTED_LINES:
                empty.append(number)
            continue
        key = _case_key(case)
        first = first_seen.setdefault(key, number)
        if first != number:
            duplicate_count += 1
            if len(duplicates) < REPORTED_LINES:
                duplicates.append((number, first))
            continue
        case_tags = case.get("tags")
        if isinstance(case_tags, list):
            for tag in set(t for t in case_tags if isinstance(t, str)):
                tags[tag] = tags.get(tag, 0) + 1
    return DatasetStats(
        digest_bytes(data),
        len(first_seen),
        tuple(sorted(tags.items())),
        tuple(invalid),
        tuple(repeated_keys),
        duplicate_count,
        tuple(duplicates),
        empty_count,
        tuple(empty),
    )


class _Loader:
    def __init__(
        self,
        source: FileSource,
        config: Config,
        settings: LoadSettings,
        cache: ParseCache | None,
        index: WarmCache | None,
    ) -> None:
        self.source = source
        self.config = config
        self.settings = settings
        self.cache = cache
        # The stat index only speaks for files of the work tree (never for a git tree).
        self.index = index if isinstance(source, WorkTreeSource) and cache is not None else None
        self.memo = index if cache is not None else None
        self.started_ns = run_started_ns()
        self.problems: list[LoadProblem] = []
        self.hashes: dict[str, str] = {}
        self.files_read = 0

    def _unchanged_record(self, path: str, identity: StatIdentity | None) -> FileRecord | None:
        """The cached record of a file whose stat identity is the one recorded with its hash."""
        if self.index is None or self.cache is None or identity is None:
            return None
        if identity[0] > self.settings.limits.max_bytes:
            return None  # read it, so the bound is reported as on any other run
        sha = recorded_sha(self.index, path, identity)
        record = self.cache.get_file(sha) if sha is not None else None
        if record is not None:
            self.hashes[path] = record.sha256
        return record

    def read_records(self, files: Iterable[str]) -> dict[str, FileRecord]:
        records: dict[str, FileRecord] = {}
        misses: list[tuple[str, bytes]] = []
        worktree = self.source if isinstance(self.source, WorkTreeSource) else None
        with paused_gc():  # decoding thousands of cached records (govctl.gcpause)
            for path in files:
                self._read_one(path, worktree, records, misses)
        workers = worker_count(self.settings.workers)
        fresh = parallel_map(_process, [(d, self.settings.limits) for _, d in misses], workers)
        for (path, _), record in zip(misses, fresh, strict=True):
            records[path] = record
            if self.cache:
                self.cache.put_file(record)
        return records

    def _read_one(
        self,
        path: str,
        worktree: WorkTreeSource | None,
        records: dict[str, FileRecord],
        misses: list[tuple[str, bytes]],
    ) -> None:
        """The record of one file, from the cache when possible, else queued for parsing."""
        limit = self.settings.limits.max_bytes
        # stat before reading: a write in between leaves a newer stat than the one recorded.
        identity = worktree.stat_identity(path) if worktree and self.index else None
        unchanged = self._unchanged_record(path, identity)
        if unchanged is not None:
            records[path] = unchanged
            return
        try:
            data = self.source.read_bytes(path, limit)
        except SourceProblem as exc:
            self.problems.append(LoadProblem("GOV-REG-001", exc.message, path))
            return
        self.files_read += 1
        sha = hashlib.sha256(data).hexdigest()
        self.hashes[path] = sha
        if self.index is not None:
            record_stat(self.index, path, identity, sha, self.started_ns)
        cached = self.cache.get_file(sha) if self.cache else None
        if cached is not None:
            records[path] = cached
        else:
            misses.append((path, data))

    def note(self, problem: Problem, path: str, ref: str | None = None) -> None:
        self.problems.append(
            LoadProblem(
                "GOV-REG-001",
                problem.message,
                path,
                problem.line,
                problem.column,
                ref,
                problem.path,
                problem.doc_index,
            )
        )

    def artifact(self, path: str, record: DocumentRecord, file_sha: str = "") -> Artifact | None:
        identity = record.identity
        for problem in record.problems:
            self.note(problem, path, identity)
        if identity is None:
            return None
        doc, digest, ok = record.doc, record.digest, record.valid
        template_path = None
        if digest is None:  # a Prompt using templateFile
            doc, ok, template_sha = self._with_template(path, record)
            digest = self._templated_digest(record, file_sha, template_sha)
            if digest is None:
                digest, refused = document_digest(doc)
                if refused:
                    self.note(replace(refused, doc_index=record.index), path, identity)
                    ok = False
                elif file_sha and template_sha and self.memo is not None:
                    self.memo.put_memo(self._memo_key(record, file_sha, template_sha), digest)
            try:
                template_path = join_relative(path, str(record.doc["spec"].get("templateFile")))
            except SourceProblem:
                template_path = None
        return Artifact(
            identity=identity,
            kind=record.kind,
            name=record.name or "",
            version=record.version,
            path=path,
            index=record.index,
            line=record.line,
            doc=doc,
            digest=digest,
            valid=ok,
            template_path=template_path,
        )

    @staticmethod
    def _memo_key(record: DocumentRecord, file_sha: str, template_sha: str) -> str:
        return f"template-digest|{file_sha}|{record.index}|{template_sha}"

    def _templated_digest(
        self, record: DocumentRecord, file_sha: str, template_sha: str
    ) -> str | None:
        """The RFC 8785 digest of a templated Prompt computed by an earlier run for the same file
        bytes and template bytes (the document is a function of both): canonicalising 800
        templates was a fifth of a warm 10k load."""
        if self.memo is None or not file_sha or not template_sha:
            return None
        value = self.memo.get_memo(self._memo_key(record, file_sha, template_sha))
        return value if isinstance(value, str) and value.startswith("sha256:") else None

    def _with_template(self, path: str, record: DocumentRecord) -> tuple[dict[str, Any], bool, str]:
        """The document with its template inlined, whether it is still valid, and the SHA-256
        of the template's bytes ("" when it could not be read)."""
        spec = record.doc["spec"]
        relative = spec.get("templateFile")
        where = dict(ref=record.identity, path="spec.templateFile", doc_index=record.index)
        try:
            template_path = join_relative(path, str(relative))
            data = self.source.read_bytes(template_path, self.settings.template_max_bytes)
        except SourceProblem as exc:
            missing = exc.message == "file not found"
            rule = "GOV-REG-002" if missing else "GOV-REG-001"
            message = f"template file {relative!r} {'not found' if missing else exc.message}"
            self.problems.append(LoadProblem(rule, message, path, **where))  # type: ignore[arg-type]
            return record.doc, False, ""
        try:
            text = decode_utf8(data)
        except YamlProblem as problem:
            self.problems.append(
                LoadProblem(
                    "GOV-REG-001", problem.message, template_path, problem.line, problem.column
                )
            )
            return record.doc, False, ""
        new_spec = {k: v for k, v in spec.items() if k != "templateFile"}
        new_spec["template"] = text
        return {**record.doc, "spec": new_spec}, record.valid, hashlib.sha256(data).hexdigest()

    def datasets(self, artifacts: Sequence[Artifact]) -> dict[str, DatasetInfo]:
        # suite, relative, path, bytes (None: unreadable or vouched for by the stat index), sha
        read: list[tuple[Artifact, str, str, bytes | None, str]] = []
        for suite in artifacts:
            relative = suite.spec.get("dataset") if suite.kind == "EvalSuite" else None
            if isinstance(relative, str):
                read.append((suite, relative, *self._read_dataset(suite, relative)))
        stats: dict[str, DatasetStats] = {}
        misses: dict[str, bytes] = {}
        for *_, data, sha in read:
            cached = self.cache.get_dataset(sha) if self.cache and sha else None
            if cached is not None:
                stats[sha] = cached
            elif data is not None:
                misses[sha] = data
        workers = worker_count(self.settings.workers)
        measured = parallel_map(measure_dataset, list(misses.values()), workers, threshold=64)
        for sha, fresh in zip(misses, measured, strict=True):
            stats[sha] = fresh
            if self.cache:
                self.cache.put_dataset(sha, fresh)
        return self._dataset_infos(read, stats)

    def _dataset_infos(
        self,
        read: list[tuple[Artifact, str, str, bytes | None, str]],
        stats: Mapping[str, DatasetStats],
    ) -> dict[str, DatasetInfo]:
        out: dict[str, DatasetInfo] = {}
        for suite, relative, path, _, sha in read:
            if not sha:
                out[suite.identity] = DatasetInfo(relative, False, None, 0, {}, ())
                continue
            found = stats[sha]
            repeated = set(found.duplicate_key_lines)
            for line in found.invalid_lines[:REPORTED_LINES]:
                message = (
                    "dataset line repeats a key in a JSON object"
                    if line in repeated
                    else "dataset line is not a JSON object"
                )
                self.problems.append(LoadProblem("GOV-REG-001", message, path, line, 1))
            out[suite.identity] = DatasetInfo(
                path,
                True,
                found.digest,
                found.cases,
                dict(found.tag_counts),
                found.invalid_lines,
                found.duplicate_count,
                tuple(line for line, _ in found.duplicate_lines),
                found.empty_count,
                found.empty_lines,
            )
        return out

    def _read_dataset(self, suite: Artifact, relative: str) -> tuple[str, bytes | None, str]:
        """(path, bytes, SHA-256); bytes None when the stat index vouches for a file whose
        measurements are cached; (relative, None, "") after noting why it cannot be read."""
        where = dict(ref=suite.identity, path="spec.dataset", doc_index=suite.index)
        try:
            path = join_relative(suite.path, relative)
            identity = self._checked_identity(path)
            vouched = self._vouched_dataset(path, identity)
            if vouched is not None:
                return path, None, vouched
            data = self.source.read_bytes(path, self.settings.dataset_max_bytes)
            self.files_read += 1
            sha = hashlib.sha256(data).hexdigest()
            if self.index is not None:
                record_stat(self.index, path, identity, sha, self.started_ns)
            return path, data, sha
        except SourceProblem as exc:
            missing = exc.message == "file not found"
            rule = "GOV-REG-002" if missing else "GOV-REG-001"
            message = f"dataset {relative!r} {'not found' if missing else exc.message}"
            self.problems.append(LoadProblem(rule, message, suite.path, **where))  # type: ignore[arg-type]
            return relative, None, ""

    def _vouched_dataset(self, path: str, identity: StatIdentity | None) -> str | None:
        """The recorded SHA-256 of an unchanged dataset whose measurements are cached."""
        if self.index is None or self.cache is None or identity is None:
            return None
        if identity[0] > self.settings.dataset_max_bytes:
            return None  # read it, so the bound is reported as on any other run
        sha = recorded_sha(self.index, path, identity)
        return sha if sha and self.cache.get_dataset(sha) is not None else None

    def _checked_identity(self, path: str) -> StatIdentity | None:
        """The stat identity of a work-tree file outside the listing, once its real path is
        checked to stay inside the repository (None: read it, and let reading say why not)."""
        if self.index is None or not isinstance(self.source, WorkTreeSource):
            return None
        return self.source.checked_identity(path)


def load_registry(
    source: FileSource,
    config: Config,
    settings: LoadSettings | None = None,
    cache: ParseCache | None = None,
    stat_index: WarmCache | None = None,
) -> LoadResult:
    """``stat_index``: skip reading work-tree files whose stat identity is unchanged
    (``govctl.loader.statindex``); ``cache`` must be given too."""
    settings = settings or LoadSettings()
    loader = _Loader(source, config, settings, cache, stat_index)
    listing = source.list_yaml(config.roots)
    for refused in listing.problems:
        loader.problems.append(LoadProblem("GOV-REG-001", refused.message, refused.path))
    records = loader.read_records(listing.files)
    artifacts: list[Artifact] = []
    with paused_gc():
        for path in listing.files:
            record = records.get(path)
            if record is None:
                continue
            for problem in record.problems:
                loader.note(problem, path)
            for document in record.documents:
                artifact = loader.artifact(path, document, record.sha256)
                if artifact is not None:
                    artifacts.append(artifact)
    datasets = loader.datasets(artifacts)
    registry = build_registry(config, artifacts, datasets, listing.files)
    return LoadResult(registry, tuple(loader.problems), loader.hashes, loader.files_read)
