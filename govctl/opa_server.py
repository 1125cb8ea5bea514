"""Finding an OPA binary and running a local OPA server on a free loopback port.

Used by ``govctl opa serve`` and by the test suite. The binary comes from an explicit path, PATH
or a cache folder filled by ``scripts/install-opa.sh`` (``go install`` of a pinned version). The
server listens on 127.0.0.1 only, never phones home (``--skip-version-check``), and is stopped
with SIGTERM, then SIGKILL if it does not exit in time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from govctl.errors import InfraError

PINNED_VERSION = "v1.22.2"
DEFAULT_CACHE_BIN = Path(".cache/opa/bin")


def cache_candidates(root: Path | None) -> list[Path]:
    """Where ``scripts/install-opa.sh`` puts OPA by default (relative to a repository)."""
    return [root / DEFAULT_CACHE_BIN / "opa"] if root is not None else []


def find_opa(
    explicit: Path | None = None,
    candidates: Iterable[Path] = (),
    search_path: str | None = None,
) -> Path | None:
    """The OPA binary: ``explicit`` if given (must exist), else ``opa`` on ``search_path``
    (the PATH string; None means no PATH lookup), else the first existing candidate."""
    if explicit is not None:
        return explicit if _is_executable(explicit) else None
    if search_path is not None:
        found = shutil.which("opa", path=search_path)
        if found:
            return Path(found)
    return next((c for c in candidates if _is_executable(c)), None)


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


@dataclass
class OpaServer:
    """A local OPA process: ``with OpaServer(binary) as server: server.url``."""

    binary: Path
    host: str = "127.0.0.1"
    port: int = 0  # 0: pick a free port
    start_timeout: float = 20.0
    extra_args: Sequence[str] = ()
    log_file: Path | None = None  # OPA's stdout/stderr; None: discarded (or the terminal)
    show_output: bool = False  # let OPA write to govctl's stderr (``govctl opa serve``)
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> OpaServer:
        # A probed free port may be taken before OPA binds it: try another one, unless the
        # caller asked for this port.
        attempts = 1 if self.port else 3
        for _ in range(attempts):
            if attempts > 1:
                self.port = free_port(self.host)
            if self._start_once():
                return self
        raise InfraError(f"OPA ({self.binary}) did not start on {self.host}: {self._log_tail()}")

    def _start_once(self) -> bool:
        args = [
            str(self.binary),
            "run",
            "--server",
            "--addr",
            f"{self.host}:{self.port}",
            "--log-level",
            "error",
            "--skip-version-check",
            "--shutdown-grace-period",
            "1",
            *self.extra_args,
        ]
        try:
            self.process = self._spawn(args)
        except OSError as exc:
            raise InfraError(f"cannot run OPA ({self.binary}): {exc.strerror}") from None
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                return False
            if _healthy(self.url):
                return True
            time.sleep(0.05)
        self.stop()
        raise InfraError(
            f"OPA did not become healthy at {self.url} within {self.start_timeout:g} s"
        )

    def _spawn(self, args: list[str]) -> subprocess.Popen[bytes]:
        # A new session: Ctrl-C in a terminal reaches govctl, which then stops OPA itself.
        if self.log_file is not None:
            with open(self.log_file, "ab") as log:
                return subprocess.Popen(
                    args, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
                )
        sink = None if self.show_output else subprocess.DEVNULL
        return subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink, start_new_session=True
        )

    def _log_tail(self) -> str:
        if self.log_file and self.log_file.exists():
            lines = self.log_file.read_text(errors="replace").strip().splitlines()
            return lines[-1] if lines else "no output"
        return "it exited at once (is the port in use?)"

    def stop(self, grace: float = 5.0) -> int | None:
        """Stop the process (SIGTERM, then SIGKILL after ``grace`` s); its exit status."""
        process, self.process = self.process, None
        if process is None:
            return None
        if process.poll() is None:
            process.terminate()
            try:
                return process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            return process.wait(timeout=grace)
        return None

    def kill(self) -> None:
        """SIGKILL, as a crash would (tests: OPA dying mid-run)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> OpaServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
