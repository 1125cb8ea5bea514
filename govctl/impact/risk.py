"""Risk of a change (docs/spec.md §5) with the reasons that set it.

- critical: a residency rule widened (or removed); a guardrail policy weakened (or removed) that a
  prod user-facing deployment uses, or such a deployment dropping its guardrails or switching to
  a weaker policy; a non-waivable finding introduced.
- high: a prompt or model whose spec changed (or that was removed) that a prod deployment uses,
  or a prod deployment pointing at another prompt or model, or promoted to prod; a waiver added
  or changed; an eval threshold lowered; a guardrail weakened on a prod deployment that is not
  user-facing; govctl.yaml's policy, approval or waiver settings changed.
- medium: changes reaching staging deployments; new deployments; fallback changes; other changes
  reaching prod deployments (prod is never below staging); a prod or staging deployment removed.
- low: everything else, and a file move without a field change.
Each changed artifact contributes the reasons of its own highest level only (a critical guardrail
weakening is not repeated as "reaches staging"). Reasons of every level at or above medium are
listed, highest first; low reasons only when nothing scores higher.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from govctl.findings import Finding
from govctl.impact.affected import DeploymentInfo
from govctl.impact.changes import ArtifactChange
from govctl.impact.diff import FieldChange
from govctl.impact.predicates import guardrail_weakenings
from govctl.registry import Registry
from govctl.rules import RuleMeta

LEVELS = ("low", "medium", "high", "critical")
SHOWN = 3
GOVERNANCE_CONFIG = ("policy", "approvals", "waivers", "roots", "environments", "teams")


@dataclass(frozen=True)
class Risk:
    level: str
    reasons: tuple[str, ...]


def rank(level: str) -> int:
    return LEVELS.index(level)


def names(infos: Iterable[DeploymentInfo]) -> str:
    items = sorted({i.identity for i in infos})
    more = len(items) - SHOWN
    return ", ".join(items[:SHOWN]) + (f" and {more} more" if more > 0 else "")


def _joined(change: ArtifactChange, predicate: str) -> str:
    return "; ".join(change.reasons.get(predicate, ()))


class _Scorer:
    def __init__(self, base: Registry, head: Registry) -> None:
        self.base = base
        self.head = head
        self.found: list[tuple[str, str]] = []

    def add(self, level: str, reason: str) -> None:
        if (level, reason) not in self.found:
            self.found.append((level, reason))

    def change(self, change: ArtifactChange, reached: Sequence[DeploymentInfo]) -> None:
        if change.type == "renamed" and not change.fields:
            self.add("low", f"{change.identity} moved from {change.from_path} to {change.path}")
            return
        outer, self.found = self.found, []
        self._critical(change, reached)
        self._high(change, reached)
        self._medium(change, reached)
        own, self.found = self.found, outer
        if not own:
            own = [("low", f"{change.identity} {change.type}")]
        top = max(rank(level) for level, _ in own)
        for level, reason in own:
            if rank(level) == top:
                self.add(level, reason)

    def _critical(self, change: ArtifactChange, reached: Sequence[DeploymentInfo]) -> None:
        ident, predicates = change.identity, change.predicates
        if "residency.widened" in predicates:
            why = _joined(change, "residency.widened")
            self.add("critical", f"residency rule widened: {ident}: {why}")
        prod_facing = [d for d in reached if d.environment == "prod" and d.user_facing]
        if "guardrail.weakened" in predicates and prod_facing:
            self.add(
                "critical",
                f"guardrail weakened on prod user-facing {names(prod_facing)}: {ident}: "
                f"{_joined(change, 'guardrail.weakened')}",
            )
        if change.kind == "Deployment" and "deployment.guardrails_changed" in predicates:
            self._guardrail_switch(change)

    def _guardrail_switch(self, change: ArtifactChange) -> None:
        new, old = change.new, change.old
        if new is None or old is None:
            return
        if new.spec.get("environment") != "prod" or new.spec.get("userFacing") is not True:
            return
        was, now = old.spec.get("guardrails"), new.spec.get("guardrails")
        if now is None:
            self.add(
                "critical", f"{change.identity} (prod, user-facing) dropped its guardrails ({was})"
            )
            return
        old_policy = self.base.resolve("GuardrailPolicy", was)
        new_policy = self.head.resolve("GuardrailPolicy", now)
        if old_policy is None or new_policy is None:
            return
        weaker = guardrail_weakenings(old_policy.spec, new_policy.spec)
        if weaker:
            self.add(
                "critical",
                f"{change.identity} (prod, user-facing) switched guardrails from {was} to the "
                f"weaker {now}: {'; '.join(weaker)}",
            )

    def _high(self, change: ArtifactChange, reached: Sequence[DeploymentInfo]) -> None:
        ident, predicates = change.identity, change.predicates
        prod = [d for d in reached if d.environment == "prod" and d.identity != ident]
        content = change.type == "removed" or "modified.spec" in predicates
        if change.kind in ("Prompt", "Model") and content and prod:
            what = f"{change.kind.lower()} {ident} {change.type}"
            self.add("high", f"{what}, used by prod {names(prod)}")
        if change.kind == "Deployment" and change.new is not None:
            self._prod_deployment(change)
        if change.kind == "Waiver" and (change.type == "added" or "modified.spec" in predicates):
            spec = change.current.spec
            verb = "added" if change.type == "added" else "changed"
            self.add(
                "high",
                f"waiver {verb}: {ident} waives {spec.get('rule')} on {spec.get('target')} "
                f"until {spec.get('expires')}",
            )
        if "eval.threshold_lowered" in predicates:
            why = _joined(change, "eval.threshold_lowered")
            self.add("high", f"eval threshold lowered: {ident}: {why}")
        weakened_prod = [d for d in prod if not d.user_facing]
        if "guardrail.weakened" in predicates and weakened_prod:
            self.add(
                "high",
                f"guardrail weakened on prod {names(weakened_prod)}: {ident}: "
                f"{_joined(change, 'guardrail.weakened')}",
            )

    def _prod_deployment(self, change: ArtifactChange) -> None:
        assert change.new is not None
        if change.new.spec.get("environment") != "prod":
            return
        for predicate in ("deployment.prompt_changed", "deployment.model_changed"):
            if predicate in change.predicates:
                self.add("high", f"prod deployment {change.identity}: {_joined(change, predicate)}")
        if "deployment.environment_changed" in change.predicates:
            why = _joined(change, "deployment.environment_changed")
            self.add("high", f"{change.identity} promoted to prod: {why}")

    def _medium(self, change: ArtifactChange, reached: Sequence[DeploymentInfo]) -> None:
        ident = change.identity
        if change.kind == "Deployment" and change.type == "added":
            env = change.current.spec.get("environment")
            self.add("medium", f"new deployment {ident} ({env})")
        if change.kind == "Deployment" and change.type == "removed":
            env = change.current.spec.get("environment")
            if env in ("prod", "staging"):
                self.add("medium", f"{env} deployment {ident} removed")
        if "deployment.fallbacks_changed" in change.predicates:
            why = _joined(change, "deployment.fallbacks_changed")
            self.add("medium", f"fallbacks changed: {ident}: {why}")
        for env in ("staging", "prod"):
            hit = [d for d in reached if d.environment == env and d.present]
            if hit:
                self.add("medium", f"{ident} {change.type}, reaching {env} {names(hit)}")

    def findings(self, introduced: Iterable[Finding], rules: Mapping[str, RuleMeta]) -> None:
        """One reason per non-waivable rule introduced (a rule can fire on thousands)."""
        by_rule: dict[str, list[Finding]] = {}
        for finding in introduced:
            meta = rules.get(finding.rule)
            if not finding.waived and meta is not None and not meta.waivable:
                by_rule.setdefault(finding.rule, []).append(finding)
        for rule, found in by_rule.items():
            first = found[0]
            where = f"{first.ref} {first.path}".strip() if first.ref else str(first.file)
            if len(found) == 1:
                text = f"non-waivable finding introduced: {rule} on {where}: {first.message}"
            else:
                text = (
                    f"non-waivable finding introduced {len(found)} times: {rule}, first on "
                    f"{where}: {first.message}"
                )
            self.add("critical", text)

    def config(self, fields: Sequence[FieldChange]) -> None:
        if not fields:
            return
        paths = ", ".join(dict.fromkeys(f.path for f in fields))
        governing = any(f.path.split(".")[0].split("[")[0] in GOVERNANCE_CONFIG for f in fields)
        self.add("high" if governing else "low", f"govctl.yaml changed: {paths}")

    def result(self) -> Risk:
        if not self.found:
            return Risk("low", ("no artifact changed",))
        level = max((lvl for lvl, _ in self.found), key=rank)
        shown = [(lvl, text) for lvl, text in self.found if lvl != "low" or level == "low"]
        shown.sort(key=lambda item: -rank(item[0]))  # stable: change order within a level
        return Risk(level, tuple(f"{lvl}: {text}" for lvl, text in shown))


def assess(
    changes: Sequence[ArtifactChange],
    by_change: Mapping[str, Sequence[DeploymentInfo]],
    introduced: Iterable[Finding],
    rules: Mapping[str, RuleMeta],
    config_fields: Sequence[FieldChange],
    base: Registry,
    head: Registry,
) -> Risk:
    scorer = _Scorer(base, head)
    for change in changes:
        scorer.change(change, by_change.get(change.identity, ()))
    scorer.findings(introduced, rules)
    scorer.config(config_fields)
    return scorer.result()
