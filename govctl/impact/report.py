"""``govctl impact``: the change between two registry states and what it means (docs/spec.md §5).

``run_impact`` returns a frozen ``ImpactReport``; ``govctl.impact.render`` turns it into JSON,
Markdown or text. The head is the work tree unless ``head`` names a commit (docs/impact.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from govctl.cache import Cache
from govctl.clock import normalise_now
from govctl.config import load_config
from govctl.errors import EXIT_CLEAN, EXIT_FINDINGS, ConfigError
from govctl.gitio import GitRepository, require_ref
from govctl.graph import DependencyGraph
from govctl.impact.affected import AffectedDeployment, reach, touched_subjects
from govctl.impact.approvals import Approval, approval_rules, required_approvals
from govctl.impact.changes import ArtifactChange, diff_registries
from govctl.impact.cost import CostDelta, cost_deltas
from govctl.impact.diff import FieldChange, diff_documents
from govctl.impact.findings_delta import EngineChoice, FindingsDelta, SideEvaluator, findings_delta
from govctl.impact.risk import Risk, assess
from govctl.impact.sides import (
    SharedParseCache,
    Side,
    config_relpath,
    load_commit_side,
    load_worktree_side,
    read_commit_config,
)
from govctl.loader.load import LoadSettings, ParseCache
from govctl.models.config import Config
from govctl.policy.catalog import config_lines, load_policies, rule_catalog
from govctl.policy.engine import EngineSettings
from govctl.policy.severity import rules_with_severity, severity_overrides
from govctl.stages import config_json


@dataclass(frozen=True)
class ImpactOptions:
    root: Path
    base: str
    head: str | None = None  # None: the work tree (uncommitted changes included)
    now: str | None = None
    engine: str | None = None
    opa_url: str | None = None
    use_cache: bool = True
    workers: int = 0
    config_path: Path | None = None
    audit: bool = True  # govctl.api.impact appends one ``impact`` event after a successful run
    actor: str | None = None  # who ran it, for that event
    fail_on: str = "never"  # error | warning | never: what the change may introduce (exit_code)


@dataclass(frozen=True)
class SideInfo:
    ref: str
    sha: str | None
    registry_digest: str
    artifacts: int


@dataclass(frozen=True)
class ImpactReport:
    base: SideInfo
    head: SideInfo
    head_is_worktree: bool
    uncommitted: bool  # the work tree head differs from its commit under the roots
    now: str
    risk: Risk
    changes: tuple[ArtifactChange, ...]
    config_fields: tuple[FieldChange, ...]
    affected: tuple[AffectedDeployment, ...]
    findings: FindingsDelta
    approvals: tuple[Approval, ...]
    cost: tuple[CostDelta, ...]
    engine: str
    engine_version: str
    policy_digest: str
    timings: dict[str, float] = field(default_factory=dict)
    fail_on: str = "never"

    @property
    def exit_code(self) -> int:
        """1 when the change introduces unwaived findings at or above ``fail_on`` (error,
        warning; never: always 0): a produced report is otherwise a success."""
        if self.fail_on != "never" and self.introduced_at_least(self.fail_on):
            return EXIT_FINDINGS
        return EXIT_CLEAN

    def introduced_at_least(self, severity: str) -> bool:
        order = ("info", "warning", "error")
        bar = order.index(severity)
        return any(
            not f.waived and f.severity in order and order.index(f.severity) >= bar
            for f in self.findings.introduced
        )


class _Laps:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._clock = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._clock, 4)
        self._clock = now


def _head_config(options: ImpactOptions, root: Path) -> Config:
    path = options.config_path or root / "govctl.yaml"
    return load_config(path, None if options.config_path else "govctl.yaml")


def _load_sides(
    options: ImpactOptions, repo: GitRepository, settings: LoadSettings, cache: ParseCache
) -> tuple[Side, Side, bool]:
    root = repo.root
    config_rel = config_relpath(root, options.config_path)
    require_ref(options.base, "--base")
    require_ref(options.head, "--head")
    base_sha = repo.resolve(options.base, "base")
    if options.head is None:
        head_config = _head_config(options, root)
        head = load_worktree_side(root, repo.head_sha(), head_config, settings, cache)
        watched = [*head_config.roots, config_rel or "govctl.yaml"]
        uncommitted = head.sha is None or repo.has_uncommitted_changes(watched)
    else:
        head_sha = repo.resolve(options.head, "head")
        source = repo.tree_source(head_sha)
        found = read_commit_config(source, config_rel, options.head) if config_rel else None
        if found is None:
            raise ConfigError(f"{options.head}:{config_rel or 'govctl.yaml'} not found")
        head = load_commit_side(repo, options.head, head_sha, config_rel, found, settings, cache)
        uncommitted = False
    base = load_commit_side(repo, options.base, base_sha, config_rel, head.config, settings, cache)
    return base, head, uncommitted


def _info(side: Side) -> SideInfo:
    registry = side.loaded.registry
    return SideInfo(side.ref, side.sha, registry.digest, len(registry))


def run_impact(options: ImpactOptions) -> ImpactReport:
    laps = _Laps()
    root = options.root.resolve()
    now = normalise_now(options.now)
    with GitRepository(root) as repo:
        policy_config = _head_config(options, root)
        cache: Cache | None = None
        if options.use_cache and policy_config.cache.enabled:
            cache = Cache(root / policy_config.cache.path)
        settings = LoadSettings(workers=options.workers)
        base, head, uncommitted = _load_sides(options, repo, settings, SharedParseCache(cache))
        laps.lap("load")
        config_file = options.config_path or root / "govctl.yaml"
        bundle = load_policies(root, policy_config, config_file)
        severities = severity_overrides(
            policy_config, rule_catalog(bundle), config_lines(config_file), config_file.name
        )
        rules = rules_with_severity(rule_catalog(bundle), severities)
        change_set = diff_registries(base.loaded.registry, head.loaded.registry)
        base_graph = DependencyGraph(base.loaded.registry)
        head_graph = DependencyGraph(head.loaded.registry)
        laps.lap("diff")
        engine = EngineChoice(
            options.engine or policy_config.policy.engine,
            EngineSettings(
                workers=options.workers,
                opa_url=options.opa_url or policy_config.opa.url,
                opa_timeout_seconds=policy_config.opa.timeoutSeconds,
            ),
        )
        config_fields = tuple(
            diff_documents("Config", config_json(base.config), config_json(head.config))
        )
        changed = {c.identity for c in change_set.changes}
        touched = None if config_fields else touched_subjects(changed, base_graph, head_graph)
        head_side = SideEvaluator(
            head, head_graph, change_set.records(), bundle, rules, engine, cache, now
        )
        base_side = SideEvaluator(base, base_graph, None, bundle, rules, engine, cache, now)
        delta = findings_delta(base_side, head_side, touched, rules, severities)
        laps.lap("evaluate")
        if cache is not None:
            cache.save()
        reached = reach(changed, base_graph, head_graph)
        risk = assess(
            change_set.changes,
            reached.by_change,
            delta.introduced,
            rules,
            config_fields,
            base.loaded.registry,
            head.loaded.registry,
        )
        nothing = not change_set.changes and not config_fields
        approvals = (
            ()
            if nothing
            else required_approvals(
                approval_rules(base.config, head.config),
                change_set.changes,
                reached.by_change,
                risk.level,
                delta.introduced,
            )
        )
        removed = [
            c.identity for c in change_set.changes if c.kind == "Deployment" and c.type == "removed"
        ]
        cost = cost_deltas(
            [a.identity for a in reached.affected] + removed,
            base.loaded.registry,
            head.loaded.registry,
        )
        laps.lap("report")
    return ImpactReport(
        base=_info(base),
        head=_info(head),
        head_is_worktree=head.worktree,
        uncommitted=uncommitted,
        now=now,
        risk=risk,
        changes=change_set.changes,
        config_fields=config_fields,
        affected=reached.affected,
        findings=delta,
        approvals=approvals,
        cost=cost,
        engine=head_side.engine_label or engine.name,
        engine_version=head_side.engine_version,
        policy_digest=bundle.digest,
        timings=laps.timings,
        fail_on=options.fail_on,
    )
