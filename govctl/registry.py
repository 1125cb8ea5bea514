"""The loaded registry: artifacts by identity, their digests, and reference resolution.

Identity is ``Kind/name@version`` for Prompt and Model, ``Kind/name`` otherwise (docs/spec.md §2).
References are written ``name@version`` (Prompt, Model) or ``name`` and resolve to identities.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from govctl.canonical import registry_digest
from govctl.models.config import Config
from govctl.models.names import VERSIONED_KINDS


@dataclass(frozen=True, slots=True)
class Artifact:
    identity: str
    kind: str
    name: str
    version: str | None
    path: str  # repository-relative POSIX path of the YAML file
    index: int  # document index within the file
    line: int  # first line of the document
    doc: dict[str, Any]  # the JSON form that is hashed (template text substituted)
    digest: str
    valid: bool  # passed schema validation; invalid artifacts resolve but are not evaluated
    template_path: str | None = None  # the template file a Prompt's digest covers

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.doc.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.doc.get("spec")
        return spec if isinstance(spec, dict) else {}


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """An eval dataset as govctl measured it (declared numbers are never trusted)."""

    path: str
    exists: bool
    digest: str | None
    cases: int
    tag_counts: Mapping[str, int]
    invalid_lines: tuple[int, ...]
    duplicate_cases: int = 0  # lines repeating an earlier case (not counted in ``cases``)
    duplicate_lines: tuple[int, ...] = ()  # the first of those lines
    empty_cases: int = 0  # objects with no content besides tags (not counted in ``cases``)
    empty_lines: tuple[int, ...] = ()  # the first of those lines

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "exists": self.exists,
            "cases": self.cases,
            "tagCounts": dict(sorted(self.tag_counts.items())),
            "digest": self.digest,
            "invalidLines": list(self.invalid_lines),
            "duplicateCases": self.duplicate_cases,
            "duplicateLines": list(self.duplicate_lines),
            "emptyCases": self.empty_cases,
            "emptyLines": list(self.empty_lines),
        }


def parse_reference(kind: str, text: Any) -> str | None:
    """Identity a reference points at, or None when it is malformed for that kind."""
    if not isinstance(text, str) or not text or "/" in text:
        return None
    if kind in VERSIONED_KINDS:
        name, at, version = text.partition("@")
        if not at or not name or not version or "@" in version:
            return None
        return f"{kind}/{name}@{version}"
    return None if "@" in text else f"{kind}/{text}"


@dataclass(frozen=True)
class Registry:
    config: Config
    artifacts: Mapping[str, Artifact]  # first declaration of each identity
    duplicates: tuple[Artifact, ...]  # later declarations of an identity already seen
    datasets: Mapping[str, DatasetInfo]  # by EvalSuite identity
    files: tuple[str, ...]
    digest: str
    _by_kind: Mapping[str, tuple[Artifact, ...]] = field(repr=False)

    def get(self, identity: str) -> Artifact | None:
        return self.artifacts.get(identity)

    def resolve(self, kind: str, reference: Any) -> Artifact | None:
        identity = parse_reference(kind, reference)
        return self.artifacts.get(identity) if identity else None

    def of_kind(self, kind: str) -> tuple[Artifact, ...]:
        return self._by_kind.get(kind, ())

    def __iter__(self) -> Iterator[Artifact]:
        return iter(self.artifacts.values())

    def __len__(self) -> int:
        return len(self.artifacts)


def build_registry(
    config: Config,
    artifacts: list[Artifact],
    datasets: Mapping[str, DatasetInfo],
    files: tuple[str, ...],
) -> Registry:
    by_identity: dict[str, Artifact] = {}
    duplicates: list[Artifact] = []
    for artifact in sorted(artifacts, key=lambda a: (a.path, a.index)):
        if artifact.identity in by_identity:
            duplicates.append(artifact)
        else:
            by_identity[artifact.identity] = artifact
    by_kind: dict[str, list[Artifact]] = {}
    for artifact in by_identity.values():
        by_kind.setdefault(artifact.kind, []).append(artifact)
    return Registry(
        config=config,
        artifacts=by_identity,
        duplicates=tuple(duplicates),
        datasets=datasets,
        files=files,
        digest=registry_digest((a.identity, a.digest) for a in by_identity.values()),
        _by_kind={k: tuple(v) for k, v in by_kind.items()},
    )
