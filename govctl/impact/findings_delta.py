"""Findings on both sides of a change, and the delta by fingerprint (rule, identity, field path).

Both sides run the stages of the check pipeline (``govctl.stages``): native registry rules, waiver
review, policy evaluation, waivers. The base side is what ``govctl check`` reports on the base
commit (``input.change`` null); the head side is what ``govctl check --base`` reports (with
``input.change``). Three things keep a small change cheap on a large registry:
- policies are evaluated on the base only for the *touched* subjects — changed artifacts and those
  whose dependency closure, on either side, holds a changed one. Every other subject has the same
  subject, related artifacts, derived facts and configuration on both sides, and no change record
  in its closure, so its findings are the same on both sides: they are evaluated once, on the
  head, and counted as unchanged. (This assumes a policy treats an empty ``input.change`` like a
  null one, which every catalog rule does: they only look change records up.) A change to
  govctl.yaml touches every subject;
- the result cache answers subjects evaluated before (by ``check``, ``check --base``, or an
  earlier impact);
- fingerprints are computed from the raw findings (they do not depend on line numbers), so only
  introduced and resolved findings are located in their files.
The policy library comes from the work tree for both sides: the delta measures the registry
change under one yardstick.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from govctl.cache import Cache
from govctl.clock import now_date
from govctl.findings import Finding, Locator, RawFinding, fingerprint, sort_key
from govctl.graph import DependencyGraph
from govctl.impact.sides import Side
from govctl.loader.load import LoadSettings
from govctl.native_rules import registry_findings
from govctl.policy.bundle import PolicyBundle
from govctl.policy.engine import EngineSettings
from govctl.policy.severity import apply_severity
from govctl.rules import RuleMeta
from govctl.stages import evaluate_policies, input_builder, locate_findings
from govctl.waivers import WaiverReview, apply_waivers, review_waivers


@dataclass(frozen=True)
class EngineChoice:
    name: str
    settings: EngineSettings


class SideEvaluator:
    """The check stages for one side; policy evaluation on demand for a set of subjects."""

    def __init__(
        self,
        side: Side,
        graph: DependencyGraph,
        change: Mapping[str, Any] | None,
        bundle: PolicyBundle,
        rules: Mapping[str, RuleMeta],
        engine: EngineChoice,
        cache: Cache | None,
        now: str,
    ) -> None:
        self.side = side
        self.graph = graph
        self.bundle = bundle
        self.engine = engine
        self.cache = cache
        registry, config = side.loaded.registry, side.config
        self.disabled = frozenset(config.policy.disabled)
        self.review: WaiverReview = review_waivers(
            registry, graph, rules, now_date(now), config.waivers.maxDays, config.waivers.approvers
        )
        native = registry_findings(registry, side.loaded.problems)
        self.registry_raws = self._enabled((*native, *self.review.findings))
        self.builder = input_builder(registry, graph, config, bundle, now, change)
        self.engine_version = ""
        self.engine_label = ""  # e.g. "embedded (regopy fallback)", once evaluated
        self.evaluated = 0

    def _enabled(self, raws: Iterable[RawFinding]) -> tuple[RawFinding, ...]:
        return tuple(r for r in raws if r.rule not in self.disabled)

    def policy(self, subjects: set[str] | None) -> tuple[RawFinding, ...]:
        """Policy findings of ``subjects`` (None: every subject)."""
        evaluation, self.engine_version = evaluate_policies(
            self.side.loaded.registry,
            self.graph,
            self.bundle,
            self.builder,
            self.engine.name,
            self.engine.settings,
            self.cache,
            subjects,
        )
        self.evaluated += len(evaluation.evaluated)
        self.engine_label = evaluation.engine_label
        return self._enabled(evaluation.findings)


def raw_fingerprint(raw: RawFinding) -> str:
    """The fingerprint ``locate_findings`` gives this finding, without locating it."""
    return fingerprint(raw.rule, raw.ref, raw.path, raw.file)


@dataclass(frozen=True)
class FindingsDelta:
    introduced: tuple[Finding, ...]
    resolved: tuple[Finding, ...]
    unchanged: int
    evaluated: int  # subjects the engine evaluated (cache misses), both sides


def _located(
    raws: Iterable[RawFinding],
    side: SideEvaluator,
    rules: Mapping[str, RuleMeta],
    severities: Mapping[str, str],
) -> tuple[Finding, ...]:
    registry = side.side.loaded.registry
    locator = Locator(side.side.source, registry, LoadSettings().limits)
    located = locate_findings(apply_severity(raws, severities), locator, rules)
    findings = apply_waivers(located, side.review.active)
    return tuple(sorted(findings, key=sort_key))


def findings_delta(
    base: SideEvaluator,
    head: SideEvaluator,
    touched: set[str] | None,
    rules: Mapping[str, RuleMeta],
    severities: Mapping[str, str] | None = None,
) -> FindingsDelta:
    """Evaluate both sides (``touched`` None: every subject on both) and compare fingerprints."""
    if touched is None:
        head_raws = (*head.registry_raws, *head.policy(None))
        base_raws = (*base.registry_raws, *base.policy(None))
    else:
        untouched = {a.identity for a in head.side.loaded.registry} - touched
        shared = head.policy(untouched)
        head_raws = (*head.registry_raws, *head.policy(touched), *shared)
        base_raws = (*base.registry_raws, *base.policy(touched), *shared)
    head_unique = tuple(dict.fromkeys(head_raws))
    base_unique = tuple(dict.fromkeys(base_raws))
    base_prints = {raw_fingerprint(r) for r in base_unique}
    head_prints = {raw_fingerprint(r) for r in head_unique}
    introduced = [r for r in head_unique if raw_fingerprint(r) not in base_prints]
    resolved = [r for r in base_unique if raw_fingerprint(r) not in head_prints]
    return FindingsDelta(
        introduced=_located(introduced, head, rules, severities or {}),
        resolved=_located(resolved, base, rules, severities or {}),
        unchanged=len(head_unique) - len(introduced),
        evaluated=head.evaluated + base.evaluated,
    )
