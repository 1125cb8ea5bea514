"""The embedded engine: OPA's Wasm compilation of the bundle, or regopy when that cannot run.

``EmbeddedEngine`` picks its backend per bundle (``prepare``): the Wasm module (shipped for the
built-in catalog, or compiled with ``opa build -t wasm`` when an ``opa`` binary is available;
see ``wasm_build``), else regopy — and then says so: the engine's name becomes
``embedded (regopy fallback)`` and its version names the reason, in every output format and in
the audit event.

The regopy backend (``RegopyEngine``): regopy (rego-cpp) in a pool of worker processes.

Why processes: regopy is native code, and some Rego constructs abort or crash the whole process
(see NOTES.md). govctl's own process therefore never loads regopy: workers compile the bundle once
each and evaluate subjects in chunks. Each worker publishes the index of the subject it is
evaluating in shared memory, so when a worker dies govctl can re-run the suspects one at a time
in a fresh process and name the subject that kills the engine (exit 3, never a silent pass).

Policy runtime errors (builtin errors are strict, as on the OPA engine) are diagnosed in the
worker by querying each candidate rule on its own, so the error names the package and rule.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from importlib.metadata import version as package_version
from typing import Any

from govctl.errors import EngineError, PolicyError
from govctl.loader.load import worker_count
from govctl.models.names import SUBJECT_KINDS
from govctl.policy.bundle import PolicyBundle
from govctl.policy.engine import (
    EngineFinding,
    EngineSettings,
    EvalRequest,
    entrypoint,
    numbered_chunks,
    parse_triples,
)

CHUNK = 32
NAME = "embedded"

# Worker-process state, set once by ``_init_worker`` in each worker (never in govctl's process).
_WORKER: dict[str, Any] = {}

_ERROR_LOCATION = re.compile(r"\(error \d+:([^|\s]+)\|(\d+)\|(\d+)")
_ERROR_MESSAGE = re.compile(r"\(errormsg \d+:([^\n)]*)")


def _init_worker(
    slots: Any, counter: Any, sources: dict[str, str], stderr_path: str, data_json: str
) -> None:
    # Native code writes crash reports to fd 2; keep them out of govctl's own stderr and
    # quote them in the one-line error instead.
    fd = os.open(stderr_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.dup2(fd, 2)
    os.close(fd)
    with counter.get_lock():
        _WORKER["slot"] = counter.value
        counter.value += 1
    _WORKER["slots"] = slots
    _WORKER["sources"] = sources
    _WORKER["data"] = data_json


def _compile() -> str | None:
    """Compile the bundle in this worker, once. Returns the compiler's error text on failure."""
    if "bundle" in _WORKER:
        return None
    from regopy import Interpreter, LogLevel, RegoError

    interpreter = Interpreter()
    interpreter.log_level = LogLevel.NONE
    interpreter.strict_built_in_errors = True
    try:
        for path, source in _WORKER["sources"].items():
            interpreter.add_module(path, source)
        # All of the bundle's data in one call: regopy ignores a second call with a top-level
        # key it already holds.
        interpreter.add_data_json(_WORKER.get("data") or "{}")
        bundle = interpreter.build(None, [entrypoint(kind) for kind in SUBJECT_KINDS])
    except RegoError as exc:
        return str(exc)
    _WORKER.update(interpreter=interpreter, bundle=bundle)
    return None


def _diagnose(input_json: str, kind: str) -> str:
    """Find the package.rule whose evaluation fails for this input."""
    interpreter = _WORKER["interpreter"]
    entry = _WORKER["sources"].get("govctl_entry.rego", "")
    wanted = f"_{kind.lower()} contains"
    for line in entry.splitlines():
        if not line.startswith(wanted):
            continue
        ref = line.rsplit(" in ", 1)[1].strip()
        try:
            interpreter.set_input_term(input_json)
            failed = not interpreter.query(f"x := {ref}").ok()
        except Exception:
            failed = True
        if failed:
            return str(ref).removeprefix("data.")
    return ""


def _evaluate_chunk(chunk: list[tuple[int, str, str]]) -> tuple[str, Any]:
    """Evaluate (index, kind, input_json) items; ("ok", [(index, json)]) or an error tuple."""
    failed = _compile()
    if failed:
        return ("syntax", failed)
    interpreter, bundle, slots = _WORKER["interpreter"], _WORKER["bundle"], _WORKER["slots"]
    slot = _WORKER["slot"]
    results = []
    for index, kind, input_json in chunk:
        slots[slot] = index
        try:
            interpreter.set_input_term(input_json)
            output = interpreter.query_bundle_entrypoint(bundle, entrypoint(kind))
            ok = output.ok()
            text = str(output) if ok else ""
        except Exception:  # regopy raises bare errors (e.g. JSONDecodeError on odd output)
            ok = False
        if not ok:
            slots[slot] = -1
            return ("runtime", (index, _diagnose(input_json, kind)))
        results.append((index, text))
    slots[slot] = -1
    return ("ok", results)


def syntax_error(message: str, sources: dict[str, str]) -> PolicyError:
    location = _ERROR_LOCATION.search(message)
    detail = _ERROR_MESSAGE.search(message)
    text = detail.group(1).strip() if detail else message.strip().splitlines()[0]
    if not location:
        return PolicyError(f"Rego compile error: {text}")
    path, offset = location.group(1), int(location.group(2))
    source = sources.get(path, "").encode("utf-8")
    before = source[:offset]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
    return PolicyError(f"Rego compile error: {text}", file=path, line=line, column=column)


def _decode(raw: str, subject: str) -> list[EngineFinding]:
    try:
        data = json.loads(raw)
        value = data["expressions"][0]
        return parse_triples(value)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise EngineError(
            f"unexpected engine output: {exc}", engine=NAME, subject=subject
        ) from None


class RegopyEngine:
    name = NAME

    def __init__(self, settings: EngineSettings) -> None:
        self.workers = worker_count(settings.workers)
        handle, self._stderr_path = tempfile.mkstemp(prefix="govctl-regopy-", suffix=".log")
        os.close(handle)

    def version(self) -> str:
        return f"regopy {package_version('regopy')}"

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self._stderr_path)

    def _pool(
        self, workers: int, sources: dict[str, str], data_json: str
    ) -> tuple[ProcessPoolExecutor, Any]:
        # Fork is fastest, but a process that has loaded DuckDB must not fork regopy workers:
        # they then grow without bound (1.5 GB each on a 10k check). govctl itself never loads
        # DuckDB before evaluating; a library caller might, and then gets clean spawned workers.
        method = "spawn" if "duckdb" in sys.modules else "fork"
        context = multiprocessing.get_context(method)
        slots = context.Array("i", [-1] * workers, lock=False)
        counter = context.Value("i", 0)
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(slots, counter, sources, self._stderr_path, data_json),
        )
        return pool, slots

    def _native_message(self) -> str:
        """The last line native code wrote before dying (e.g. a std::runtime_error text)."""
        try:
            with open(self._stderr_path, encoding="utf-8", errors="replace") as handle:
                lines = [line.strip() for line in handle if line.strip()]
        except OSError:
            return ""
        return f": {lines[-1][:200]}" if lines else ""

    def evaluate(
        self, bundle: PolicyBundle, requests: Iterable[EvalRequest]
    ) -> dict[str, list[EngineFinding]]:
        # Requests are consumed lazily and submitted a chunk at a time, so the workers evaluate
        # while the caller is still serialising later input documents.
        sources = bundle.sources()
        seen: list[EvalRequest] = []
        pool: ProcessPoolExecutor | None = None
        slots: Any = ()
        futures: list[Future[tuple[str, Any]]] = []
        suspects: list[int] = []
        outcomes: list[tuple[str, Any]] = []
        try:
            for chunk in numbered_chunks(requests, seen, CHUNK):
                if pool is None:
                    pool, slots = self._pool(self.workers, sources, bundle.data_json())
                futures.append(pool.submit(_evaluate_chunk, chunk))
            outcomes = [future.result() for future in futures]
        except BrokenProcessPool:
            suspects = sorted({i for i in slots if i >= 0})
            outcomes = []
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        if not seen:
            return {}
        if suspects or not outcomes:
            raise self._crash(bundle, seen, suspects)
        return self._collect(outcomes, seen, bundle, sources)

    def _collect(
        self,
        outcomes: list[tuple[str, Any]],
        requests: Sequence[EvalRequest],
        bundle: PolicyBundle,
        sources: dict[str, str],
    ) -> dict[str, list[EngineFinding]]:
        out: dict[str, list[EngineFinding]] = {}
        for status, payload in outcomes:
            if status == "syntax":
                raise syntax_error(payload, sources)
            if status == "runtime":
                index, ref = payload
                package = ref.rpartition(".")[0]
                raise EngineError(
                    f"policy evaluation failed in {ref or 'the entry rule'} "
                    "(a builtin error, a conflicting rule value or a type error)",
                    engine=NAME,
                    subject=requests[index].subject,
                    rule=bundle.default_rule_id(package) if package else None,
                )
            for index, raw in payload:
                subject = requests[index].subject
                out[subject] = _decode(raw, subject)
        return out

    def _crash(
        self, bundle: PolicyBundle, requests: Sequence[EvalRequest], suspects: list[int]
    ) -> EngineError:
        """Re-run each suspect alone in a fresh worker to name the subject that crashes."""
        sources = bundle.sources()
        if not suspects:
            culprit = None
        else:
            data_json = bundle.data_json()
            culprit = next(
                (i for i in suspects if self._crashes_alone(sources, data_json, requests[i])), None
            )
        if culprit is None and not suspects:
            return EngineError(
                f"the regopy worker process crashed while compiling the policy bundle"
                f"{self._native_message()} (run `govctl policy lint` to find constructs regopy "
                "cannot handle)",
                engine=NAME,
            )
        subject = (
            requests[culprit].subject
            if culprit is not None
            else ", ".join(requests[i].subject for i in suspects)
        )
        return EngineError(
            f"the regopy worker process crashed{self._native_message()}; no result was reported",
            engine=NAME,
            subject=subject,
        )

    def _crashes_alone(self, sources: dict[str, str], data_json: str, request: EvalRequest) -> bool:
        pool, _ = self._pool(1, sources, data_json)
        try:
            pool.submit(_evaluate_chunk, [(0, request.kind, request.input_json)]).result()
        except BrokenProcessPool:
            return True
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return False


FALLBACK_LABEL = f"{NAME} (regopy fallback)"


def _missing_reason(bundle: PolicyBundle, names: Sequence[str]) -> str:
    """``the policies call http.send (policies/net.rego), which ...``: each builtin with the
    first module that calls it."""
    parts = []
    for name in names:
        call = re.compile(rf"(?<![\w.]){re.escape(name)}\s*\(")
        where = next((m.path for m in bundle.modules if call.search(m.source)), None)
        parts.append(f"{name} ({where})" if where else name)
    return f"the policies call {', '.join(parts)}, which govctl's Wasm host does not provide"


class EmbeddedEngine:
    """Wasm when the bundle has a module (or can get one), regopy otherwise."""

    name = NAME

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self.label = NAME
        self.fallback_reason = ""
        self._wasm: Any = None  # a WasmBackend once prepared
        self._wasm_version = ""
        self._regopy: RegopyEngine | None = None
        self._prepared_for: str | None = None

    def prepare(self, bundle: PolicyBundle) -> str:
        """Choose the backend for ``bundle``; returns the engine label for reports."""
        if self._prepared_for == bundle.digest:
            return self.label
        from govctl.policy.wasm_build import module_for, wasmtime_version
        from govctl.policy.wasm_builtins import HOST_BUILTINS
        from govctl.policy.wasm_engine import WasmBackend

        self._prepared_for = bundle.digest
        source, reason = module_for(bundle, self.settings.root)
        if source is not None:
            missing = [name for name in source.builtins if name not in HOST_BUILTINS]
            if missing:
                reason = _missing_reason(bundle, missing)
            else:
                # Nothing is loaded yet: a run answered from the cache never loads the module.
                self._wasm = WasmBackend(
                    source.wasm, getattr(bundle, "data", None) or {}, self._wasm_workers()
                )
                self._wasm_version = f"OPA {source.opa_version} Wasm, wasmtime {wasmtime_version()}"
                self.label, self.fallback_reason = NAME, ""
                return self.label
        self._wasm = None
        self.label, self.fallback_reason = FALLBACK_LABEL, reason
        return self.label

    def _wasm_workers(self) -> int:
        """Worker processes for Wasm: one core fewer than the CPUs by default, because govctl's
        own process builds the input documents meanwhile and Wasm evaluation is cheaper than
        that (measured on 2 cores: 1 worker beat 2). ``--workers N`` is taken as given."""
        if self.settings.workers:
            return worker_count(self.settings.workers)
        return max(1, worker_count(0) - 1)

    def version(self) -> str:
        if self._wasm is not None:
            return self._wasm_version
        regopy = f"regopy {package_version('regopy')}"
        return f"{regopy}; {self.fallback_reason}" if self.fallback_reason else regopy

    def evaluate(
        self, bundle: PolicyBundle, requests: Iterable[EvalRequest]
    ) -> dict[str, list[EngineFinding]]:
        self.prepare(bundle)
        if self._wasm is not None:
            result: dict[str, list[EngineFinding]] = self._wasm.evaluate(requests)
            return result
        if self._regopy is None:
            self._regopy = RegopyEngine(self.settings)
        return self._regopy.evaluate(bundle, requests)

    def close(self) -> None:
        if self._regopy is not None:
            self._regopy.close()
