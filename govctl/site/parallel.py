"""The per-deployment and per-artifact pages, rendered on every core.

A 10k-artifact registry has ~10k such pages; rendering them is pure CPU in Jinja, so they are
split across forked worker processes (they inherit the gathered model and the compiled
templates; nothing is pickled but the finished pages). A worker that dies ends the build with a
clean error (``BrokenProcessPool`` → ``InfraError``, exit 3), never a hang. Small sites, and
platforms without ``fork``, render in this process. The audit store is closed before this runs;
workers never touch DuckDB.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from govctl.errors import InfraError

PARALLEL_MIN = 1500  # below this many pages, starting workers costs more than it saves


class PageRenderer(Protocol):
    def item(self, identity: str) -> tuple[str, bytes]: ...

    def compile_all(self) -> None: ...

    def identities(self) -> list[str]: ...


_RENDERER: PageRenderer | None = None  # what forked workers render with


def _render_chunk(identities: Sequence[str]) -> list[tuple[str, bytes]]:
    assert _RENDERER is not None, "workers are forked after the renderer is set"
    return [_RENDERER.item(identity) for identity in identities]


def worker_count(requested: int) -> int:
    return requested if requested > 0 else (os.cpu_count() or 1)


def render_pages(renderer: PageRenderer, workers: int) -> Iterator[tuple[str, bytes]]:
    global _RENDERER
    identities = renderer.identities()
    count = worker_count(workers)
    if (
        count < 2
        or len(identities) < PARALLEL_MIN
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        for identity in identities:
            yield renderer.item(identity)
        return
    renderer.compile_all()
    # Interleaved chunks balance heavy deployment pages and light artifact pages.
    parts = count * 8
    chunks = [identities[i::parts] for i in range(parts)]
    _RENDERER = renderer
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            for pages in pool.map(_render_chunk, chunks):
                yield from pages
    except BrokenProcessPool:
        raise InfraError("a site rendering worker process died; nothing was written") from None
    finally:
        _RENDERER = None
