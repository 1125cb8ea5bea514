"""The per-subject policy input of docs/spec.md §3, and the cache key of its result.

Engines get a JSON text per subject. Artifacts appear in the engine view: RFC 3339 timestamps
ending in ``Z`` are written with ``+00:00`` because regopy's ``time.parse_rfc3339_ns`` rejects
``Z`` (OPA accepts both), so policies behave the same on both engines; digests are always computed
on the stored form.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from govctl.derived import Deriver
from govctl.graph import DependencyGraph
from govctl.registry import Artifact, Registry

# Bump when the input document's shape changes, so cached results are not reused.
INPUT_CONTRACT = "govctl-input-v1"
_UTC_Z = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\Z")


def engine_view(value: Any) -> Any:
    if isinstance(value, str):
        return value[:-1] + "+00:00" if value.endswith("Z") and _UTC_Z.match(value) else value
    if isinstance(value, dict):
        return {k: engine_view(v) for k, v in value.items()}
    if isinstance(value, list):
        return [engine_view(v) for v in value]
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class InputBuilder:
    """Builds input documents for the subjects of one registry, sharing per-artifact work."""

    def __init__(
        self,
        registry: Registry,
        graph: DependencyGraph,
        config_json: Mapping[str, Any],
        now: str,
        change: Mapping[str, Any] | None,
        *,
        send_config: bool = True,
    ) -> None:
        """``send_config=False`` leaves ``input.config`` out of every document: for bundles that
        cannot read it (``govctl.policy.input_reads``). The cache key covers the config either
        way, so results never depend on the choice."""
        self.registry = registry
        self.graph = graph
        self.deriver = Deriver(registry, graph)
        self.config_json = dict(config_json)
        self.now = now
        self.change = change
        self.send_config = send_config
        self._views: dict[str, dict[str, Any]] = {}
        config_text = _dumps(self.config_json)
        self.static_key = f"{INPUT_CONTRACT}|{now[:10]}|{config_text}"

    def artifact_view(self, artifact: Artifact) -> dict[str, Any]:
        view = self._views.get(artifact.identity)
        if view is None:
            view = {
                "identity": artifact.identity,
                "kind": artifact.kind,
                "metadata": engine_view(artifact.metadata),
                "spec": engine_view(artifact.spec),
                "path": artifact.path,
                "digest": artifact.digest,
            }
            self._views[artifact.identity] = view
        return view

    def prepare(self, subject: Artifact) -> tuple[str, dict[str, Any] | None]:
        """(result cache key, input.change subset) — cheap enough for every warm run.

        The key covers everything the input is made of: the subject's and every related
        artifact's digest, the dataset digests of the eval suites among them (derived facts are a
        function of exactly these), input.change, config, contract version and input.now's day.
        Derived facts themselves are only computed for cache misses.
        """
        closure = self.graph.closure(subject.identity)
        change = None
        if self.change is not None:
            members = (subject.identity, *closure)
            # null, not {}, when nothing in the closure changed: results stay shareable with
            # runs that have no base (the same cache key, the same decision).
            change = {i: self.change[i] for i in members if i in self.change} or None
        artifacts = self.registry.artifacts
        related = ",".join(f"{i}={artifacts[i].digest}" for i in sorted(closure))
        datasets = ",".join(
            f"{i}={self.registry.datasets[i].digest}"
            for i in sorted({subject.identity, *closure})
            if i in self.registry.datasets
        )
        text = "|".join(
            (self.static_key, subject.identity, subject.digest, related, datasets, _dumps(change))
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest(), change

    def document(self, subject: Artifact, change: dict[str, Any] | None) -> dict[str, Any]:
        closure = self.graph.closure(subject.identity)
        document = {
            "subject": self.artifact_view(subject),
            "related": {i: self.artifact_view(self.registry.artifacts[i]) for i in sorted(closure)},
            "derived": self.deriver.derive(subject),
            "config": self.config_json,
            "now": self.now,
            "change": change,
        }
        if not self.send_config:
            del document["config"]
        return document

    def document_json(self, subject: Artifact, change: dict[str, Any] | None) -> str:
        return _dumps(self.document(subject, change))
