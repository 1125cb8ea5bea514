"""What the previous evaluation saw, so a small change re-evaluates only the subjects it reaches.

A subject's policy input is made of the subject, the members of its closure (and their dataset
measurements), the config and ``input.now`` (``govctl.policy.inputs``). When the previous run had
the same policies, engine, config, day and scope, the same set of artifacts, and the artifacts
whose digest, validity or dataset changed are none of the kinds that add edges to *other*
artifacts' closures (ResidencyRules govern deployments by their data classes, EvalRuns attach to
a suite's deployments, Waivers to their target), then a subject whose previous closure contains
no changed artifact has the same closure and the same input: its previous findings stand. Every
other subject is evaluated as usual (through the per-subject results cache). In any other case
``affected_subjects`` returns ``None`` and every subject is looked up as usual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from govctl.policy.engine import PolicyFinding
from govctl.registry import Registry

# Kinds whose content adds or removes closure edges of artifacts that do not depend on them.
GLOBAL_KINDS = frozenset({"ResidencyRule", "EvalRun", "Waiver"})

ArtifactState = tuple[str, str | None, bool]  # kind, digest, valid
DatasetState = tuple[str, bool, str | None]  # path, exists, digest


@dataclass(frozen=True)
class RunState:
    context: str  # policies, engine, config, day, scope (see ``govctl.stages``)
    artifacts: Mapping[str, ArtifactState]
    datasets: Mapping[str, DatasetState]
    closures: Mapping[str, tuple[str, ...]]  # evaluated subject → its closure's members
    results: Mapping[str, list[PolicyFinding]]  # evaluated subject → its policy findings

    def encode(self) -> tuple[Any, ...]:
        """Plain data for the cache (``decode`` reverses it)."""
        return (
            self.context,
            tuple((i, *state) for i, state in self.artifacts.items()),
            tuple((i, *state) for i, state in self.datasets.items()),
            tuple(self.closures.items()),
            tuple(
                (i, tuple((f.rule, f.severity, f.message, f.ref, f.path) for f in found))
                for i, found in self.results.items()
            ),
        )

    @classmethod
    def decode(cls, data: Any) -> RunState | None:
        """None for anything of another shape: no previous state."""
        try:
            context, artifacts, datasets, closures, results = data
            return cls(
                str(context),
                {str(i): (str(k), d, bool(v)) for i, k, d, v in artifacts},
                {str(i): (str(p), bool(e), d) for i, p, e, d in datasets},
                {str(i): tuple(members) for i, members in closures},
                {str(i): [PolicyFinding(*f) for f in found] for i, found in results},
            )
        except (TypeError, ValueError):
            return None


def artifact_states(registry: Registry) -> dict[str, ArtifactState]:
    return {a.identity: (a.kind, a.digest, a.valid) for a in registry}


def dataset_states(registry: Registry) -> dict[str, DatasetState]:
    return {i: (d.path, d.exists, d.digest) for i, d in registry.datasets.items()}


def affected_subjects(
    previous: RunState | None,
    context: str,
    artifacts: Mapping[str, ArtifactState],
    datasets: Mapping[str, DatasetState],
) -> set[str] | None:
    """Subjects whose input may differ from the previous run's; ``None``: any subject may."""
    if previous is None or previous.context != context:
        return None
    if artifacts.keys() != previous.artifacts.keys():
        return None  # an artifact added or removed can resolve or break any reference
    changed = {i for i, state in artifacts.items() if previous.artifacts[i] != state}
    changed |= {
        i
        for i in datasets.keys() | previous.datasets.keys()
        if datasets.get(i) != previous.datasets.get(i)
    }
    if any(artifacts.get(i, ("",))[0] in GLOBAL_KINDS for i in changed):
        return None
    affected = set(changed)
    for subject, members in previous.closures.items():
        if not changed.isdisjoint(members):
            affected.add(subject)
    return affected
