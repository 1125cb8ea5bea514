"""The only module that touches git: resolve refs, and read a commit's files straight from objects.

Nothing here checks anything out or writes to the repository, so it works with a dirty work tree,
inside a ``git worktree`` and in a shallow clone (as long as the commit asked for was fetched).
``GitTreeSource`` is a ``FileSource`` over one commit: ``load_registry(GitTreeSource(...), ...)``
loads the registry as it was at that commit.

Paths are relative to the govctl root, which may be a folder inside the git repository; symlink
blobs are followed inside that root only, exactly like ``WorkTreeSource`` does on disk.
"""

from __future__ import annotations

import posixpath
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from govctl.errors import GitError, UsageError
from govctl.hints import nearest
from govctl.loader.source import YAML_SUFFIXES, Listing, SourceProblem

if TYPE_CHECKING:
    import git

MODE_SYMLINK = "120000"
MODE_SUBMODULE = "160000"
MAX_SYMLINK_HOPS = 8
PREFETCH_MAX_BYTES = 1024 * 1024  # per blob: larger ones are read on demand
PREFETCH_TOTAL_BYTES = 128 * 1024 * 1024  # per listing: bounds memory on huge trees
_HEX_SHA = re.compile(r"[0-9a-fA-F]{7,40}\Z")


@dataclass(frozen=True, slots=True)
class TreeEntry:
    mode: str
    sha: str
    size: int


def require_ref(ref: str | None, option: str) -> None:
    """An option that names a git ref was given but is empty or blank: a usage error (exit 2).

    ``--base ''`` must not quietly mean "no base": that would skip every rule that needs one.
    """
    if ref is not None and not ref.strip():
        raise UsageError(
            f"{option} is empty: name a git ref (branch, tag or commit SHA), or leave {option} out"
        )


class GitRepository:
    """A git repository seen from a govctl root (the repository's top level or a folder in it)."""

    def __init__(self, root: Path) -> None:
        # GitPython costs ~25 ms to import: bound here, by the first repository opened, so a
        # check that never opens one does not pay for it. Every other use of ``git`` in this
        # module runs on an open repository.
        global git
        import git

        self.root = root.resolve()
        try:
            self.repo = git.Repo(self.root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise GitError(
                f"{self.root} is not inside a git repository (impact and --base read git history)"
            ) from None
        if self.repo.working_tree_dir is None:
            raise GitError(f"{self.root} is a bare git repository; run govctl in a checkout")
        self.toplevel = Path(self.repo.working_tree_dir).resolve()
        relative = self.root.relative_to(self.toplevel).as_posix()
        self.prefix = "" if relative == "." else relative
        # Blob contents by object id, shared by every tree read through this repository: the
        # base and head of a change share almost all of their files.
        self._blobs: dict[str, bytes] = {}
        self._trees: dict[str, GitTreeSource] = {}

    def close(self) -> None:
        self.repo.close()

    def __enter__(self) -> GitRepository:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def is_shallow(self) -> bool:
        return (Path(self.repo.common_dir) / "shallow").is_file()

    def resolve(self, ref: str, role: str = "base") -> str:
        """The commit SHA ``ref`` names; a ``GitError`` that says how to fetch it otherwise."""
        if not ref or ref.startswith("-") or any(c.isspace() or ord(c) < 32 for c in ref):
            raise GitError(f"{role} ref {ref!r} is not a valid git revision")
        try:
            return str(self.repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")).strip()
        except git.GitCommandError:
            raise GitError(self._missing_message(ref, role)) from None

    def head_sha(self) -> str | None:
        """The commit checked out here (None in a repository without commits)."""
        try:
            return str(self.repo.git.rev_parse("--verify", "--quiet", "HEAD^{commit}")).strip()
        except git.GitCommandError:
            return None

    def head_ref(self) -> str | None:
        """The symbolic ref checked out (``refs/heads/main``), None when HEAD is detached."""
        try:
            return str(self.repo.git.symbolic_ref("-q", "HEAD")).strip() or None
        except git.GitCommandError:
            return None

    def _remote_names(self) -> list[str]:
        return [remote.name for remote in self.repo.remotes]

    def _ref_names(self) -> list[str]:
        """Short names of the branches, tags and remote branches here."""
        try:
            listing = self.repo.git.for_each_ref(
                "--format=%(refname:short)", "refs/heads", "refs/tags", "refs/remotes"
            )
        except git.GitCommandError:
            return []
        return [name for name in str(listing).splitlines() if name and not name.endswith("/HEAD")]

    def _missing_message(self, ref: str, role: str) -> str:
        remotes = self._remote_names()
        remote = "origin" if "origin" in remotes else (remotes[0] if remotes else None)
        shallow = self.is_shallow()
        where = "this shallow clone" if shallow else "this clone"
        head = f"{role} ref {ref!r} is not in {where}"
        if remote is None:
            close = nearest(ref, self._ref_names())
            if close is not None:
                return f"{head}; did you mean {close!r}?"
            return f"{head}, which has no remote; check the name with `git branch -a` or `git log`"
        depth = "--depth=1 " if shallow else ""
        owner, slash, branch = ref.partition("/")
        if slash and owner in remotes and branch:
            # An explicit refspec: single-branch and shallow CI clones track no other branch,
            # so a plain `git fetch origin main` would not create origin/main.
            refspec = f"+refs/heads/{branch}:refs/remotes/{owner}/{branch}"
            return f"{head}; run `git fetch {depth}{owner} {refspec}`"
        if _HEX_SHA.match(ref):
            deeper = " (or `git fetch --unshallow`)" if shallow else ""
            return f"{head}; run `git fetch {remote} {ref}`{deeper}"
        if any(c in ref for c in "~^@{:"):
            if shallow:
                return f"{head}: its history is cut off here; run `git fetch --unshallow {remote}`"
            return f"{head}; check the revision with `git log --oneline`"
        close = nearest(ref, self._ref_names())
        if close is not None:  # a plain name close to one that exists: most likely a typo
            return f"{head}; did you mean {close!r}?"
        # `ref:ref` creates the branch or tag of that name here, so the same --base/--head works.
        return f"{head}; run `git fetch {depth}{remote} {ref}:{ref}` and pass --{role} {ref} again"

    def has_uncommitted_changes(self, paths: Sequence[str]) -> bool:
        """Whether any of these root-relative paths differ from HEAD in the work tree."""
        specs = [posixpath.join(self.prefix, p) if self.prefix else p for p in paths]
        try:
            out = self.repo.git.status("--porcelain", "--untracked-files=all", "--", *specs)
        except git.GitCommandError as exc:
            raise GitError(f"git status failed: {exc.stderr.strip() or exc}") from None
        return bool(str(out).strip())

    def tree_source(self, commit: str) -> GitTreeSource:
        """The files of ``commit`` (one listing per commit and repository)."""
        if commit not in self._trees:
            self._trees[commit] = GitTreeSource(self.root, commit, repository=self)
        return self._trees[commit]

    def list_tree(self, commit: str) -> dict[str, TreeEntry]:
        """Every blob and symlink under the root at ``commit``, by root-relative path."""
        args = ["-r", "-l", "-z", "--full-tree", commit]
        if self.prefix:
            args += ["--", self.prefix + "/"]
        try:
            out = self.repo.git.ls_tree(*args, strip_newline_in_stdout=False)
        except git.GitCommandError as exc:
            raise GitError(
                f"cannot read the tree of commit {commit[:12]}: {exc.stderr.strip()}"
            ) from None
        entries: dict[str, TreeEntry] = {}
        cut = len(self.prefix) + 1 if self.prefix else 0
        for record in str(out).split("\0"):
            if not record:
                continue
            meta, _, path = record.partition("\t")
            mode, _kind, sha, size = meta.split(None, 3)
            if mode == MODE_SUBMODULE:
                continue
            entries[path[cut:]] = TreeEntry(mode, sha, int(size) if size.strip().isdigit() else 0)
        return entries

    def commit_or_none(self, ref: str) -> str | None:
        """The commit ``ref`` names, or None when there is no such ref here."""
        try:
            out = self.repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
        except git.GitCommandError:
            return None
        return str(out).strip() or None

    def folder_entries(self, commit: str, folder: str) -> dict[str, TreeEntry]:
        """The blobs under one root-relative ``folder`` at ``commit``, by root-relative path."""
        spec = posixpath.join(self.prefix, folder) if self.prefix else folder
        try:
            out = self.repo.git.ls_tree(
                "-r",
                "-z",
                "--full-tree",
                commit,
                "--",
                spec.rstrip("/") + "/",
                strip_newline_in_stdout=False,
            )
        except git.GitCommandError as exc:
            raise GitError(f"cannot read the tree of {commit[:12]}: {exc.stderr.strip()}") from None
        cut = len(self.prefix) + 1 if self.prefix else 0
        entries: dict[str, TreeEntry] = {}
        for record in str(out).split("\0"):
            if record:
                meta, _, path = record.partition("\t")
                mode, _kind, sha = meta.split(None, 2)
                entries[path[cut:]] = TreeEntry(mode, sha, 0)
        return entries

    def path_history(self, refs: Sequence[str], paths: Sequence[str]) -> list[PathChange]:
        """Every change to the root-relative ``paths`` (files or folders) in the history of
        ``refs``, parents before children; renames count as a deletion plus an addition."""
        specs = [posixpath.join(self.prefix, p) if self.prefix else p for p in paths]
        try:
            out = self.repo.git.log(
                "-z",
                "--raw",
                "--no-abbrev",
                "--no-renames",
                "--topo-order",
                "--reverse",
                "--format=%x01%H",
                *refs,
                "--",
                *specs,
                strip_newline_in_stdout=False,
            )
        except git.GitCommandError as exc:
            raise GitError(f"cannot read the git history: {exc.stderr.strip()}") from None
        return _parse_raw_log(str(out), len(self.prefix) + 1 if self.prefix else 0)

    def blob(self, sha: str) -> bytes:
        cached = self._blobs.get(sha)
        if cached is not None:
            return cached
        try:
            _, _, _, data = self.repo.git.get_object_data(sha)
        except (git.GitCommandError, ValueError) as exc:
            raise GitError(f"cannot read git object {sha[:12]}: {exc}") from None
        return bytes(data)

    def prefetch(self, shas: Iterable[str]) -> None:
        """Read many blobs with one ``git cat-file --batch`` (one round trip per blob is slow)."""
        wanted = sorted({sha for sha in shas if sha not in self._blobs})
        if not wanted:
            return
        with tempfile.TemporaryFile() as names:
            names.write(("\n".join(wanted) + "\n").encode("ascii"))
            names.seek(0)
            try:
                out = self.repo.git.cat_file(
                    "--batch", istream=names, stdout_as_string=False, strip_newline_in_stdout=False
                )
            except git.GitCommandError as exc:
                raise GitError(f"cannot read git objects: {exc.stderr.strip()}") from None
        self._blobs.update(_parse_batch(bytes(out)))


@dataclass(frozen=True, slots=True)
class PathChange:
    """One file changed by one commit (``status``: A added, M modified, D deleted, T type)."""

    commit: str
    path: str
    status: str
    old_blob: str
    new_blob: str


def _parse_raw_log(out: str, cut: int) -> list[PathChange]:
    """``git log -z --raw --format=%x01%H`` output: per commit, ``:<modes> <old> <new> <status>``
    and the path, NUL-separated."""
    changes: list[PathChange] = []
    for chunk in out.split("\x01"):
        commit, _, rest = chunk.partition("\0")
        fields = rest.lstrip("\n").split("\0")
        for meta, path in zip(fields[0::2], fields[1::2], strict=False):
            parts = meta.lstrip(":").split()
            if len(parts) == 5:
                changes.append(PathChange(commit, path[cut:], parts[4][0], parts[2], parts[3]))
    return changes


def _parse_batch(out: bytes) -> dict[str, bytes]:
    """``<sha> <type> <size>\\n<content>\\n`` records (``<sha> missing`` ones are skipped)."""
    found: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) != 3:
            continue
        size = int(header[2])
        if header[1] == b"blob":
            found[header[0].decode("ascii")] = out[pos : pos + size]
        pos += size + 1
    return found


class GitTreeSource:
    """``FileSource`` over the tree of one commit, read from git objects (no checkout)."""

    def __init__(
        self, repo_root: Path, commit: str, repository: GitRepository | None = None
    ) -> None:
        self.repository = repository or GitRepository(repo_root)
        self.commit = commit
        self._entries = self.repository.list_tree(commit)
        self._symlinks = any(e.mode == MODE_SYMLINK for e in self._entries.values())
        self._folders = {posixpath.dirname(path) for path in self._entries}
        for folder in list(self._folders):
            while folder:
                folder = posixpath.dirname(folder)
                self._folders.add(folder)

    # --- path resolution -------------------------------------------------------------------

    def _target(self, entry: TreeEntry) -> str:
        return self.repository.blob(entry.sha).decode("utf-8", "surrogateescape")

    def _resolve(self, path: str) -> str:
        """Follow symlinks in every component; refuse anything that leaves the root."""
        if path.startswith("/") or "\\" in path:
            raise SourceProblem(path, "must be a relative POSIX path inside the repository")
        normal = posixpath.normpath(path)
        if normal == ".." or normal.startswith("../"):
            raise SourceProblem(path, "path leaves the repository")
        if not self._symlinks:
            return "" if normal == "." else normal
        parts = [] if normal == "." else normal.split("/")
        hops, index = 0, 0
        while index < len(parts):
            current = "/".join(parts[: index + 1])
            entry = self._entries.get(current)
            if entry is None or entry.mode != MODE_SYMLINK:
                index += 1
                continue
            hops += 1
            if hops > MAX_SYMLINK_HOPS:
                raise SourceProblem(path, "too many levels of symbolic links")
            target = self._target(entry)
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(current), target))
            if target.startswith("/") or joined == ".." or joined.startswith("../"):
                raise SourceProblem(path, f"symlink points outside the repository ({target})")
            parts = ([] if joined == "." else joined.split("/")) + parts[index + 1 :]
            index = 0
        return "/".join(parts)

    # --- FileSource --------------------------------------------------------------------------

    def list_yaml(self, roots: Sequence[str]) -> Listing:
        files: set[str] = set()
        problems: list[SourceProblem] = []
        prefetch: list[TreeEntry] = []
        for root in roots:
            top = posixpath.normpath(root.strip("/") or ".")
            if top == ".." or top.startswith("../") or root.startswith("/"):
                continue
            try:
                real_top = self._resolve(top)
            except SourceProblem:
                continue
            if real_top and real_top not in self._folders:
                continue
            lead = f"{real_top}/" if real_top else ""
            for path, entry in self._entries.items():
                if not path.startswith(lead):
                    continue
                if entry.mode != MODE_SYMLINK:
                    prefetch.append(entry)  # YAML, and the templates and datasets they name
                if not path.endswith(YAML_SUFFIXES):
                    continue
                inner = path[len(lead) :].split("/")
                if any(part.startswith(".") for part in inner[:-1]):
                    continue  # hidden folders are skipped, as on disk
                shown = f"{top}/{path[len(lead) :]}" if top != "." else path
                if entry.mode == MODE_SYMLINK:
                    try:
                        self._resolve(path)
                    except SourceProblem as exc:
                        problems.append(SourceProblem(shown, exc.message))
                        continue
                files.add(shown)
        self._prefetch(prefetch)
        return Listing(tuple(sorted(files)), tuple(problems))

    def _prefetch(self, entries: Iterable[TreeEntry]) -> None:
        shas, total = [], 0
        for entry in entries:
            if entry.size <= PREFETCH_MAX_BYTES and total + entry.size <= PREFETCH_TOTAL_BYTES:
                shas.append(entry.sha)
                total += entry.size
        self.repository.prefetch(shas)

    def read_bytes(self, path: str, max_bytes: int) -> bytes:
        real = self._resolve(path)
        entry = self._entries.get(real)
        if entry is None:
            if real in self._folders:
                raise SourceProblem(path, "is a folder, not a file")
            raise SourceProblem(path, "file not found")
        if entry.size > max_bytes:
            raise SourceProblem(
                path, f"file is {entry.size} bytes, over the {max_bytes}-byte bound"
            )
        try:
            return self.repository.blob(entry.sha)
        except GitError as exc:
            raise SourceProblem(path, f"cannot read: {exc}") from None

    def is_file(self, path: str) -> bool:
        try:
            return self._resolve(path) in self._entries
        except SourceProblem:
            return False
