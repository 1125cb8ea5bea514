"""The change set between two registries, and ``input.change`` for ``govctl check --base``.

Artifacts are matched by identity: a head-only identity is ``added``, a base-only one ``removed``,
the same identity in another file ``renamed`` (not remove + add), otherwise ``modified`` when its
digest or (for an EvalSuite) its dataset's digest differs. The record shape is fixed in
docs/ARCHITECTURE.md ("input.change").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from govctl.gitio import GitRepository
from govctl.impact.diff import FieldChange, diff_documents
from govctl.impact.predicates import Delta, evaluate
from govctl.impact.sides import config_relpath, load_commit_side
from govctl.loader.load import LoadSettings, ParseCache
from govctl.registry import Artifact, DatasetInfo, Registry
from govctl.stages import ChangeProvider

DATASET_PREDICATE = "eval.dataset_changed"


class FieldJSON(TypedDict):
    path: str
    before: Any
    after: Any


class ChangeRecordJSON(TypedDict):
    type: str
    fromPath: str | None
    fields: list[FieldJSON]
    predicates: list[str]
    reasons: dict[str, list[str]]


@dataclass(frozen=True)
class ArtifactChange:
    identity: str
    kind: str
    type: str  # added | removed | modified | renamed
    path: str  # head file, or the base file of a removed artifact
    from_path: str | None  # base file of a renamed artifact
    fields: tuple[FieldChange, ...]
    predicates: tuple[str, ...]
    reasons: Mapping[str, tuple[str, ...]]
    old: Artifact | None = field(repr=False, compare=False)
    new: Artifact | None = field(repr=False, compare=False)

    @property
    def current(self) -> Artifact:
        """The head artifact, or the base one when it was removed."""
        artifact = self.new or self.old
        assert artifact is not None
        return artifact

    def record(self) -> ChangeRecordJSON:
        return {
            "type": self.type,
            "fromPath": self.from_path,
            "fields": [{"path": f.path, "before": f.before, "after": f.after} for f in self.fields],
            "predicates": list(self.predicates),
            "reasons": {name: list(text) for name, text in self.reasons.items()},
        }


@dataclass(frozen=True)
class ChangeSet:
    changes: tuple[ArtifactChange, ...]  # sorted by identity

    def by_identity(self) -> dict[str, ArtifactChange]:
        return {c.identity: c for c in self.changes}

    def records(self) -> dict[str, ChangeRecordJSON]:
        """``input.change``: identity → record, for every artifact that differs from the base."""
        return {c.identity: c.record() for c in self.changes}

    def __len__(self) -> int:
        return len(self.changes)


def _dataset_reason(old: DatasetInfo | None, new: DatasetInfo | None) -> list[str]:
    if old is None or new is None or old.digest == new.digest:
        return []
    before = f"{old.cases} cases" if old.exists else "missing"
    after = f"{new.cases} cases" if new.exists else "missing"
    return [f"dataset {new.path} content changed ({before} → {after})"]


def _change_type(old: Artifact | None, new: Artifact | None) -> str:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    return "renamed" if old.path != new.path else "modified"


def diff_artifact(
    identity: str,
    old: Artifact | None,
    new: Artifact | None,
    dataset_reasons: list[str],
) -> ArtifactChange:
    current = new or old
    assert current is not None
    fields = (
        tuple(diff_documents(current.kind, old.doc, new.doc))
        if old is not None and new is not None and old.digest != new.digest
        else ()
    )
    found = evaluate(Delta(identity, current.kind, old, new, fields))
    if dataset_reasons:
        found[DATASET_PREDICATE] = dataset_reasons
    kind_type = _change_type(old, new)
    return ArtifactChange(
        identity=identity,
        kind=current.kind,
        type=kind_type,
        path=current.path,
        from_path=old.path if kind_type == "renamed" and old else None,
        fields=fields,
        predicates=tuple(found),
        reasons={name: tuple(text) for name, text in found.items()},
        old=old,
        new=new,
    )


def diff_registries(base: Registry, head: Registry) -> ChangeSet:
    """Every artifact that differs between ``base`` and ``head``, by identity."""
    out = []
    for identity in sorted(base.artifacts.keys() | head.artifacts.keys()):
        old, new = base.get(identity), head.get(identity)
        datasets = _dataset_reason(base.datasets.get(identity), head.datasets.get(identity))
        if (
            old is not None
            and new is not None
            and old.digest == new.digest
            and old.path == new.path
            and not datasets
        ):
            continue
        out.append(diff_artifact(identity, old, new, datasets))
    return ChangeSet(tuple(out))


def change_provider(
    root: Path,
    base_ref: str,
    *,
    config_path: Path | None = None,
    cache: ParseCache | None = None,
    settings: LoadSettings | None = None,
) -> ChangeProvider:
    """``input.change`` for ``govctl check --base REF``: the head registry against ``base_ref``.

    The ref is resolved now, so a bad ref fails before any work (``GitError``, exit 2); the base
    registry is read from git objects, with the base commit's own govctl.yaml, when the check
    pipeline calls the provider with the head registry.
    """
    with GitRepository(root) as repository:
        sha = repository.resolve(base_ref, "base")
    config_rel = config_relpath(root, config_path)

    def provide(head: Registry) -> Mapping[str, Any]:
        with GitRepository(root) as repository:
            settings_ = settings or LoadSettings()
            base = load_commit_side(
                repository, base_ref, sha, config_rel, head.config, settings_, cache
            )
            return diff_registries(base.loaded.registry, head).records()

    return provide
