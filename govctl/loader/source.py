"""Where artifact files come from: the work tree, or (``govctl.gitio``) a git tree.

A ``FileSource`` speaks repository-relative POSIX paths only, so findings, digests and caches do
not depend on where the repository is checked out. Paths that would leave the repository
(``..``, absolute paths, symlinks pointing outside) are refused with ``SourceProblem``.
"""

from __future__ import annotations

import errno
import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from govctl.fileio import NotReadable, read_regular, resolve_inside
from govctl.loader.statindex import StatIdentity, identity_of

YAML_SUFFIXES = (".yaml", ".yml")
SYMLINK_LOOP = "symlink loop (too many levels of symbolic links)"  # as govctl.fileio says it


class SourceProblem(Exception):
    """A file cannot be used: outside the repository, too large, unreadable, missing."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Listing:
    """YAML files found under the roots (sorted), and files refused while walking."""

    files: tuple[str, ...]
    problems: tuple[SourceProblem, ...]


class FileSource(Protocol):
    """Read-only view of a repository's files at one point in time."""

    def list_yaml(self, roots: Sequence[str]) -> Listing: ...

    def read_bytes(self, path: str, max_bytes: int) -> bytes: ...

    def is_file(self, path: str) -> bool: ...


def join_relative(base_file: str, relative: str) -> str:
    """Resolve ``relative`` against the folder of ``base_file``; refuse paths leaving the repo."""
    if relative.startswith("/") or "\\" in relative:
        raise SourceProblem(relative, "must be a relative POSIX path inside the repository")
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base_file), relative))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        raise SourceProblem(relative, "path leaves the repository")
    return joined


class WorkTreeSource:
    """Files of a checked-out repository folder."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        # Files found by list_yaml were checked while walking (no symlink leaves the
        # repository), so reading them needs no realpath: it was a third of a warm run.
        self._listed: set[str] = set()
        self.root_text = str(self.root)

    def _inside(self, target: Path) -> bool:
        try:
            target.relative_to(self.root)
        except ValueError:
            return False
        return True

    def _absolute(self, path: str) -> Path:
        return Path(self._absolute_text(path))

    def _absolute_text(self, path: str) -> str:
        """``_absolute`` over plain strings (``Path.resolve`` as ``os.path.realpath`` + a stat
        for loops): templates and datasets are checked on every run, and ``Path`` objects
        cost more than the check itself."""
        if path.startswith("/") or path == ".." or path.startswith("../"):
            raise SourceProblem(path, "path leaves the repository")
        full = os.path.join(self.root_text, path)
        real = os.path.realpath(full)
        try:
            os.stat(real)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise SourceProblem(path, SYMLINK_LOOP) from None
        if real != self.root_text and not real.startswith(self.root_text + os.sep):
            raise SourceProblem(path, f"symlink points outside the repository ({real})")
        return full

    @staticmethod
    def _resolve(full: Path, shown: str) -> Path:
        try:
            return resolve_inside(full)
        except NotReadable as exc:
            raise SourceProblem(shown, exc.message) from None

    def list_yaml(self, roots: Sequence[str]) -> Listing:
        files: list[str] = []
        problems: list[SourceProblem] = []
        missing: list[str] = []
        present = 0
        for root in roots:
            top = self.root / root
            try:
                real_top = self._resolve(top, root)
            except SourceProblem as exc:
                problems.append(exc)
                continue
            if not self._inside(real_top):
                problems.append(SourceProblem(root, f"roots entry {root!r} leaves the repository"))
                continue
            if not top.is_dir():
                missing.append(root)
                continue
            present += 1
            rel = top.relative_to(self.root).as_posix()
            self._walk(str(top), "" if rel == "." else rel, files, problems)
        if not present:  # nothing to check at all: fail closed rather than pass on zero files
            problems.extend(
                SourceProblem(root, f"roots entry {root!r} is not a folder in the repository")
                for root in missing
            )
        self._listed.update(files)
        return Listing(tuple(sorted(set(files))), tuple(problems))

    def _walk(self, folder: str, rel: str, files: list[str], problems: list[SourceProblem]) -> None:
        """``os.walk`` over plain strings with ``os.scandir``'s cached file types: a warm run
        lists every file of the registry, and ``Path`` objects per file cost more than the walk.
        Folders named ``.*`` are skipped; folder symlinks are never followed."""
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError:
            return  # as os.walk: a folder that cannot be listed holds nothing
        dirs: list[str] = []
        for entry in listed:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not entry.name.startswith("."):
                    dirs.append(entry.name)
                continue
            if not entry.name.endswith(YAML_SUFFIXES):
                continue
            path = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_symlink():
                refused = self._symlink_outside(Path(entry.path), path)
                if refused is not None:
                    problems.append(refused)
                    continue
            files.append(path)
        dirs.sort()
        problems.extend(self._linked_folders_outside(Path(folder), dirs))
        for name in dirs:
            full = os.path.join(folder, name)
            if not os.path.islink(full):
                self._walk(full, f"{rel}/{name}" if rel else name, files, problems)

    def _symlink_outside(self, full: Path, rel: str) -> SourceProblem | None:
        try:
            real = self._resolve(full, rel)
        except SourceProblem as exc:
            return exc
        if not self._inside(real):
            message = f"symlink points outside the repository ({os.readlink(full)})"
            return SourceProblem(rel, message)
        return None

    def stat_identity(self, path: str) -> StatIdentity | None:
        """The stat identity of a file ``list_yaml`` found (None for any other path: read it)."""
        return identity_of(os.path.join(self.root_text, path)) if path in self._listed else None

    def checked_identity(self, path: str) -> StatIdentity | None:
        """The stat identity of any file inside the repository (symlinks resolved and checked,
        as ``read_bytes`` does); None when it is outside, missing or not a regular file."""
        try:
            return identity_of(self._absolute_text(path))
        except SourceProblem:
            return None

    def _linked_folders_outside(self, folder: Path, dirs: list[str]) -> list[SourceProblem]:
        """Folder symlinks are never followed; one that leaves the repository is reported."""
        out = []
        for name in dirs:
            full = folder / name
            rel = full.relative_to(self.root).as_posix()
            if not full.is_symlink():
                continue
            try:
                real = self._resolve(full, rel)
            except SourceProblem as exc:
                out.append(exc)
                continue
            if not self._inside(real):
                message = f"symlink points outside the repository ({os.readlink(full)})"
                out.append(SourceProblem(rel, message))
        return out

    def read_bytes(self, path: str, max_bytes: int) -> bytes:
        full = Path(
            os.path.join(self.root_text, path)
            if path in self._listed
            else self._absolute_text(path)
        )
        try:
            return read_regular(full, max_bytes)
        except NotReadable as exc:
            raise SourceProblem(path, exc.message) from None

    def is_file(self, path: str) -> bool:
        try:
            return self._absolute(path).is_file()
        except SourceProblem:
            return False
