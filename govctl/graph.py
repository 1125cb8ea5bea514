"""References between artifacts, the dependency graph and a subject's closure.

Explicit references are fields that name another artifact (``spec.prompt``, ``spec.fallbacks[0]``
…). Implicit edges are computed: a Deployment depends on the ResidencyRules that govern it and on
the EvalRuns of its eval suite; every artifact depends on the Waivers that target it. The closure
of a subject is what ``input.related`` carries and what change impact follows, each member with
the path of identities through which it is reached.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from govctl.registry import Artifact, Registry, parse_reference

# (subject kind, field path, target kind); "[]" marks a list of references.
REFERENCE_FIELDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Prompt", ("spec", "model"), "Model"),
    ("Prompt", ("spec", "evalSuite"), "EvalSuite"),
    ("Deployment", ("spec", "prompt"), "Prompt"),
    ("Deployment", ("spec", "model"), "Model"),
    ("Deployment", ("spec", "fallbacks", "[]"), "Model"),
    ("Deployment", ("spec", "guardrails"), "GuardrailPolicy"),
    ("Deployment", ("spec", "evalSuite"), "EvalSuite"),
    ("Deployment", ("spec", "rollout", "rollbackTo"), "Prompt"),
    ("EvalRun", ("spec", "suite"), "EvalSuite"),
    ("EvalRun", ("spec", "prompt"), "Prompt"),
    ("EvalRun", ("spec", "model"), "Model"),
)


@dataclass(frozen=True, slots=True)
class Reference:
    source: str  # identity of the referring artifact
    path: str  # field path in the source, e.g. spec.fallbacks[0]
    kind: str  # kind of the target
    text: Any  # the value as written
    target: str | None  # identity, or None when the value is malformed


def _walk(value: Any, keys: tuple[str, ...]) -> list[tuple[str, Any]]:
    """The (field path, value) pairs that ``keys`` reaches in ``value``; ``"[]"`` fans out over a
    list. A loop, not recursive generators: it runs for every artifact of every check."""
    found: list[tuple[str, Any]] = [("", value)]
    for key in keys:
        reached: list[tuple[str, Any]] = []
        for path, current in found:
            if key == "[]":
                if isinstance(current, list):
                    reached.extend((f"{path}[{i}]", item) for i, item in enumerate(current))
            elif isinstance(current, dict) and current.get(key) is not None:
                reached.append((f"{path}.{key}" if path else key, current[key]))
        if not reached:
            return reached
        found = reached
    return found


_FIELDS_BY_KIND: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _kind, _keys, _target in REFERENCE_FIELDS:
    _FIELDS_BY_KIND.setdefault(_kind, []).append((_keys, _target))


def references(artifact: Artifact) -> list[Reference]:
    """Explicit references written in the artifact, in field order."""
    out = []
    for keys, target_kind in _FIELDS_BY_KIND.get(artifact.kind, ()):
        for path, text in _walk(artifact.doc, keys):
            out.append(
                Reference(
                    artifact.identity, path, target_kind, text, parse_reference(target_kind, text)
                )
            )
    return out


def _intersects(a: Any, b: Any) -> bool:
    return isinstance(a, list) and isinstance(b, list) and bool(set(map(str, a)) & set(map(str, b)))


def governs(rule: Artifact, deployment: Artifact) -> bool:
    """docs/spec.md §2: a rule governs a deployment whose data classes and jurisdictions meet it."""
    r, d = rule.spec, deployment.spec
    return _intersects(r.get("dataClasses"), d.get("dataClasses")) and _intersects(
        r.get("userJurisdictions"), d.get("userJurisdictions")
    )


class DependencyGraph:
    """Forward edges (explicit + implicit) over one registry, with reverse lookups."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._runs_by_suite: dict[str, list[str]] = {}
        self._waivers_by_target: dict[str, list[str]] = {}
        for run in registry.of_kind("EvalRun"):
            suite = parse_reference("EvalSuite", run.spec.get("suite"))
            if suite:
                self._runs_by_suite.setdefault(suite, []).append(run.identity)
        for waiver in registry.of_kind("Waiver"):
            target = waiver.spec.get("target")
            if isinstance(target, str):
                self._waivers_by_target.setdefault(target, []).append(waiver.identity)
        self._forward: dict[str, tuple[str, ...]] = {}
        self._closures: dict[str, dict[str, tuple[str, ...]]] = {}

    def references(self, identity: str) -> list[Reference]:
        artifact = self.registry.get(identity)
        return references(artifact) if artifact else []

    def effective_suite(self, deployment: Artifact) -> str | None:
        """The deployment's spec.evalSuite, else its prompt's."""
        own = parse_reference("EvalSuite", deployment.spec.get("evalSuite"))
        if own:
            return own
        prompt = self.registry.resolve("Prompt", deployment.spec.get("prompt"))
        return parse_reference("EvalSuite", prompt.spec.get("evalSuite")) if prompt else None

    def governing_rules(self, deployment: Artifact) -> list[str]:
        return [
            r.identity for r in self.registry.of_kind("ResidencyRule") if governs(r, deployment)
        ]

    def runs_of_suite(self, suite: str | None) -> list[str]:
        return list(self._runs_by_suite.get(suite, ())) if suite else []

    def waivers_for(self, identity: str) -> list[str]:
        return list(self._waivers_by_target.get(identity, ()))

    def forward(self, identity: str) -> tuple[str, ...]:
        """Identities this artifact depends on directly (existing ones only)."""
        cached = self._forward.get(identity)
        if cached is not None:
            return cached
        artifact = self.registry.get(identity)
        out: list[str] = []
        if artifact is not None:
            out = [r.target for r in references(artifact) if r.target]
            if artifact.kind == "Deployment":
                out += self.governing_rules(artifact)
                suite = self.effective_suite(artifact)
                if suite:
                    out.append(suite)
        result = tuple(dict.fromkeys(i for i in out if i in self.registry.artifacts))
        self._forward[identity] = result
        return result

    def closure(self, identity: str) -> dict[str, tuple[str, ...]]:
        """Everything ``identity`` depends on, each with the path from the subject to it.

        The path starts at the subject and ends at the member (both included). EvalRuns of a
        deployment's suite and waivers targeting the subject are members but not expanded.
        """
        cached = self._closures.get(identity)
        if cached is not None:
            return cached
        via: dict[str, tuple[str, ...]] = {}
        queue: deque[tuple[str, tuple[str, ...]]] = deque([(identity, (identity,))])
        while queue:
            current, path = queue.popleft()
            for target in self.forward(current):
                if target != identity and target not in via:
                    via[target] = (*path, target)
                    queue.append((target, via[target]))
        subject = self.registry.get(identity)
        if subject is not None and subject.kind == "Deployment":
            suite = self.effective_suite(subject)
            for run in self.runs_of_suite(suite):
                via.setdefault(run, (identity, suite or "", run))
        for waiver in self.waivers_for(identity):
            via.setdefault(waiver, (identity, waiver))
        self._closures[identity] = via
        return via

    def dependents(
        self, identities: set[str], kind: str = "Deployment"
    ) -> Mapping[str, tuple[str, ...]]:
        """Artifacts of ``kind`` whose closure contains any of ``identities`` → path to it."""
        out: dict[str, tuple[str, ...]] = {}
        for artifact in self.registry.of_kind(kind):
            if artifact.identity in identities:
                out[artifact.identity] = (artifact.identity,)
                continue
            closure = self.closure(artifact.identity)
            for member in sorted(identities & closure.keys()):
                out[artifact.identity] = closure[member]
                break
        return out
