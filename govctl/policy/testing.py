"""``govctl policy test``: run Rego ``test_*`` rules on the embedded engine, like ``opa test``.

Tests run in a worker process (regopy is native code; a crash must not take govctl down). A test
passes when its rule evaluates to ``true``; false or undefined is a failure; an evaluation error
is an error. After an error the worker starts a fresh interpreter, because regopy can be left
unusable by one failing ``with`` (NOTES.md).

Rule coverage: a rule id counts as covered when a passing test mentions it (by its id string)
in its body; native rules (computed in Python) are reported apart.
"""

from __future__ import annotations

import json
import multiprocessing
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from govctl.errors import EngineError
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


@dataclass(frozen=True)
class PolicyTestReport:
    outcomes: tuple[PolicyTestOutcome, ...]
    covered: tuple[str, ...]
    uncovered: tuple[str, ...]
    native: tuple[str, ...]

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


def run_tests(
    bundle: PolicyBundle,
    rule_ids: Sequence[str],
    native_ids: Sequence[str],
    pattern: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> PolicyTestReport:
    """Run every test_* rule; ``data`` is the OPA data the tests see (default: the bundle's).
    Tests are written against the declared parameter defaults, as ``opa test`` sees them."""
    data_json = json.dumps(bundle.data if data is None else data, ensure_ascii=False)
    cases = discover_tests([*bundle.modules, *bundle.tests], pattern)
    sources = bundle.sources()
    for module in bundle.tests:
        sources[module.path] = module.source
    statuses: list[str] = []
    if cases:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            try:
                statuses = pool.submit(
                    _run_tests, sources, [c.ref for c in cases], data_json
                ).result()
            except BrokenProcessPool:
                raise EngineError(
                    "the regopy worker crashed while running policy tests", engine="embedded"
                ) from None
            except Exception as exc:  # RegoError from compiling: syntax problems in tests
                raise syntax_error(str(exc), sources) from None
    outcomes = tuple(PolicyTestOutcome(c, s) for c, s in zip(cases, statuses, strict=True))
    covered = {rule for o in outcomes if o.status == "pass" for rule in o.case.mentions}
    rego_ids = [r for r in rule_ids if r not in native_ids]
    return PolicyTestReport(
        outcomes=outcomes,
        covered=tuple(sorted(r for r in rego_ids if r in covered)),
        uncovered=tuple(sorted(r for r in rego_ids if r not in covered)),
        native=tuple(sorted(native_ids)),
    )
