"""One writer at a time: an advisory lock file next to the database.

``<db>.lock`` is locked with ``flock`` (the kernel drops it when the holder dies, even on SIGKILL,
so a crashed writer never leaves a stale lock) and holds a JSON line naming the holder (pid, host,
command, since), so a waiting writer can say who is in the way. A second writer polls until the
bound and then raises ``AuditLockedError``. POSIX only (``fcntl``).
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from govctl.errors import AuditLockedError, InfraError

POLL_SECONDS = 0.05


@dataclass(frozen=True)
class LockHolder:
    pid: int | None
    host: str | None
    command: str | None
    since: str | None

    def describe(self) -> str:
        parts = []
        if self.pid is not None:
            parts.append(f"pid {self.pid}" + (f" on {self.host}" if self.host else ""))
        if self.command:
            parts.append(f"running {self.command!r}")
        if self.since:
            parts.append(f"since {self.since}")
        return ", ".join(parts) or "holder unknown"


def lock_path_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def read_holder(lock_path: Path) -> LockHolder:
    try:
        data = json.loads(lock_path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    pid = data.get("pid")
    return LockHolder(
        pid if isinstance(pid, int) else None,
        str(data["host"]) if data.get("host") else None,
        str(data["command"]) if data.get("command") else None,
        str(data["since"]) if data.get("since") else None,
    )


def _describe_self() -> str:
    return json.dumps(
        {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": " ".join(
                os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv)
            )[:200],
            "since": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def writer_lock(db_path: Path, *, timeout: float, shown: str) -> Iterator[float]:
    """Hold the writer lock of ``db_path``; yields the seconds left of ``timeout``."""
    lock_path = lock_path_for(db_path)
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise InfraError(f"cannot create audit lock file {lock_path}: {exc.strerror}") from None
    start = time.monotonic()
    try:
        while not _try_lock(fd):
            waited = time.monotonic() - start
            if waited >= timeout:
                holder = read_holder(lock_path)
                raise AuditLockedError(
                    f"audit store {shown} is locked by another writer ({holder.describe()}); "
                    f"waited {waited:.1f}s (audit.lockTimeoutSeconds = {timeout:g})",
                    path=shown,
                    waited_seconds=waited,
                )
            time.sleep(min(POLL_SECONDS, max(timeout - waited, 0.001)))
        os.ftruncate(fd, 0)
        os.pwrite(fd, _describe_self().encode("utf-8"), 0)
        try:
            yield max(timeout - (time.monotonic() - start), 0.0)
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
