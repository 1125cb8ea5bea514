"""The explicit registry of policy engines (``--engine``, ``policy.engine`` in govctl.yaml).

Apart from ``govctl.policy.engine`` (the contract the engines implement) so that the engines
import the contract and only this module imports the engines. Each engine module is imported
when it is chosen: the OPA client is not loaded for an embedded run, nor the reverse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from govctl.errors import UsageError
from govctl.policy.bundle import PolicyBundle
from govctl.policy.engine import EngineSettings, PolicyEngine

EngineFactory = Callable[[EngineSettings], PolicyEngine]


def _embedded(settings: EngineSettings) -> PolicyEngine:
    from govctl.policy.embedded import EmbeddedEngine

    return EmbeddedEngine(settings)


def _regopy(settings: EngineSettings) -> PolicyEngine:
    from govctl.policy.embedded import RegopyEngine

    return RegopyEngine(settings)


def _opa(settings: EngineSettings) -> PolicyEngine:
    from govctl.policy.opa_engine import OpaEngine

    return OpaEngine(settings)


# The explicit registry: adding an engine means adding a line here, nothing else. ``regopy`` is
# the embedded engine's fallback backend on its own, for parity tests and benchmarks.
ENGINES: Mapping[str, EngineFactory] = {"embedded": _embedded, "opa": _opa, "regopy": _regopy}


def prepare_engine(engine: PolicyEngine, bundle: PolicyBundle) -> str:
    """Let the engine choose how it evaluates ``bundle`` (the embedded engine: Wasm, or regopy
    as a fallback) and return the engine's name for reports, e.g. ``embedded (regopy fallback)``.
    """
    prepare = getattr(engine, "prepare", None)
    return str(prepare(bundle)) if prepare is not None else engine.name


def create_engine(name: str, settings: EngineSettings) -> PolicyEngine:
    factory = ENGINES.get(name)
    if factory is None:
        raise UsageError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    return factory(settings)
