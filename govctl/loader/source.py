"""Where artifact files come from: the work tree, or (``govctl.gitio``) a git tree.

A ``FileSource`` speaks repository-relative POSIX paths only, so findings, digests and caches do
not depend on where the repository is checked out. Paths that would leave the repository
(``..``, absolute paths, symlinks pointing outside) are refused with ``SourceProblem``.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from govctl.fileio import NotReadable, read_regular, resolve_inside

YAML_SUFFIXES = (".yaml", ".yml")


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

    def _inside(self, target: Path) -> bool:
        try:
            target.relative_to(self.root)
        except ValueError:
            return False
        return True

    def _absolute(self, path: str) -> Path:
        if path.startswith("/") or path == ".." or path.startswith("../"):
            raise SourceProblem(path, "path leaves the repository")
        full = self.root / path
        real = self._resolve(full, path)
        if not self._inside(real):
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
            for folder, dirs, names in os.walk(top, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                problems.extend(self._linked_folders_outside(Path(folder), dirs))
                for name in names:
                    if not name.endswith(YAML_SUFFIXES):
                        continue
                    full = Path(folder) / name
                    rel = full.relative_to(self.root).as_posix()
                    if full.is_symlink():
                        try:
                            real = self._resolve(full, rel)
                        except SourceProblem as exc:
                            problems.append(exc)
                            continue
                        if not self._inside(real):
                            message = f"symlink points outside the repository ({os.readlink(full)})"
                            problems.append(SourceProblem(rel, message))
                            continue
                    files.append(rel)
        if not present:  # nothing to check at all: fail closed rather than pass on zero files
            problems.extend(
                SourceProblem(root, f"roots entry {root!r} is not a folder in the repository")
                for root in missing
            )
        self._listed.update(files)
        return Listing(tuple(sorted(set(files))), tuple(problems))

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
        full = self.root / path if path in self._listed else self._absolute(path)
        try:
            return read_regular(full, max_bytes)
        except NotReadable as exc:
            raise SourceProblem(path, exc.message) from None

    def is_file(self, path: str) -> bool:
        try:
            return self._absolute(path).is_file()
        except SourceProblem:
            return False
