"""A thin driver for OPA's Wasm compilation of a policy bundle, on wasmtime's Python API.

OPA's Wasm ABI (docs: "WebAssembly" in OPA's documentation) is small: the module imports its
linear memory, ``opa_abort``, ``opa_println`` and ``opa_builtin0..4`` (host-provided builtins),
and exports ``opa_eval`` (one call per evaluation: entrypoint, data, input text, heap pointer;
returns the address of a NUL-terminated JSON result), ``opa_json_parse``/``opa_json_dump``,
``opa_malloc``, the heap pointer and the ``builtins``/``entrypoints`` tables (JSON objects of
name → id).

Why not opa-py-wasm: it creates the imported memory with 2 pages whatever the module asks for
(the catalog's module asks for at least 3, so it does not load), and it provides only a handful
of host builtins. The ABI is small enough that a direct driver is simpler than patching it.

A ``WasmPolicy`` belongs to one process and one thread: evaluation holds the GIL, so govctl runs
several processes, each with its own instance.
"""

from __future__ import annotations

import ctypes
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import wasmtime

from govctl.policy.wasm_builtins import HOST_BUILTINS, BuiltinFailure
from govctl.policy.wasm_builtins_base import parse_float

_PAGE = 65536
# A number token outside strings: ``.5`` or ``1.`` (Rego source text kept by the module).
_LOOSE_NUMBER = re.compile(r'"(?:[^"\\]|\\.)*"|(-?)(\d*)\.(\d*)(?![\d"])')


def _json_number(match: re.Match[str]) -> str:
    if match.group(0).startswith('"'):
        return match.group(0)
    sign, whole, fraction = match.group(1), match.group(2), match.group(3)
    return f"{sign}{whole or '0'}.{fraction or '0'}"


class WasmTrap(Exception):
    """Evaluation stopped: ``opa_abort`` (e.g. a conflicting rule value), a failing host builtin
    or a Wasm trap. The message says which."""


class MissingBuiltins(Exception):
    """The module needs builtins from the host that govctl does not provide."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def wasm_engine() -> wasmtime.Engine:
    # One configuration everywhere: a serialized module only loads into an engine configured
    # the same way, and the cache key includes wasmtime's version. No parallel compilation:
    # govctl forks worker processes after compiling, and a process must not fork while compiler
    # threads may hold locks (the catalog's module compiles in well under a second either way).
    config = wasmtime.Config()
    config.parallel_compilation = False
    return wasmtime.Engine(config)


def compile_module(engine: wasmtime.Engine, wasm: bytes) -> wasmtime.Module:
    return wasmtime.Module(engine, wasm)


def _memory_minimum(module: wasmtime.Module) -> int:
    for item in module.imports:
        if item.module == "env" and item.name == "memory":
            limits = item.type.limits  # type: ignore[union-attr]
            return int(limits.min)
    return 2


class WasmPolicy:
    """One instance of a compiled policy module, with its data loaded."""

    def __init__(
        self,
        engine: wasmtime.Engine,
        module: wasmtime.Module,
        strict_builtins: bool = True,
        check_builtins: bool = True,
    ) -> None:
        # Strict (govctl's mode, as on its OPA engine): a host builtin's error stops the
        # evaluation. Not strict (OPA's default): the call is undefined.
        self._strict = strict_builtins
        self._store = wasmtime.Store(engine)
        self._memory = wasmtime.Memory(
            self._store, wasmtime.MemoryType(wasmtime.Limits(_memory_minimum(module), None))
        )
        self._builtins_by_id: dict[int, tuple[str, Callable[..., Any]]] = {}
        self._pending: BaseException | None = None
        linker = wasmtime.Linker(engine)
        linker.allow_shadowing = True
        linker.define(self._store, "env", "memory", self._memory)
        i32 = wasmtime.ValType.i32()
        linker.define_func("env", "opa_abort", wasmtime.FuncType([i32], []), self._abort)
        linker.define_func("env", "opa_println", wasmtime.FuncType([i32], []), self._println)
        for arity in range(5):
            linker.define_func(
                "env",
                f"opa_builtin{arity}",
                wasmtime.FuncType([i32] * (arity + 2), [i32]),
                self._builtin,
            )
        self._instance = linker.instantiate(self._store, module)
        exports = self._instance.exports(self._store)
        self._fn: dict[str, Any] = {}
        for name in (
            "opa_eval",
            "opa_malloc",
            "opa_heap_ptr_get",
            "opa_json_parse",
            "opa_json_dump",
            "builtins",
            "entrypoints",
        ):
            self._fn[name] = exports[name]
        self.entrypoints: dict[str, int] = self._dump_json(self._call("entrypoints"))
        table: dict[str, int] = self._dump_json(self._call("builtins"))
        self.builtin_names = frozenset(table)
        missing = sorted(name for name in table if name not in HOST_BUILTINS)
        if missing and check_builtins:
            raise MissingBuiltins(missing)
        self._builtins_by_id = {
            i: (name, HOST_BUILTINS[name]) for name, i in table.items() if name in HOST_BUILTINS
        }
        self._data_addr = self._parse_json(b"{}")
        self._base = int(self._call("opa_heap_ptr_get"))

    # -- memory helpers -------------------------------------------------------------------
    def _call(self, name: str, *args: int) -> Any:
        return self._fn[name](self._store, *args)

    def _base_address(self) -> int:
        pointer = self._memory.data_ptr(self._store)
        return int(ctypes.cast(pointer, ctypes.c_void_p).value or 0)

    def _read_cstring(self, addr: int) -> bytes:
        return ctypes.string_at(self._base_address() + addr)

    def _ensure(self, end: int) -> None:
        size = self._memory.data_len(self._store)
        if end > size:
            self._memory.grow(self._store, (end - size + _PAGE - 1) // _PAGE)

    def _write(self, addr: int, data: bytes) -> None:
        self._ensure(addr + len(data))
        self._memory.write(self._store, data, addr)

    def _parse_json(self, text: bytes) -> int:
        addr = int(self._call("opa_malloc", len(text)))
        self._write(addr, text)
        value = int(self._call("opa_json_parse", addr, len(text)))
        if value == 0:
            raise WasmTrap("the policy module could not parse a JSON document")
        return value

    def _dump_json(self, value_addr: int) -> Any:
        text = self._read_cstring(int(self._call("opa_json_dump", value_addr))).decode("utf-8")
        try:
            return json.loads(text, parse_float=parse_float)
        except ValueError:
            # Numbers keep their Rego source text (``.5``, ``1.``), which JSON does not allow.
            return json.loads(_LOOSE_NUMBER.sub(_json_number, text), parse_float=parse_float)

    # -- imports ----------------------------------------------------------------------------
    def _abort(self, addr: int) -> None:
        message = self._read_cstring(addr).decode("utf-8", "replace")
        raise WasmTrap(message or "opa_abort")

    def _println(self, addr: int) -> None:
        # print() in a policy: not part of any result; ignored like `opa eval` without --v.
        return None

    def _builtin(self, builtin_id: int, _ctx: int, *args: int) -> int:
        name, function = self._builtins_by_id[builtin_id]
        try:
            values = [self._dump_json(a) for a in args]
            result = function(*values)
        except BuiltinFailure as exc:
            if not self._strict:
                return 0  # a null value: the builtin call is undefined
            # OPA with strict builtin errors stops the evaluation; so does govctl (fail closed).
            self._pending = WasmTrap(f"{name}: {exc}")
            raise self._pending from None
        except Exception as exc:  # a bug in a host builtin: still an evaluation error
            self._pending = WasmTrap(f"{name}: {type(exc).__name__}: {exc}")
            raise self._pending from None
        text = json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return self._parse_json(text)

    # -- public API ---------------------------------------------------------------------------
    def set_data(self, data: Mapping[str, Any]) -> None:
        """Load ``data`` once; evaluations reuse it. The heap above it is reused per call."""
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._data_addr = self._parse_json(text)
        self._base = int(self._call("opa_heap_ptr_get"))

    def evaluate(self, entrypoint: str, input_json: bytes) -> Any:
        """The value of ``entrypoint`` for this input, or None when it is undefined."""
        entry = self.entrypoints.get(entrypoint)
        if entry is None:
            raise WasmTrap(f"the policy module has no entrypoint {entrypoint}")
        self._write(self._base, input_json)
        self._pending = None
        try:
            result_addr = self._call(
                "opa_eval",
                0,
                entry,
                self._data_addr,
                self._base,
                len(input_json),
                self._base + len(input_json),
                0,
            )
        except WasmTrap:
            raise
        except (wasmtime.Trap, wasmtime.WasmtimeError) as exc:
            if self._pending is not None:
                raise self._pending from None
            raise WasmTrap(_trap_message(exc)) from None
        results = json.loads(self._read_cstring(int(result_addr)))
        if not results:
            return None
        return results[0].get("result")


def _trap_message(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
