"""What a gateway actually runs, in a target-independent shape that drift rules compare.

A target (LiteLLM first) turns its own configuration — a file, or a running proxy's admin API —
into a ``DeployedGateway``: model groups with what they call, their limits and guardrails, the
fallback chains, the guardrail definitions and the environment variables it references. Every
element keeps the place it came from (``where``: a field path, and a line when read from a file),
so findings point into the configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Where:
    """A place in the deployed configuration: a field path and, from a file, its line/column."""

    path: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class DeployedGroup:
    """One model group entry (``model_list[i]`` for LiteLLM)."""

    name: str
    index: int
    model: str | None  # the provider route, e.g. azure/gpt-4o-2024-11-20
    region: str | None
    rpm: float | None
    max_tokens: float | None
    max_input_tokens: float | None
    timeout_seconds: float | None
    retries: float | None
    max_budget: float | None
    budget_duration: str | None
    guardrails: tuple[str, ...]
    metadata: Mapping[str, Any]  # what govctl wrote into model_info.govctl, if anything
    where: Mapping[str, Where] = field(default_factory=dict)  # field name → place

    def at(self, name: str) -> Where:
        return self.where.get(name) or self.where.get("entry") or Where(f"model_list[{self.index}]")


@dataclass(frozen=True)
class DeployedGuardrail:
    name: str
    integration: str | None  # e.g. presidio, azure/prompt_shield
    mode: str | None  # pre_call | post_call | during_call ...
    where: Where


@dataclass(frozen=True)
class Credential:
    """A credential-like field: an ``os.environ/NAME`` reference or a literal value."""

    field: str  # e.g. api_key
    env: str | None  # the variable name when it is a reference
    literal: bool  # a value written into the configuration itself
    where: Where


@dataclass(frozen=True)
class DeployedGateway:
    source: str  # file path (repository-relative when inside it) or URL
    digest: str  # sha256 of the file's bytes, or of the canonical JSON read from a proxy
    groups: tuple[DeployedGroup, ...]
    fallbacks: Mapping[str, tuple[str, ...]]  # group → fallback groups, in order
    fallback_where: Mapping[str, Where]
    guardrails: Mapping[str, DeployedGuardrail]
    credentials: tuple[Credential, ...]

    def group(self, name: str) -> DeployedGroup | None:
        return next((g for g in self.groups if g.name == name), None)
