"""Which deployments a change reaches, and through which path.

A deployment is affected when its dependency closure (``govctl.graph``: prompt, models,
fallbacks, guardrails, eval suite and runs, governing residency rules, waivers) contains a changed
artifact, or when it changed itself. Closures are taken on both sides: the head closure finds what
the deployment now depends on, the base closure what it stopped depending on (a removed guardrail
policy, a residency rule that no longer governs it). ``via`` runs from the changed artifact to the
deployment (``GuardrailPolicy/strict → Deployment/support-eu-prod``), shortest path first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from govctl.graph import DependencyGraph
from govctl.registry import Artifact

DEPLOYMENT = "Deployment"


@dataclass(frozen=True)
class DeploymentInfo:
    identity: str
    environment: str | None
    user_facing: bool
    present: bool  # still exists at the head

    @property
    def label(self) -> str:
        facing = ", user-facing" if self.user_facing else ""
        return f"{self.identity} ({self.environment or 'no environment'}{facing})"


@dataclass(frozen=True)
class AffectedDeployment:
    info: DeploymentInfo
    via: tuple[str, ...]  # changed artifact … deployment (the shortest such path)
    changed: tuple[str, ...]  # every changed artifact that reaches it, sorted
    paths: tuple[tuple[str, ...], ...]  # one path per changed artifact, changed → deployment

    @property
    def identity(self) -> str:
        return self.info.identity


@dataclass(frozen=True)
class Reach:
    """Affected deployments (present at the head) and, per changed artifact, whom it reaches."""

    affected: tuple[AffectedDeployment, ...]
    by_change: Mapping[str, tuple[DeploymentInfo, ...]]  # includes removed deployments


def deployment_info(artifact: Artifact, present: bool) -> DeploymentInfo:
    environment = artifact.spec.get("environment")
    return DeploymentInfo(
        identity=artifact.identity,
        environment=environment if isinstance(environment, str) else None,
        user_facing=artifact.spec.get("userFacing") is True,
        present=present,
    )


def _hits(graph: DependencyGraph, deployment: str, changed: set[str]) -> dict[str, tuple[str, ...]]:
    """Changed members of the deployment's closure → path from the deployment to them."""
    closure = graph.closure(deployment)
    hits = {member: closure[member] for member in changed & closure.keys()}
    if deployment in changed:
        hits[deployment] = (deployment,)
    return hits


def reach(changed: set[str], base: DependencyGraph, head: DependencyGraph) -> Reach:
    paths: dict[str, dict[str, tuple[str, ...]]] = {}
    infos: dict[str, DeploymentInfo] = {}
    for artifact in head.registry.of_kind(DEPLOYMENT):
        hits = _hits(head, artifact.identity, changed)
        if hits:
            paths[artifact.identity] = hits
            infos[artifact.identity] = deployment_info(artifact, True)
    for artifact in base.registry.of_kind(DEPLOYMENT):
        hits = _hits(base, artifact.identity, changed)
        if not hits:
            continue
        present = head.registry.get(artifact.identity)
        own = paths.setdefault(artifact.identity, {})
        for member, path in hits.items():
            own.setdefault(member, path)  # the head path wins when both sides have one
        infos.setdefault(artifact.identity, deployment_info(present or artifact, bool(present)))
    by_change: dict[str, list[DeploymentInfo]] = {}
    affected = []
    for identity in sorted(paths):
        hits, info = paths[identity], infos[identity]
        for member in hits:
            by_change.setdefault(member, []).append(info)
        if not info.present:
            continue
        nearest = min(hits, key=lambda m: (len(hits[m]), m))
        affected.append(
            AffectedDeployment(
                info,
                tuple(reversed(hits[nearest])),
                tuple(sorted(hits)),
                tuple(tuple(reversed(hits[m])) for m in sorted(hits)),
            )
        )
    return Reach(tuple(affected), {k: tuple(v) for k, v in by_change.items()})


def touched_subjects(changed: set[str], base: DependencyGraph, head: DependencyGraph) -> set[str]:
    """Artifacts whose policy input may differ between the sides: the changed ones, and those
    whose closure on either side holds a changed one (a closure can only gain or lose members
    through a changed artifact, so this covers membership changes too)."""
    touched: set[str] = set()
    if not changed:
        return touched
    for graph in (head, base):
        for artifact in graph.registry:
            identity = artifact.identity
            if identity not in touched and (
                identity in changed or not changed.isdisjoint(graph.closure(identity))
            ):
                touched.add(identity)
    return touched
