"""Library API of ``govctl opa serve``: a local OPA for ``govctl check --engine opa``
(docs/spec.md §8)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from govctl.config import find_root
from govctl.errors import EXIT_CLEAN, InfraError, UsageError
from govctl.opa_server import PINNED_VERSION, OpaServer, cache_candidates, find_opa

__all__ = ["OpaServeResult", "find_binary", "find_repository", "serve"]


@dataclass(frozen=True)
class OpaServeResult:
    binary: Path
    url: str
    exit_code: int = EXIT_CLEAN


def find_repository(start: Path) -> Path | None:
    """The nearest folder from ``start`` upwards holding govctl.yaml."""
    return find_root(start)


def find_binary(explicit: Path | None, roots: list[Path | None], search_path: str) -> Path:
    """``explicit``, else ``opa`` on ``search_path`` (PATH), else ``.cache/opa/bin/opa`` under
    each of ``roots``; a usage error naming how to get the pinned version when none runs."""
    candidates = [c for root in roots for c in cache_candidates(root)]
    binary = find_opa(explicit, candidates, search_path)
    if binary is None:
        wanted = (
            f"{explicit} is not an executable file"
            if explicit
            else ("no `opa` on PATH or in .cache/opa/bin")
        )
        raise UsageError(
            f"{wanted}; build the pinned OPA {PINNED_VERSION} with "
            "scripts/install-opa.sh, or pass --opa-bin"
        )
    return binary


def serve(binary: Path, port: int, ready: Callable[[str], None]) -> OpaServeResult:
    """Run OPA on a loopback port until Ctrl-C or SIGTERM; ``ready`` gets its URL once it
    answers. OPA exiting on its own is an infrastructure error."""
    server = OpaServer(binary, port=port, show_output=True)
    stop = threading.Event()

    def on_term(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_term)
    server.start()
    try:
        ready(server.url)
        while not stop.wait(0.2):
            if server.process is None or server.process.poll() is not None:
                raise InfraError(f"OPA at {server.url} exited unexpectedly")
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    return OpaServeResult(binary, server.url)
