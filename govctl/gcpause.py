"""Pause Python's cyclic garbage collector while a large, acyclic structure is built.

Reading the cache builds millions of tuples, dicts and strings (the parsed registry). Each
allocation counts towards the collector's thresholds, and its full collections walk the whole,
growing heap: measured on a 46,520-artifact registry, ``marshal.loads`` of the stores took 0.96 s
of CPU with the collector on and 0.28 s with it paused. Nothing built there holds a reference
cycle, so pausing frees nothing late; the collector is restored (if it was on) on exit, and the
next collection sees the new objects once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
