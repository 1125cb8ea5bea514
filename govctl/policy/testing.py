"""``govctl policy test``: run Rego ``test_*`` rules on the embedded engine, like ``opa test``.

On OPA's Wasm (the embedded engine's default) when an ``opa`` binary can compile the policies
and their tests (each test rule an entrypoint; the build is cached by digest): OPA's own
semantics, ``with input as`` / ``with data.x as`` included. An evaluation error (a trap) is that
test's error, with the module's message, and the next test gets a fresh instance.

Without opa, tests run on regopy — and the report says so. regopy runs in a worker process (it
is native code; a crash must not take govctl down, and the error names the test and file).
A test passes when its rule evaluates to ``true``; false or undefined is a failure; an evaluation
error is an error. After an error the worker starts a fresh interpreter, because regopy can be
left unusable by one failing ``with`` (NOTES.md).

Rule coverage: a rule id counts as covered when a passing test mentions it (by its id string)
in its body; native rules (computed in Python) are reported apart.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govctl.policy.bundle import PolicyBundle
from govctl.policy.embedded import syntax_error
from govctl.policy.modules import RegoModule

_RULE_ID = re.compile(r"\b[A-Z][A-Z0-9]+-[A-Z0-9]+-\d{3}\b")
_TOP_LEVEL = re.compile(r"^[A-Za-z_#]", re.MULTILINE)


@dataclass(frozen=True)
class PolicyTest:
    module: str
    package: str
    name: str
    line: int
    mentions: tuple[str, ...]  # rule ids named in the test body

    @property
    def ref(self) -> str:
        return f"data.{self.package}.{self.name}"


@dataclass(frozen=True)
class PolicyTestOutcome:
    case: PolicyTest
    status: str  # pass | fail | error
    message: str = ""  # for an error: what the engine said


@dataclass(frozen=True)
class PolicyTestReport:
    outcomes: tuple[PolicyTestOutcome, ...]
    covered: tuple[str, ...]
    uncovered: tuple[str, ...]
    native: tuple[str, ...]
    engine: str = ""  # which engine ran the tests, e.g. "OPA 1.22.2 Wasm" or "regopy (fallback: …)"

    @property
    def failed(self) -> bool:
        return any(o.status != "pass" for o in self.outcomes)

    def counts(self) -> Mapping[str, int]:
        return {s: sum(o.status == s for o in self.outcomes) for s in ("pass", "fail", "error")}


def discover_tests(modules: Sequence[RegoModule], pattern: str | None = None) -> list[PolicyTest]:
    matcher = re.compile(pattern) if pattern else None
    cases = []
    for module in modules:
        for name in module.tests:
            full = f"data.{module.package}.{name}"
            if matcher and not matcher.search(full):
                continue
            start = re.search(rf"^{re.escape(name)}\b", module.source, re.MULTILINE)
            offset = start.start() if start else 0
            following = _TOP_LEVEL.search(module.source, offset + 1)
            body = module.source[offset : following.start() if following else len(module.source)]
            line = module.source.count("\n", 0, offset) + 1
            mentions = tuple(sorted(set(_RULE_ID.findall(body))))
            cases.append(PolicyTest(module.path, module.package, name, line, mentions))
    return cases


_STATE: dict[str, Any] = {}  # worker-process state (never used in govctl's own process)


def _fresh_interpreter(sources: Mapping[str, str], refs: Sequence[str], data_json: str) -> None:
    from regopy import Interpreter, LogLevel

    interpreter = Interpreter()
    interpreter.log_level = LogLevel.NONE
    interpreter.strict_built_in_errors = True
    for path, source in sources.items():
        interpreter.add_module(path, source)
    interpreter.add_data_json(data_json)  # once: regopy ignores a second call
    entrypoints = [r.removeprefix("data.").replace(".", "/") for r in refs]
    _STATE.update(interpreter=interpreter, bundle=interpreter.build(None, entrypoints))


def _run_tests(sources: dict[str, str], refs: list[str], data_json: str) -> list[str]:
    statuses = []
    _fresh_interpreter(sources, refs, data_json)
    for ref in refs:
        entry = ref.removeprefix("data.").replace(".", "/")
        try:
            output = _STATE["interpreter"].query_bundle_entrypoint(_STATE["bundle"], entry)
            ok = output.ok()
            value = output.results[0].expressions[0] if ok and output.results else None
        except Exception:
            ok, value = False, None
        if not ok:
            statuses.append("error")
            _fresh_interpreter(sources, refs, data_json)
        else:
            statuses.append("pass" if value is True else "fail")
    return statuses


def _entry(case: PolicyTest) -> str:
    return case.ref.removeprefix("data.").replace(".", "/")


def _run_on_wasm(
    sources: dict[str, str], data: Mapping[str, Any], cases: Sequence[PolicyTest], root: Path | None
) -> tuple[list[tuple[str, str]], str] | str:
    """Statuses and the engine name, or why the tests cannot run on Wasm."""
    from govctl.policy.wasm_build import compiled_module, module_for_sources
    from govctl.policy.wasm_engine import load_policy
    from govctl.policy.wasm_runtime import MissingBuiltins, WasmTrap

    points = sorted({_entry(c) for c in cases})
    source, reason = module_for_sources(sources, points, root, shipped=False)
    if source is None:
        return reason
    serialized = compiled_module(source.wasm)
    try:
        policy = load_policy(serialized, data)
    except MissingBuiltins as exc:
        return f"the policies or tests call {exc}, which govctl's Wasm host does not provide"
    out: list[tuple[str, str]] = []
    for case in cases:
        try:
            value = policy.evaluate(_entry(case), b"")
        except WasmTrap as exc:
            out.append(("error", str(exc)))
            policy = load_policy(serialized, data)  # a fresh instance for the next test
            continue
        out.append(("pass" if value is True else "fail", ""))
    return out, f"OPA {source.opa_version} Wasm"


def _quiet_stderr() -> None:
    # regopy's native code prints its crash reports to fd 2; the report names the test instead.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _regopy_pool() -> ProcessPoolExecutor:
    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_quiet_stderr)


def _run_on_regopy(
    sources: dict[str, str], cases: Sequence[PolicyTest], data_json: str
) -> list[tuple[str, str]]:
    """All tests in one worker; if it crashes, each test alone, so the crash names its test."""
    with _regopy_pool() as pool:
        try:
            statuses = pool.submit(_run_tests, sources, [c.ref for c in cases], data_json).result()
            return [(status, "") for status in statuses]
        except BrokenProcessPool:
            pass
        except Exception as exc:  # RegoError from compiling: syntax problems in tests
            raise syntax_error(str(exc), sources) from None
    out = []
    for case in cases:
        with _regopy_pool() as pool:
            try:
                status = pool.submit(_run_tests, sources, [case.ref], data_json).result()[0]
                out.append((status, ""))
            except BrokenProcessPool:
                out.append(
                    ("error", f"the regopy worker crashed running this test ({case.module})")
                )
    return out


def run_tests(
    bundle: PolicyBundle,
    rule_ids: Sequence[str],
    native_ids: Sequence[str],
    pattern: str | None = None,
    root: Path | None = None,
    data: Mapping[str, Any] | None = None,
) -> PolicyTestReport:
    """Run every test_* rule; ``data`` is the OPA data the tests see (default: the bundle's).
    Tests are written against the declared parameter defaults, as ``opa test`` sees them."""
    data_json = json.dumps(bundle.data if data is None else data, ensure_ascii=False)
    cases = discover_tests([*bundle.modules, *bundle.tests], pattern)
    sources = bundle.sources()
    for module in bundle.tests:
        sources[module.path] = module.source
    results: list[tuple[str, str]] = []
    engine = ""
    if cases:
        test_data = dict(bundle.data if data is None else data)
        on_wasm = _run_on_wasm(sources, test_data, cases, root)
        if isinstance(on_wasm, tuple):
            results, engine = on_wasm
        else:
            engine = f"regopy (fallback: {on_wasm})"
            results = _run_on_regopy(sources, cases, data_json)
    outcomes = tuple(
        PolicyTestOutcome(c, status, message)
        for c, (status, message) in zip(cases, results, strict=True)
    )
    covered = {rule for o in outcomes if o.status == "pass" for rule in o.case.mentions}
    rego_ids = [r for r in rule_ids if r not in native_ids]
    return PolicyTestReport(
        outcomes=outcomes,
        covered=tuple(sorted(r for r in rego_ids if r in covered)),
        uncovered=tuple(sorted(r for r in rego_ids if r not in covered)),
        native=tuple(sorted(native_ids)),
        engine=engine,
    )
