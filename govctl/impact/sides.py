"""The two sides of a change: the registry at the base commit and at the head (commit or work tree).

Each side is loaded with its own ``govctl.yaml`` (the base's is read from the base commit), through
the ordinary loader, so digests, problems and caching are exactly those of ``govctl check``.
A base without ``govctl.yaml`` (the change that adopts govctl) is an empty registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govctl.config import CONFIG_FILENAME, parse_config
from govctl.errors import ConfigError
from govctl.gitio import GitRepository
from govctl.loader.documents import FileRecord
from govctl.loader.load import DatasetStats, LoadResult, LoadSettings, ParseCache, load_registry
from govctl.loader.source import FileSource, SourceProblem, WorkTreeSource
from govctl.loader.yamlparse import YamlProblem, decode_utf8
from govctl.models.config import Config
from govctl.registry import build_registry

CONFIG_MAX_BYTES = 1024 * 1024
WORKTREE = "WORKTREE"  # the head ref shown when the head is the work tree


@dataclass(frozen=True)
class Side:
    ref: str  # as the user wrote it ("origin/main", "HEAD"), or WORKTREE
    sha: str | None  # the commit; for the work tree, the commit checked out (HEAD)
    source: FileSource
    config: Config
    loaded: LoadResult

    @property
    def worktree(self) -> bool:
        return self.ref == WORKTREE


class SharedParseCache:
    """A ``ParseCache`` that keeps this run's records in memory in front of the disk cache.

    The two sides of a change share almost every file: each is parsed (or decoded from the disk
    cache) once, not once per side. Works without a disk cache too.
    """

    def __init__(self, disk: ParseCache | None) -> None:
        self.disk = disk
        self._files: dict[str, FileRecord] = {}
        self._datasets: dict[str, DatasetStats] = {}

    def get_file(self, sha256: str) -> FileRecord | None:
        hit = self._files.get(sha256)
        if hit is None and self.disk is not None:
            hit = self.disk.get_file(sha256)
            if hit is not None:
                self._files[sha256] = hit
        return hit

    def put_file(self, record: FileRecord) -> None:
        self._files[record.sha256] = record
        if self.disk is not None:
            self.disk.put_file(record)

    def get_dataset(self, sha256: str) -> DatasetStats | None:
        hit = self._datasets.get(sha256)
        if hit is None and self.disk is not None:
            hit = self.disk.get_dataset(sha256)
            if hit is not None:
                self._datasets[sha256] = hit
        return hit

    def put_dataset(self, sha256: str, stats: DatasetStats) -> None:
        self._datasets[sha256] = stats
        if self.disk is not None:
            self.disk.put_dataset(sha256, stats)


def config_relpath(root: Path, config_path: Path | None) -> str | None:
    """Where govctl.yaml lives relative to the root (None when it is outside the repository)."""
    if config_path is None:
        return CONFIG_FILENAME
    try:
        return config_path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def read_commit_config(source: FileSource, relpath: str, ref: str) -> Config | None:
    """The commit's govctl.yaml, None when the commit has none; ConfigError when it is invalid."""
    shown = f"{ref}:{relpath}"
    try:
        data = source.read_bytes(relpath, CONFIG_MAX_BYTES)
    except SourceProblem as exc:
        if exc.message == "file not found":
            return None
        raise ConfigError(exc.message, file=shown) from None
    try:
        text = decode_utf8(data)
    except YamlProblem as problem:
        raise ConfigError(problem.message, file=shown, line=problem.line) from None
    return parse_config(text, shown)


def _empty(config: Config) -> LoadResult:
    return LoadResult(build_registry(config, [], {}, ()), ())


def load_commit_side(
    repository: GitRepository,
    ref: str,
    sha: str,
    config_rel: str | None,
    fallback_config: Config,
    settings: LoadSettings,
    cache: ParseCache | None,
) -> Side:
    """The registry at ``sha``, read from git objects with that commit's own configuration."""
    source = repository.tree_source(sha)
    config = read_commit_config(source, config_rel, ref) if config_rel else fallback_config
    if config is None:
        return Side(ref, sha, source, fallback_config, _empty(fallback_config))
    return Side(ref, sha, source, config, load_registry(source, config, settings, cache))


def load_worktree_side(
    root: Path, sha: str | None, config: Config, settings: LoadSettings, cache: ParseCache | None
) -> Side:
    source = WorkTreeSource(root)
    return Side(WORKTREE, sha, source, config, load_registry(source, config, settings, cache))
