"""Run OPA's own v1 conformance suite against govctl's embedded engines; print pass rates.

    python benchmarks/conformance.py                       # both engines, every case (~10 min)
    python benchmarks/conformance.py --engines wasm --folders sprintf time
    python benchmarks/conformance.py --builtins time.parse_rfc3339_ns sprintf

The cases ship inside the pinned OPA Go module (``v1/test/cases/testdata/v1``); they are taken
from the Go module cache, downloaded with ``go mod download`` when missing. Engines:

- ``wasm``: the case's modules compiled by ``opa build -t wasm`` (one entrypoint: the queried
  rule) and evaluated by govctl's Wasm driver with govctl's host builtins — the default engine;
- ``regopy``: the fallback engine (regopy); builtin errors strict where the case asks, as for
  Wasm (govctl itself always runs regopy with strict builtin errors).

Each case runs in its own forked process with a timeout, so a hang or a crash is a result, not
the end of the run. Results are compared as OPA's test runner does for sets: Wasm returns sets
as arrays in no fixed order, so arrays are compared sorted. Failure classes: ``wrong value``,
``undefined`` (OPA gives a value), ``no error`` (OPA errors; Wasm is lenient with builtin
errors), ``error`` (OPA gives a value), ``not compiled`` (refused by ``opa build`` or the
engine's compiler), ``missing builtin`` (a host builtin govctl does not provide),
``unsupported case`` (a query form or ``input_term`` this runner does not translate), ``hang``,
``crash``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from govctl.opa_server import PINNED_VERSION

MODULE = "github.com/open-policy-agent/opa"
CASES_SUBDIR = "v1/test/cases/testdata/v1"
TIMEOUT = 10.0
_QUERY = re.compile(r"^\s*data((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*=\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")


@dataclass
class Case:
    folder: str
    note: str
    modules: list[str]
    query: str
    data: Any = None
    input: Any = None
    has_input: bool = False
    input_term: str | None = None
    want_result: list[dict[str, Any]] | None = None
    want_error: bool = False
    strict_error: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def entry(self) -> tuple[str, str] | None:
        """(rule path like ``generated/p``, bound variable) for ``data.generated.p = x``."""
        match = _QUERY.match(self.query)
        if not match:
            return None
        return match.group(1).lstrip(".").replace(".", "/"), match.group(2)


def cases_dir() -> Path:
    """The suite's folder in the Go module cache (downloading the module if needed)."""
    version = PINNED_VERSION
    try:
        cache = subprocess.run(
            ["go", "env", "GOMODCACHE"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise FileNotFoundError(f"no Go toolchain to find OPA's conformance cases: {exc}") from None
    folder = Path(cache) / f"{MODULE}@{version}" / CASES_SUBDIR
    if not folder.is_dir():
        subprocess.run(
            ["go", "mod", "download", "-json", f"{MODULE}@{version}"],
            capture_output=True,
            check=False,
        )
    if not folder.is_dir():
        raise FileNotFoundError(f"OPA's conformance cases are not in {folder}")
    return folder


def load_cases(root: Path, folders: Sequence[str] = ()) -> list[Case]:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=False)
    out = []
    for path in sorted(root.glob("*/*.yaml")):
        folder = path.parent.name
        if folders and folder not in folders:
            continue
        doc = yaml.load(path.read_text(encoding="utf-8")) or {}
        for raw in doc.get("cases", []):
            out.append(
                Case(
                    folder=folder,
                    note=str(raw.get("note", "")),
                    modules=list(raw.get("modules") or []),
                    query=str(raw.get("query", "")),
                    data=raw.get("data"),
                    input=raw.get("input"),
                    has_input="input" in raw,
                    input_term=raw.get("input_term"),
                    want_result=raw.get("want_result"),
                    want_error=bool(raw.get("want_error_code") or raw.get("want_error")),
                    strict_error=bool(raw.get("strict_error")),
                )
            )
    return out


def cases_calling(cases: Iterable[Case], builtin: str) -> list[Case]:
    call = re.compile(rf"(?<![\w.]){re.escape(builtin)}\s*\(")
    return [c for c in cases if any(call.search(m) for m in c.modules)]


def _normal(value: Any) -> Any:
    """Arrays sorted (Wasm returns sets as arrays in no order); integral floats as ints."""
    if isinstance(value, list):
        items = [_normal(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, dict):
        return {str(k): _normal(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def classify(case: Case, outcome: tuple[str, Any]) -> str:
    """``pass`` or the failure class of an engine's (status, value) for this case."""
    status, value = outcome
    if status in ("hang", "crash", "not compiled", "missing builtin", "unsupported case"):
        return status
    if case.want_error:
        return "pass" if status == "error" else "no error"
    if status == "error":
        return "error"
    want = case.want_result or []
    if not want:
        return "pass" if value is None else "wrong value"
    if value is None:
        return "undefined"
    entry = case.entry()
    assert entry is not None
    expected = want[0].get(entry[1]) if len(want) == 1 else None
    return "pass" if _normal(expected) == _normal(value) else "wrong value"


# -- engines (each runs inside a forked child) ------------------------------------------------


def _run_wasm(case: Case, opa: str) -> tuple[str, Any]:
    from govctl.errors import PolicyError
    from govctl.policy.wasm_build import build_with_opa
    from govctl.policy.wasm_runtime import (
        MissingBuiltins,
        WasmPolicy,
        WasmTrap,
        compile_module,
        wasm_engine,
    )

    entry = case.entry()
    if entry is None or case.input_term is not None:
        return ("unsupported case", None)
    sources = {f"case{i}.rego": text for i, text in enumerate(case.modules)}
    try:
        wasm = build_with_opa(Path(opa), sources, [entry[0]])
    except PolicyError:
        return ("not compiled", None)
    engine = wasm_engine()
    try:
        policy = WasmPolicy(engine, compile_module(engine, wasm), case.strict_error)
    except MissingBuiltins as exc:
        return ("missing builtin", str(exc))
    try:
        if case.data:
            policy.set_data(case.data)
        # No input at all is an empty input text (opa_eval then leaves input undefined).
        text = json.dumps(case.input).encode() if case.has_input else b""
        value = policy.evaluate(entry[0], text)
    except WasmTrap as exc:
        return ("error", str(exc))
    return ("ok", value)


def _run_regopy(case: Case) -> tuple[str, Any]:
    from regopy import Interpreter, LogLevel

    entry = case.entry()
    if entry is None:
        return ("unsupported case", None)
    interpreter = Interpreter()
    interpreter.log_level = LogLevel.NONE
    # As OPA's runner: strict builtin errors only where the case asks for them.
    interpreter.strict_built_in_errors = case.strict_error
    try:
        for i, text in enumerate(case.modules):
            interpreter.add_module(f"case{i}.rego", text)
        if case.data:
            interpreter.add_data_json(json.dumps(case.data))
        if case.has_input:
            interpreter.set_input_term(json.dumps(case.input))
        elif case.input_term is not None:
            interpreter.set_input_term(case.input_term)
        output = interpreter.query(f"x := data.{entry[0].replace('/', '.')}")
    except Exception:
        return ("not compiled", None)
    if not output.ok():
        return ("error", None)
    text = str(output)
    if not text.strip() or text.strip() == "undefined":
        return ("ok", None)
    try:
        parsed = json.loads(text)
    except ValueError:
        return ("ok", None)
    bindings = parsed.get("bindings") if isinstance(parsed, dict) else None
    return ("ok", bindings.get("x") if isinstance(bindings, dict) else None)


def _child(engine: str, case: Case, opa: str, conn: Any) -> None:
    try:
        result = _run_wasm(case, opa) if engine == "wasm" else _run_regopy(case)
    except Exception as exc:  # an engine bug is a result too
        result = ("error", f"{type(exc).__name__}: {exc}")
    conn.send(result)
    conn.close()


def run_case(engine: str, case: Case, opa: str, timeout: float = TIMEOUT) -> str:
    return run_case_detail(engine, case, opa, timeout)[0]


def run_case_detail(
    engine: str, case: Case, opa: str, timeout: float = TIMEOUT
) -> tuple[str, str]:
    """(``pass`` or failure class, detail: e.g. the missing builtins' names)."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(engine, case, opa, child))
    process.start()
    child.close()
    if not parent.poll(timeout):
        process.kill()
        process.join()
        return ("hang", "")
    try:
        outcome = parent.recv()
    except EOFError:
        process.join()
        return ("crash", "")
    process.join()
    detail = outcome[1] if isinstance(outcome[1], str) else ""
    return (classify(case, outcome), detail)


def report(engine: str, results: Sequence[tuple[Case, str]]) -> str:
    counts = Counter(status for _, status in results)
    total = len(results)
    passed = counts.pop("pass", 0)
    rate = 100.0 * passed / total if total else 0.0
    lines = [f"{engine}: {passed}/{total} pass ({rate:.1f}%)"]
    for status, count in counts.most_common():
        lines.append(f"  {status}: {count}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--engines", nargs="+", default=["wasm", "regopy"],
        help="Engines to run the cases on (default: wasm regopy).",
    )
    parser.add_argument(
        "--folders", nargs="*", default=[], help="Only these case folders (default: all)."
    )
    parser.add_argument(
        "--builtins", nargs="*", default=[],
        help="Only cases calling these builtins (default: all).",
    )
    parser.add_argument("--failures", action="store_true", help="list every failing case")
    parser.add_argument(
        "--sample", type=int, default=1, metavar="N", help="every Nth case only (a quick estimate)"
    )
    args = parser.parse_args(argv)
    from govctl.policy.wasm_build import locate_opa

    opa = locate_opa(None)
    if opa is None and "wasm" in args.engines:
        sys.exit("no opa binary: run scripts/install-opa.sh or set GOVCTL_OPA_BIN")
    cases = load_cases(cases_dir(), args.folders)
    if args.builtins:
        cases = [c for b in args.builtins for c in cases_calling(cases, b)]
    cases = cases[:: max(1, args.sample)]
    os.environ.setdefault("GOVCTL_WASM_CACHE", tempfile.mkdtemp(prefix="govctl-conf-"))
    for engine in args.engines:
        results = []
        for number, case in enumerate(cases, 1):
            results.append((case, run_case(engine, case, str(opa))))
            if number % 100 == 0:
                print(f"  {engine}: {number}/{len(cases)}", file=sys.stderr, flush=True)
        print(report(engine, results), flush=True)
        if args.failures:
            for case, status in results:
                if status != "pass":
                    print(f"    {status}: {case.folder}: {case.note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
