"""Library API of ``govctl registry ...``: loading the registry and what the commands show."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govctl.config import CONFIG_FILENAME, load_config
from govctl.errors import EXIT_CLEAN, UsageError
from govctl.graph import DependencyGraph
from govctl.hints import did_you_mean
from govctl.loader.load import LoadSettings
from govctl.loader.load import load_registry as _load_registry
from govctl.loader.source import WorkTreeSource
from govctl.models.config import Config
from govctl.models.names import KINDS
from govctl.registry import Artifact, Registry

__all__ = [
    "KINDS",
    "ArtifactView",
    "RegistryGraph",
    "RegistryListing",
    "find_artifact",
    "graph",
    "listing",
    "load_registry",
    "show",
]


def load_registry(root: Path, config: Config | None = None) -> Registry:
    """Load the registry of the repository at ``root`` (no policies, no cache)."""
    root = root.resolve()
    config = config or load_config(root / CONFIG_FILENAME, CONFIG_FILENAME)
    return _load_registry(WorkTreeSource(root), config, LoadSettings()).registry


@dataclass(frozen=True)
class RegistryListing:
    """``registry list``: the artifacts (of one kind, or all) sorted by identity."""

    digest: str
    artifacts: tuple[Artifact, ...]
    exit_code: int = EXIT_CLEAN


@dataclass(frozen=True)
class ArtifactView:
    """``registry show``: one artifact, what it depends on and what depends on it."""

    artifact: Artifact
    depends_on: tuple[str, ...]
    dependents: tuple[str, ...]
    exit_code: int = EXIT_CLEAN


@dataclass(frozen=True)
class RegistryGraph:
    """``registry graph``: every identity and every (from, to) edge, sorted."""

    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]
    exit_code: int = EXIT_CLEAN


def listing(root: Path, config: Config, kind: str | None = None) -> RegistryListing:
    registry = load_registry(root, config)
    artifacts = sorted(
        (a for a in registry if kind is None or a.kind == kind), key=lambda a: a.identity
    )
    return RegistryListing(registry.digest, tuple(artifacts))


def find_artifact(registry: Registry, ref: str) -> Artifact:
    """An artifact by identity (``Kind/name[@version]``), or by name or ``name@version``."""
    if "/" in ref:
        found = registry.get(ref)
    else:
        found = next((a for a in registry if ref in (a.name, f"{a.name}@{a.version}")), None)
    if found is None:
        names = [a.identity for a in registry] if "/" in ref else [a.name for a in registry]
        raise UsageError(
            f"no artifact {ref!r}{did_you_mean(ref, names)} "
            "(identities look like Deployment/name or Prompt/name@1.0.0)"
        )
    return found


def show(root: Path, config: Config, ref: str) -> ArtifactView:
    registry = load_registry(root, config)
    artifact = find_artifact(registry, ref)
    dependencies = DependencyGraph(registry)
    dependents = [
        a.identity
        for a in registry
        if a.identity != artifact.identity and artifact.identity in dependencies.closure(a.identity)
    ]
    return ArtifactView(
        artifact, tuple(sorted(dependencies.closure(artifact.identity))), tuple(sorted(dependents))
    )


def graph(root: Path, config: Config) -> RegistryGraph:
    registry = load_registry(root, config)
    dependencies = DependencyGraph(registry)
    edges = sorted({(a.identity, t) for a in registry for t in dependencies.forward(a.identity)})
    return RegistryGraph(tuple(sorted(a.identity for a in registry)), tuple(edges))
