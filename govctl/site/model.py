"""What the site shows, gathered from the library results the CLI prints.

Nothing here decides a rule, a digest or a cost: findings, summary and digests come from the
check result (``govctl.check``), readiness cells from ``govctl.reports.scorecard``, cost
projections from ``govctl.reports.cost_report``, dependency closures from ``govctl.graph`` and
eval evidence from ``govctl.derived`` (the ``input.derived`` facts policies see). This module only
indexes them for the pages: findings by artifact, who depends on what, which deployments a
rule's findings reach.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from govctl.check import CheckResult
from govctl.derived import Deriver
from govctl.findings import Finding
from govctl.graph import DependencyGraph
from govctl.policy.bundle import RuleMeta
from govctl.registry import Artifact, Registry
from govctl.reports import CostReport, Scorecard, cost_report, scorecard

# Control frameworks named by the catalog (docs/spec.md §4), shown first and by these names;
# any other prefix (e.g. GDPR) follows under its own name.
FRAMEWORKS: tuple[tuple[str, str], ...] = (
    ("EU-AI-ACT", "EU AI Act"),
    ("OWASP-LLM-2025", "OWASP Top 10 for LLM Applications 2025"),
    ("NIST-AI-RMF", "NIST AI Risk Management Framework"),
    ("ISO-42001", "ISO/IEC 42001"),
)


@dataclass(frozen=True)
class ControlRow:
    control: str
    framework: str
    rules: tuple[str, ...]
    failing: tuple[str, ...]  # deployment identities with an unwaived finding of these rules
    waived: tuple[str, ...]  # deployments whose findings of these rules are all waived


@dataclass(frozen=True)
class SiteModel:
    result: CheckResult
    registry: Registry
    graph: DependencyGraph
    deriver: Deriver
    deployments: tuple[Artifact, ...]
    scorecards: Mapping[str, Scorecard]
    costs: Mapping[str, CostReport]
    findings_by_ref: Mapping[str | None, tuple[Finding, ...]]
    closures: Mapping[str, Mapping[str, tuple[str, ...]]]  # deployment → member → path
    used_by: Mapping[str, tuple[str, ...]]  # identity → deployments whose closure holds it
    referenced_by: Mapping[str, tuple[str, ...]]  # identity → artifacts naming it directly
    controls: tuple[ControlRow, ...]

    @property
    def rules(self) -> Mapping[str, RuleMeta]:
        return self.result.rules

    def findings_of(self, identity: str | None) -> tuple[Finding, ...]:
        return self.findings_by_ref.get(identity, ())


def framework_of(control: str) -> tuple[str, str]:
    prefix = control.split(":", 1)[0]
    for key, name in FRAMEWORKS:
        if key == prefix:
            return key, name
    return prefix, prefix


def _framework_rank(control: str) -> tuple[int, str]:
    keys = [k for k, _ in FRAMEWORKS]
    prefix = control.split(":", 1)[0]
    return (keys.index(prefix) if prefix in keys else len(keys), control)


def _reach(
    findings: tuple[Finding, ...], used_by: Mapping[str, tuple[str, ...]], deployments: set[str]
) -> tuple[set[str], set[str]]:
    """Deployments with an unwaived finding among these, and those with only waived ones."""
    failing: set[str] = set()
    touched: set[str] = set()
    for f in findings:
        if f.ref is None:
            continue
        reached = set(used_by.get(f.ref, ()))
        if f.ref in deployments:
            reached.add(f.ref)
        touched |= reached
        if not f.waived:
            failing |= reached
    return failing, touched - failing


def control_rows(
    rules: Mapping[str, RuleMeta],
    findings: tuple[Finding, ...],
    used_by: Mapping[str, tuple[str, ...]],
    deployments: set[str],
) -> tuple[ControlRow, ...]:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_rule[f.rule].append(f)
    rules_of: dict[str, list[str]] = defaultdict(list)
    for rule in rules.values():
        for control in rule.controls:
            rules_of[control].append(rule.id)
    rows = []
    for control in sorted(rules_of, key=_framework_rank):
        ids = tuple(sorted(set(rules_of[control])))
        hits = tuple(f for r in ids for f in by_rule.get(r, ()))
        failing, waived = _reach(hits, used_by, deployments)
        rows.append(
            ControlRow(
                control=control,
                framework=framework_of(control)[0],
                rules=ids,
                failing=tuple(sorted(failing)),
                waived=tuple(sorted(waived)),
            )
        )
    return tuple(rows)


def build_model(result: CheckResult) -> SiteModel:
    registry = result.registry
    assert registry is not None, "a finished check always carries its registry"
    graph = DependencyGraph(registry)
    deployments = tuple(sorted(registry.of_kind("Deployment"), key=lambda a: a.identity))
    findings_by_ref: dict[str | None, list[Finding]] = defaultdict(list)
    for f in result.findings:
        findings_by_ref[f.ref].append(f)
    closures = {d.identity: graph.closure(d.identity) for d in deployments}
    used_by: dict[str, list[str]] = defaultdict(list)
    for deployment, closure in closures.items():
        for member in closure:
            used_by[member].append(deployment)
    referenced_by: dict[str, list[str]] = defaultdict(list)
    for artifact in registry:
        for target in graph.forward(artifact.identity):
            referenced_by[target].append(artifact.identity)
    frozen_used_by = {k: tuple(v) for k, v in used_by.items()}
    return SiteModel(
        result=result,
        registry=registry,
        graph=graph,
        deriver=Deriver(registry, graph),
        deployments=deployments,
        scorecards={d.identity: scorecard(d, result) for d in deployments},
        costs={d.identity: cost_report(d, registry) for d in deployments},
        findings_by_ref={k: tuple(v) for k, v in findings_by_ref.items()},
        closures=closures,
        used_by=frozen_used_by,
        referenced_by={k: tuple(sorted(v)) for k, v in referenced_by.items()},
        controls=control_rows(
            result.rules,
            result.findings,
            frozen_used_by,
            {d.identity for d in deployments},
        ),
    )
