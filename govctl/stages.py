"""The stages ``govctl check`` and ``govctl impact`` both run, apart from either pipeline.

``govctl.check`` strings them into one check; ``govctl.impact.findings_delta`` runs them on both
sides of a change. Keeping them here lets ``check`` use the change set of ``govctl.impact`` while
``impact`` uses these stages, without either importing the other.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govctl.cache import Cache
from govctl.findings import Finding, Locator, RawFinding, fingerprint
from govctl.gcpause import paused_gc
from govctl.graph import DependencyGraph
from govctl.loader.load import LoadResult, LoadSettings, load_registry
from govctl.loader.source import FileSource, WorkTreeSource
from govctl.models.config import Config
from govctl.policy.bundle import PolicyBundle
from govctl.policy.engine import (
    EngineSettings,
    EvalRequest,
    PolicyFinding,
    check_answers,
    normalise,
)
from govctl.policy.engines import create_engine, prepare_engine
from govctl.policy.input_reads import bundle_reads_config
from govctl.policy.inputs import InputBuilder
from govctl.progress import SILENT, Progress
from govctl.registry import Artifact, Registry
from govctl.rules import RuleMeta
from govctl.run_state import RunState, affected_subjects, artifact_states, dataset_states

# Computes ``input.change`` for a registry: identity → change record (govctl.impact.changes).
ChangeProvider = Callable[[Registry], Mapping[str, Any]]


@dataclass
class PolicyEvaluation:
    findings: list[RawFinding]
    evaluated: frozenset[str]
    cached: int
    engine_label: str = ""  # e.g. "embedded (regopy fallback)"


def evaluate_policies(
    registry: Registry,
    graph: DependencyGraph,
    bundle: PolicyBundle,
    builder: InputBuilder,
    engine_name: str,
    engine_settings: EngineSettings,
    cache: Cache | None,
    subjects: set[str] | None,
    progress: Progress = SILENT,
) -> tuple[PolicyEvaluation, str]:
    engine = create_engine(engine_name, engine_settings)
    try:
        label = prepare_engine(engine, bundle)
        engine_version = engine.version()
        salt = f"{label}|{engine_version}|{bundle.digest}|"
        run_key = _run_key(salt, registry, builder, subjects) if cache else None
        reused = cache.get_run(run_key) if cache and run_key else None
        if reused is not None:
            return _from_results(reused, frozenset(), len(reused), label), engine_version
        state = _Delta(cache, salt, registry, builder, subjects)
        results: dict[str, list[PolicyFinding]] = {}
        misses: list[tuple[Artifact, str, Any]] = []  # (subject, cache key, change records)
        for subject in registry:
            if not subject.valid or not bundle.evaluates(subject.kind):
                continue
            if subjects is not None and subject.identity not in subjects:
                continue
            previous = state.unaffected(subject.identity)
            if previous is not None:
                results[subject.identity] = previous
                continue
            key, change = builder.prepare(subject)
            state.closures[subject.identity] = tuple(graph.closure(subject.identity))
            key = salt + key
            hit = cache.get_result(key) if cache else None
            if hit is not None:
                results[subject.identity] = hit
            else:
                misses.append((subject, key, change))
        # A generator: input documents are serialised while the engine already evaluates. The
        # engine pulls them as it goes, so counting pulls is how far evaluation has come.
        progress.stage("evaluating policies", len(misses))
        requests = (
            _counted(EvalRequest(s.identity, s.kind, builder.document_json(s, change)), progress)
            for s, _, change in misses
        )
        raw = engine.evaluate(bundle, requests) if misses else {}
        source = f"OPA at {engine_settings.opa_url}" if engine_name == "opa" else "the engine"
        check_answers(bundle, (s.identity for s, _, _ in misses), raw, engine_name, source)
    finally:
        engine.close()
    for subject, key, _ in misses:
        found = [normalise(bundle, subject.identity, f) for f in raw.get(subject.identity, [])]
        found.sort(key=lambda f: (f.rule, f.ref, f.path, f.severity, f.message))
        results[subject.identity] = found
        if cache:
            cache.put_result(key, found)
    if cache and run_key:
        cache.put_run(run_key, results)
    state.save(results)
    evaluated = frozenset(s.identity for s, _, _ in misses)
    return _from_results(results, evaluated, len(results) - len(misses), label), engine_version


class _Delta:
    """The previous run's state (``govctl.run_state``): which subjects this run can skip."""

    def __init__(
        self,
        cache: Cache | None,
        salt: str,
        registry: Registry,
        builder: InputBuilder,
        subjects: set[str] | None,
    ) -> None:
        self.cache = cache
        self.closures: dict[str, tuple[str, ...]] = {}
        self.context = ""
        self.previous: RunState | None = None
        self.affected: set[str] | None = None
        if cache is None or builder.change is not None:
            self.cache = None  # input.change is per run: no state is kept or used
            return
        scope = sorted(subjects) if subjects is not None else None
        self.context = json.dumps([salt, builder.static_key, scope], ensure_ascii=False)
        self.artifacts = artifact_states(registry)
        self.datasets = dataset_states(registry)
        with paused_gc():
            self.previous = RunState.decode(cache.get_state())
        self.affected = affected_subjects(
            self.previous, self.context, self.artifacts, self.datasets
        )

    def unaffected(self, identity: str) -> list[PolicyFinding] | None:
        """The previous findings of a subject the change cannot reach, else None."""
        if self.previous is None or self.affected is None or identity in self.affected:
            return None
        found = self.previous.results.get(identity)
        members = self.previous.closures.get(identity)
        if found is None or members is None:
            return None
        self.closures[identity] = members
        return found

    def save(self, results: Mapping[str, list[PolicyFinding]]) -> None:
        if self.cache is None:
            return
        state = RunState(self.context, self.artifacts, self.datasets, self.closures, results)
        self.cache.put_state(state.encode())


def _from_results(
    results: Mapping[str, list[PolicyFinding]], evaluated: frozenset[str], cached: int, label: str
) -> PolicyEvaluation:
    findings = [
        RawFinding(f.rule, f.severity, f.message, f.ref, f.path)
        for identity in sorted(results)
        for f in results[identity]
    ]
    return PolicyEvaluation(findings, evaluated, cached, label)


def _run_key(
    salt: str, registry: Registry, builder: InputBuilder, subjects: set[str] | None
) -> str | None:
    """One key for the results of every subject of this run, or None when there is none.

    Every per-subject result key (``InputBuilder.prepare``) is a function of the policy salt,
    ``InputBuilder.static_key`` (contract, input.now's day, config) and artifacts' identities and
    digests (the closure is computed from their documents), dataset digests and validity, and
    input.change. So when all of those are the same, every subject's key is the same, and the
    previous run's results can be reused without computing each closure. Runs with
    ``input.change`` (``--base``) or an artifact without a digest are not summarised.
    """
    if builder.change is not None or any(a.digest is None for a in registry):
        return None
    text = json.dumps(
        [
            salt,
            builder.static_key,
            registry.digest,
            sorted(a.identity for a in registry if not a.valid),
            sorted((i, d.path, d.exists, d.digest) for i, d in registry.datasets.items()),
            sorted(subjects) if subjects is not None else None,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _counted(request: EvalRequest, progress: Progress) -> EvalRequest:
    progress.advance()
    return request


def _dedupe(raws: Iterable[RawFinding]) -> list[RawFinding]:
    return list(dict.fromkeys(raws))


def locate_findings(
    raws: Iterable[RawFinding], locator: Locator, rules: Mapping[str, RuleMeta]
) -> list[Finding]:
    out = []
    for raw in _dedupe(raws):
        file, line, column = locator.locate(raw)
        meta = rules.get(raw.rule)
        out.append(
            Finding(
                rule=raw.rule,
                severity=raw.severity,
                message=raw.message,
                ref=raw.ref,
                path=raw.path,
                file=file,
                line=line,
                column=column,
                waived=False,
                waiver=None,
                fingerprint=fingerprint(raw.rule, raw.ref, raw.path, file),
                controls=meta.controls if meta else (),
            )
        )
    return out


def config_json(config: Config) -> dict[str, Any]:
    return config.model_dump(mode="json")


def input_builder(
    registry: Registry,
    graph: DependencyGraph,
    config: Config,
    bundle: PolicyBundle,
    now: str,
    change: Mapping[str, Any] | None,
) -> InputBuilder:
    """The input documents of one run: ``input.config`` only for a bundle that may read it."""
    reads_config = bundle_reads_config(bundle.sources().values())
    return InputBuilder(registry, graph, config_json(config), now, change, send_config=reads_config)


def load(
    root: Path, config: Config, source: FileSource | None, cache: Cache | None, workers: int
) -> LoadResult:
    return load_registry(
        source or WorkTreeSource(root), config, LoadSettings(workers=workers), cache, cache
    )
