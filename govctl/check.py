"""The ``govctl check`` pipeline: load → resolve → evaluate → waive → locate.

Each stage is a function; ``run_check`` strings them together and returns a frozen
``CheckResult``. Nothing here prints or exits: the CLI renders the result and picks the exit code.
govctl fails closed: an engine failure raises ``EngineError`` and no result (and no audit event)
is produced.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TypedDict

from govctl import __version__
from govctl.baselines import apply_baseline, load_baseline, review_baseline
from govctl.cache import Cache
from govctl.clock import normalise_now, now_date
from govctl.config import CONFIG_FILENAME, check_roots, load_config
from govctl.errors import EXIT_CLEAN, EXIT_FINDINGS
from govctl.findings import SEVERITY_RANK, Finding, Locator, sort_key
from govctl.gitio import require_ref
from govctl.graph import DependencyGraph
from govctl.loader.load import LoadSettings
from govctl.loader.source import WorkTreeSource
from govctl.models.config import Config
from govctl.native_rules import registry_findings
from govctl.policy.catalog import (
    check_policy_settings,
    config_lines,
    load_policies,
    rule_catalog,
)
from govctl.policy.engine import EngineSettings
from govctl.policy.severity import apply_severity, rules_with_severity, severity_overrides
from govctl.progress import SILENT, Progress
from govctl.registry import Registry
from govctl.rules import RuleMeta
from govctl.stages import (
    ChangeProvider,
    evaluate_policies,
    input_builder,
    load,
    locate_findings,
)
from govctl.waivers import apply_waivers, review_waivers


@dataclass(frozen=True)
class CheckOptions:
    root: Path
    paths: tuple[str, ...] = ()  # report only on artifacts in these files/folders (+ dependents)
    base: str | None = None
    engine: str | None = None  # default: govctl.yaml policy.engine
    opa_url: str | None = None
    fail_on: str | None = None  # default: govctl.yaml policy.failOn
    now: str | None = None  # default: the clock
    audit: bool = True
    use_cache: bool = True
    workers: int = 0
    config_path: Path | None = None
    actor: str | None = None


class SummaryJSON(TypedDict):
    artifacts: int
    errors: int
    warnings: int
    infos: int
    waived: int


@dataclass(frozen=True)
class Summary:
    artifacts: int
    errors: int
    warnings: int
    infos: int
    waived: int

    def as_json(self) -> SummaryJSON:
        """The ``summary`` object of the check JSON (docs/spec.md §7)."""
        return {
            "artifacts": self.artifacts,
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
            "waived": self.waived,
        }


@dataclass(frozen=True)
class CheckResult:
    now: str
    registry_digest: str
    policy_digest: str
    engine: str
    engine_version: str
    fail_on: str
    findings: tuple[Finding, ...]
    summary: Summary
    rules: Mapping[str, RuleMeta]
    evaluated: int  # subjects evaluated by the engine this run (cache misses)
    cached: int  # subjects answered from the cache
    evaluated_subjects: frozenset[str] = frozenset()
    timings: Mapping[str, float] = field(default_factory=dict)
    govctl_version: str = __version__
    registry: Registry | None = field(default=None, repr=False, compare=False)
    # package → the repository file that replaces the built-in package of that name
    policy_overrides: Mapping[str, str] = field(default_factory=dict)
    # Artifacts reported on when ``check PATH…`` narrowed the run (None: the whole registry).
    scope_size: int | None = None

    @property
    def exit_code(self) -> int:
        return exit_code_for(self.findings, self.fail_on)


def exit_code_for(findings: Iterable[Finding], fail_on: str) -> int:
    if fail_on == "never":
        return EXIT_CLEAN
    bar = SEVERITY_RANK["warning" if fail_on == "warning" else "error"]
    failing = any(not f.waived and SEVERITY_RANK[f.severity] >= bar for f in findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def summarise(findings: Sequence[Finding], artifacts: int) -> Summary:
    live = [f for f in findings if not f.waived]
    return Summary(
        artifacts=artifacts,
        errors=sum(f.severity == "error" for f in live),
        warnings=sum(f.severity == "warning" for f in live),
        infos=sum(f.severity == "info" for f in live),
        waived=len(findings) - len(live),
    )


def _in_scope(path: str | None, scope: tuple[str, ...]) -> bool:
    if not scope or path is None:
        return not scope
    pure = PurePosixPath(path)
    return any(pure == PurePosixPath(s) or PurePosixPath(s) in pure.parents for s in scope)


def scope_is_everything(scope: tuple[str, ...], config: Config, config_file: str) -> bool:
    """A change to govctl.yaml, a policy or the baseline can change any finding: check
    everything."""
    global_paths = (
        config_file,
        config.policy.baseline,
        *(p.rstrip("/") for p in config.policy.paths),
    )
    return any(_in_scope(s, global_paths) for s in scope)


def subjects_in_scope(
    registry: Registry, graph: DependencyGraph, scope: tuple[str, ...]
) -> set[str]:
    """Artifacts declared in the scoped files (or whose template or dataset is), and every
    artifact that depends on them."""
    touched = {
        a.identity
        for a in registry
        if _in_scope(a.path, scope) or (a.template_path and _in_scope(a.template_path, scope))
    }
    touched |= {i for i in registry.datasets if _in_scope(registry.datasets[i].path, scope)}
    dependents: set[str] = set()
    for artifact in registry:
        if artifact.identity in touched or touched & graph.closure(artifact.identity).keys():
            dependents.add(artifact.identity)
    return dependents


def run_check(
    options: CheckOptions,
    change_provider: ChangeProvider | None = None,
    progress: Progress = SILENT,
) -> CheckResult:
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now_t = time.perf_counter()
        timings[name] = round(now_t - clock, 4)
        clock = now_t

    root = options.root.resolve()
    progress.stage("loading policies")
    config_path = options.config_path or root / CONFIG_FILENAME
    config_file = str(options.config_path) if options.config_path else CONFIG_FILENAME
    config = load_config(config_path, config_file)
    check_roots(root, config, config_file)
    now = normalise_now(options.now)
    engine_name = options.engine or config.policy.engine
    fail_on = options.fail_on or config.policy.failOn
    bundle = load_policies(root, config, config_path, config_file)
    check_policy_settings(bundle, config, config_path, config_file)
    severities = severity_overrides(
        config, rule_catalog(bundle), config_lines(config_path), config_file
    )
    rules = rules_with_severity(rule_catalog(bundle), severities)
    cache = Cache(root / config.cache.path) if options.use_cache and config.cache.enabled else None
    require_ref(options.base, "--base")
    if change_provider is None and options.base:
        # Resolved now, so a bad ref fails (exit 2) before any work is done.
        # Imported here: it brings GitPython (~0.08 s), which a check without --base never needs.
        from govctl.impact.changes import change_provider as base_changes

        change_provider = base_changes(
            root,
            options.base,
            config_path=options.config_path,
            cache=cache,
            settings=LoadSettings(workers=options.workers),
        )
    lap("policies")
    progress.stage("loading the registry")
    loaded = load(root, config, None, cache, options.workers)
    registry = loaded.registry
    lap("load")
    graph = DependencyGraph(registry)
    paths = options.paths
    if paths and scope_is_everything(paths, config, CONFIG_FILENAME):
        paths = ()
    scope = subjects_in_scope(registry, graph, paths) if paths else None
    change = change_provider(registry) if change_provider else None
    progress.stage("resolving references")
    native = registry_findings(registry, loaded.problems)
    review = review_waivers(
        registry, graph, rules, now_date(now), config.waivers.maxDays, config.waivers.approvers
    )
    baseline = review_baseline(
        load_baseline(root, config.policy.baseline), rules, now_date(now), config.waivers.maxDays
    )
    lap("resolve")
    builder = input_builder(registry, graph, config, bundle, now, change)
    settings = EngineSettings(
        workers=options.workers,
        opa_url=options.opa_url or config.opa.url,
        opa_timeout_seconds=config.opa.timeoutSeconds,
        root=root,
    )
    evaluation, engine_version = evaluate_policies(
        registry, graph, bundle, builder, engine_name, settings, cache, scope, progress
    )
    lap("evaluate")
    progress.stage("locating findings")
    disabled = set(config.policy.disabled)
    raws = [
        r
        for r in (*native, *review.findings, *baseline.findings, *evaluation.findings)
        if r.rule not in disabled
    ]
    raws = apply_severity(raws, severities)
    locator = Locator(
        WorkTreeSource(root), registry, LoadSettings().limits, loaded.file_hashes, cache
    )
    findings = apply_waivers(locate_findings(raws, locator, rules), review.active)
    findings = apply_baseline(findings, baseline.active)
    if scope is not None:
        findings = [f for f in findings if f.ref in scope or _in_scope(f.file, paths)]
    findings.sort(key=sort_key)
    lap("locate")
    if cache:
        cache.save()
    return CheckResult(
        now=now,
        registry_digest=registry.digest,
        policy_digest=bundle.digest,
        engine=evaluation.engine_label or engine_name,
        engine_version=engine_version,
        fail_on=fail_on,
        findings=tuple(findings),
        summary=summarise(findings, len(registry)),
        scope_size=len(scope) if scope is not None else None,
        rules={k: v for k, v in rules.items() if k not in disabled},
        evaluated=len(evaluation.evaluated),
        cached=evaluation.cached,
        evaluated_subjects=evaluation.evaluated,
        timings=timings,
        registry=registry,
        policy_overrides=bundle.overrides,
    )
