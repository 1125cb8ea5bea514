"""Reading and writing files without hanging, crashing or replacing what govctl does not own.

Reading (docs/fail-closed.md, "Inputs and outputs"): govctl reads only regular files. A FIFO
would block ``open()`` or ``read()`` forever, a device may never end, a socket cannot be opened
and a symlink loop makes ``Path.resolve`` raise. ``read_regular`` opens with ``O_NONBLOCK`` (so
opening a FIFO returns at once) and decides on ``fstat`` of the opened descriptor, so a file
swapped between a check and the open cannot slip through.

Writing user-named output: ``write_output`` is the one implementation behind every ``--output``
and every file a command writes for the user.
- a new path or an existing regular file is replaced atomically (temporary file + rename in the
  same folder), so a reader never sees half a report;
- a character device (``/dev/null``, ``/dev/stdout``) or a FIFO is written through: opened for
  writing, never replaced. A FIFO is opened with ``O_NONBLOCK``, which fails at once (ENXIO)
  when nobody reads it, so govctl never waits for a reader that will not come;
- a symlink is written through when it leads to a character device or FIFO (``/dev/stdout``);
  any other symlink is refused (exit 2): replacing it would drop the link, and writing through it
  would let a committed link aim govctl's output at any file the user can write;
- folders, sockets and block devices are refused (exit 2).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from govctl.errors import InfraError, UsageError

_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_CHUNK = 1024 * 1024


class NotReadable(Exception):
    """A path that is not a readable regular file; ``message`` says why, without the path."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def file_type(mode: int) -> str:
    """What a ``st_mode`` is, in words, for messages."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symlink"
    return "not a regular file"


def _refusal(mode: int) -> NotReadable:
    if stat.S_ISDIR(mode):
        return NotReadable("is a folder, not a file")
    return NotReadable(f"is {file_type(mode)}, not a regular file")


def _open_error(exc: OSError) -> NotReadable:
    if exc.errno == errno.ENOENT:
        return NotReadable("file not found")
    if exc.errno == errno.ELOOP:
        return NotReadable("symlink loop (too many levels of symbolic links)")
    if exc.errno == errno.ENXIO:  # a socket, or a device with no driver behind it
        return NotReadable("is not a regular file (no such device or address)")
    return NotReadable(f"cannot read: {exc.strerror}")


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path`` (symlinks followed), at most ``max_bytes``.

    Raises ``NotReadable`` for anything else: missing, a folder, FIFO, device, socket, symlink
    loop, over the bound, unreadable. Never blocks on a FIFO or device.
    """
    try:
        # stat first so a device or FIFO is refused without being opened at all; the fstat
        # below is the check that counts (the path may change in between).
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            raise _refusal(before.st_mode)
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise _open_error(exc) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _refusal(info.st_mode)
        if info.st_size > max_bytes:
            raise NotReadable(f"file is {info.st_size} bytes, over the {max_bytes}-byte bound")
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:  # grew while we read it
            raise NotReadable(f"file is over the {max_bytes}-byte bound")
        return b"".join(chunks)
    except OSError as exc:
        raise _open_error(exc) from None
    finally:
        os.close(fd)


def resolve_inside(path: Path) -> Path:
    """``path.resolve()``, with a symlink loop as ``NotReadable`` instead of ``RuntimeError``."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError("Symlink loop ...")
        raise NotReadable("symlink loop (too many levels of symbolic links)") from None


# --- writing -----------------------------------------------------------------------------


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_through(path: Path, data: bytes, mode: int) -> None:
    """Write into an existing character device or FIFO without replacing it."""
    flags = os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC
    if stat.S_ISFIFO(mode):
        flags |= os.O_NONBLOCK  # fails with ENXIO at once when no process reads the FIFO
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise InfraError(f"cannot write {path}: it is a FIFO and nothing reads it") from None
        raise InfraError(f"cannot write {path}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
            raise UsageError(f"{path} changed while govctl opened it; not writing")
        if stat.S_ISFIFO(info.st_mode):
            os.set_blocking(fd, True)  # a reader is there: let a slow one drain the pipe
        _write_all(fd, data)
    except OSError as exc:
        raise InfraError(f"cannot write {path}: {exc.strerror}") from None
    finally:
        os.close(fd)


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise InfraError(f"cannot write {path}: {exc.strerror}") from None


def _write_to_link(path: Path, data: bytes) -> None:
    """A symlink to a character device or FIFO (``/dev/stdout``) is written through; any other
    symlink is refused: replacing it would drop the link, and following it to a regular file
    would let a committed link aim govctl's output at any file the user can write."""
    try:
        target = os.stat(path)
    except OSError:
        target = None
    if target is not None and (stat.S_ISCHR(target.st_mode) or stat.S_ISFIFO(target.st_mode)):
        _write_through(path, data, target.st_mode)
        return
    raise UsageError(
        f"{path} is a symlink; govctl writes through a symlink only to a device or FIFO and "
        "never replaces one — name the target file instead"
    )


def write_output(path: Path, data: bytes | str) -> None:
    """Write a user-named output file; see the module docstring for what is replaced and what
    is refused. ``InfraError`` (exit 3) when the write fails, ``UsageError`` (exit 2) when the
    path names something govctl will not write."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        _write_atomically(path, payload)
        return
    except OSError as exc:
        raise InfraError(f"cannot write {path}: {exc.strerror}") from None
    mode = info.st_mode
    if stat.S_ISREG(mode):
        _write_atomically(path, payload)
    elif stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        _write_through(path, payload, mode)
    elif stat.S_ISLNK(mode):
        _write_to_link(path, payload)
    else:
        raise UsageError(f"{path} is {file_type(mode)}; govctl writes only regular files")
