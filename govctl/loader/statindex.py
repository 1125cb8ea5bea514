"""When a file's bytes may be taken as unchanged without reading them (git's index).

An entry records a file's ``stat()`` identity — size, mtime, ctime (nanoseconds), inode and
device — and the SHA-256 of the bytes read at that time. A later run that finds the same identity
uses the recorded SHA-256 instead of reading and hashing the file again.

Two rules keep this fail-closed:

- **Racy entries are not recorded** (git's "racy git" rule, made stricter). A file whose mtime or
  ctime is not older than the start of the run minus ``RACY_MARGIN_NS`` could be rewritten again
  within the same timestamp granularity without any change to its stat identity; such a file is
  read again on the next run. The margin covers file systems with coarse timestamps (2 s on FAT)
  and the lag of the kernel's coarse clock behind ``time.time_ns()``.
- **ctime is part of the identity.** Anyone can set a file's mtime back (``touch -d``, ``utime``),
  but not its ctime: every write, rename, chmod or ``utime`` sets ctime to the current time, so an
  edit whose size and restored mtime match the entry is still seen.

The index itself lives in the cache folder, which is as writable as the work tree; it is one of
the authenticated stores of ``govctl.cache`` (an index not written by govctl under the user's key
reads as empty: every file is read). docs/engines.md ("The warm path") states what this assumes.
"""

from __future__ import annotations

import os
import stat
import time
from typing import Any, Protocol

# How much older than the run's start a file's mtime and ctime must be for its entry to be kept.
RACY_MARGIN_NS = 2_000_000_000

StatIdentity = tuple[int, int, int, int, int]  # size, mtime_ns, ctime_ns, inode, device


class StatIndex(Protocol):
    def get_stat(self, path: str) -> tuple[Any, ...] | None: ...

    def put_stat(self, path: str, entry: tuple[Any, ...]) -> None: ...


class WarmCache(StatIndex, Protocol):
    """The stat index plus values computed from file contents, keyed by their SHA-256s."""

    def get_memo(self, key: str) -> Any: ...

    def put_memo(self, key: str, value: Any) -> None: ...


def run_started_ns() -> int:
    return time.time_ns()


def identity_of(full_path: str) -> StatIdentity | None:
    """The stat identity of a regular file (symlinks followed), else ``None`` (always read)."""
    try:
        info = os.stat(full_path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def recorded_sha(index: StatIndex, path: str, identity: StatIdentity | None) -> str | None:
    """The SHA-256 recorded for ``path`` if its stat identity is exactly the recorded one."""
    if identity is None:
        return None
    entry = index.get_stat(path)
    if entry is None or len(entry) != 6 or tuple(entry[:5]) != identity:
        return None
    sha = entry[5]
    return sha if isinstance(sha, str) and len(sha) == 64 else None


def record(
    index: StatIndex, path: str, identity: StatIdentity | None, sha: str, started_ns: int
) -> None:
    """Remember ``sha`` for ``path`` unless its timestamps are too recent to be trusted."""
    if identity is None:
        return
    newest = max(identity[1], identity[2])
    if newest >= started_ns - RACY_MARGIN_NS:
        return  # racy: could change again without its stat identity changing
    index.put_stat(path, (*identity, sha))
