"""The secret that authenticates ``.govctl-cache`` entries, kept outside every repository.

Anyone who can write the work tree can rewrite the cache files in it; only someone who can read
the user's own key file can make an entry govctl accepts (docs/ARCHITECTURE.md, "Cache threat
model"). The key is 32 random bytes in ``$GOVCTL_CACHE_KEY_DIR`` (tests, CI), else
``$XDG_CACHE_HOME/govctl``, else ``~/.cache/govctl``: folder 0700, file 0600, created on first use.
When no key can be read or created, govctl runs without a cache (slower, never wrong).
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

KEY_FILE = "cache.key"
KEY_BYTES = 32
ENV_DIR = "GOVCTL_CACHE_KEY_DIR"


def key_dir() -> Path | None:
    explicit = os.environ.get(ENV_DIR)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "govctl"
    try:
        return Path.home() / ".cache" / "govctl"
    except RuntimeError:  # no home folder: run without a cache
        return None


def read_regular(path: Path, *, private: bool = False) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (never follows a final symlink, never blocks
    on a FIFO or device), else ``None``. ``private``: also only if the user owns it and nobody
    else may read or write it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        if private and (info.st_uid != os.getuid() or info.st_mode & 0o077):
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _create(folder: Path, path: Path) -> None:
    """Write a new key next to ``path`` and link it into place: two first runs at once end with
    one key (the loser's link fails and it reads the winner's)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = folder / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.write(fd, secrets.token_bytes(KEY_BYTES))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def cache_key() -> bytes | None:
    """The user's cache key, created on first use; ``None`` when it cannot be had."""
    folder = key_dir()
    if folder is None:
        return None
    path = folder / KEY_FILE
    key = read_regular(path, private=True)
    if key is None and not os.path.lexists(path):
        try:
            _create(folder, path)
        except OSError:
            return None
        key = read_regular(path, private=True)
    return key if key is not None and len(key) == KEY_BYTES else None
