"""The embedded engine's default backend: OPA's Wasm compilation of the bundle on wasmtime.

Evaluation holds the GIL, so large runs use worker processes (forked, each loading the cached
native module in ~2 ms and the policy ``data`` once); runs of a few subjects evaluate in govctl's
own process, with no pool to start. Each worker publishes the index of the subject it is
evaluating in shared memory: if a worker dies, the error names that subject (exit 3), and a
trap (``opa_abort``: a conflicting rule value; a failing host builtin) names the subject and
the message OPA's module gave.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from govctl.errors import EngineError
from govctl.policy.engine import (
    EngineFinding,
    EvalRequest,
    entrypoint,
    numbered_chunks,
    parse_triples,
)

if TYPE_CHECKING:  # wasmtime (~0.04 s to import) is only loaded when something is evaluated
    from govctl.policy.wasm_runtime import WasmPolicy

NAME = "embedded"
CHUNK = 64
# Up to this many subjects are evaluated in govctl's own process: a pool would cost more than it
# saves. ``GOVCTL_WASM_IN_PROCESS`` overrides it (0: always use worker processes).
IN_PROCESS_LIMIT = 256


def in_process_limit() -> int:
    try:
        return max(0, int(os.environ.get("GOVCTL_WASM_IN_PROCESS", IN_PROCESS_LIMIT)))
    except ValueError:
        return IN_PROCESS_LIMIT


_WORKER: dict[str, Any] = {}  # worker-process state, set by _init_worker


def load_policy(serialized: bytes, data: Mapping[str, Any]) -> WasmPolicy:
    import wasmtime

    from govctl.policy.wasm_runtime import WasmPolicy, wasm_engine

    engine = wasm_engine()
    module = wasmtime.Module.deserialize(engine, serialized)
    policy = WasmPolicy(engine, module)
    if data:
        policy.set_data(data)
    return policy


def _init_worker(slots: Any, counter: Any, serialized: bytes, data: dict[str, Any]) -> None:
    with counter.get_lock():
        _WORKER["slot"] = counter.value
        counter.value += 1
    _WORKER.update(slots=slots, serialized=serialized, data=data)


def _evaluate_chunk(chunk: list[tuple[int, str, str]]) -> tuple[str, Any]:
    from govctl.policy.wasm_runtime import WasmTrap

    policy = _WORKER.get("policy")
    if policy is None:
        policy = _WORKER["policy"] = load_policy(_WORKER["serialized"], _WORKER["data"])
    slots, slot = _WORKER["slots"], _WORKER["slot"]
    results = []
    for index, kind, input_json in chunk:
        slots[slot] = index
        try:
            value = policy.evaluate(entrypoint(kind), input_json.encode("utf-8"))
        except WasmTrap as exc:
            slots[slot] = -1
            return ("runtime", (index, str(exc)))
        results.append((index, value))
    slots[slot] = -1
    return ("ok", results)


def _findings(value: Any, subject: str) -> list[EngineFinding]:
    if value is None:
        raise EngineError(
            "the entry rule was undefined (the policy module did not evaluate)",
            engine=NAME,
            subject=subject,
        )
    try:
        return parse_triples(value)
    except ValueError as exc:
        raise EngineError(
            f"unexpected engine output: {exc}", engine=NAME, subject=subject
        ) from None


def _runtime_error(message: str, subject: str) -> EngineError:
    return EngineError(f"policy evaluation failed: {message}", engine=NAME, subject=subject)


class WasmBackend:
    """Evaluates requests with one compiled module (serialized wasmtime code) and ``data``."""

    def __init__(self, wasm: bytes, data: Mapping[str, Any], workers: int) -> None:
        self.wasm = wasm
        self.data = dict(data)
        self.workers = workers
        self._local: WasmPolicy | None = None
        self._serialized: bytes | None = None

    @property
    def serialized(self) -> bytes:
        """The native code (wasmtime's serialized module), loaded or compiled on first use: a
        run whose results all come from the cache never pays for it."""
        if self._serialized is None:
            from govctl.policy.wasm_build import compiled_module

            self._serialized = compiled_module(self.wasm)
        return self._serialized

    def local(self) -> WasmPolicy:
        if self._local is None:
            self._local = load_policy(self.serialized, self.data)
        return self._local

    def evaluate(self, requests: Iterable[EvalRequest]) -> dict[str, list[EngineFinding]]:
        iterator = iter(requests)
        limit = in_process_limit()
        head = list(itertools.islice(iterator, limit + 1))
        if len(head) <= limit:
            return self._in_process(itertools.chain(head, iterator))
        return self._in_pool(itertools.chain(head, iterator))

    def _in_process(self, requests: Iterable[EvalRequest]) -> dict[str, list[EngineFinding]]:
        from govctl.policy.wasm_runtime import WasmTrap

        policy = self.local()
        out: dict[str, list[EngineFinding]] = {}
        for request in requests:
            try:
                value = policy.evaluate(entrypoint(request.kind), request.input_json.encode())
            except WasmTrap as exc:
                raise _runtime_error(str(exc), request.subject) from None
            out[request.subject] = _findings(value, request.subject)
        return out

    def _pool(self) -> tuple[ProcessPoolExecutor, Any]:
        # Fork is fastest; a process that has loaded DuckDB gets spawned workers instead (a
        # forked DuckDB process misbehaves).
        method = "spawn" if "duckdb" in sys.modules else "fork"
        context = multiprocessing.get_context(method)
        slots = context.Array("i", [-1] * self.workers, lock=False)
        counter = context.Value("i", 0)
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(slots, counter, self.serialized, self.data),
        )
        return pool, slots

    def _in_pool(self, requests: Iterable[EvalRequest]) -> dict[str, list[EngineFinding]]:
        seen: list[EvalRequest] = []
        pool, slots = self._pool()
        futures: list[Future[tuple[str, Any]]] = []
        try:
            for chunk in numbered_chunks(requests, seen, CHUNK):
                futures.append(pool.submit(_evaluate_chunk, chunk))
            outcomes = [future.result() for future in futures]
        except BrokenProcessPool:
            suspects = sorted({i for i in slots if i >= 0})
            names = ", ".join(seen[i].subject for i in suspects) or None
            raise EngineError(
                "a Wasm worker process crashed; no result was reported", engine=NAME, subject=names
            ) from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return _collect(outcomes, seen)


def _collect(
    outcomes: Sequence[tuple[str, Any]], requests: Sequence[EvalRequest]
) -> dict[str, list[EngineFinding]]:
    out: dict[str, list[EngineFinding]] = {}
    for status, payload in outcomes:
        if status == "runtime":
            index, message = payload
            raise _runtime_error(message, requests[index].subject)
        for index, value in payload:
            subject = requests[index].subject
            out[subject] = _findings(value, subject)
    return out
