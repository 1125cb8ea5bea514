"""Required approvals: ``govctl.yaml`` ``approvals`` rules matched against the change.

A rule's ``when`` conditions must all hold. ``kind``, ``change`` and ``environment`` must hold for
the same changed artifact:
- ``kind``: the changed artifact's kind;
- ``change``: a predicate or change type, by full name (``guardrail.weakened``, ``added``) or by
  its last or first part (``weakened`` matches ``guardrail.weakened``, ``modified`` matches
  ``modified.spec`` and the ``modified`` type);
- ``environment``: the changed artifact is a deployment in that environment, or reaches one.
``risk`` holds when the change's risk is at or above that level; ``rule`` when a finding of that
rule is introduced (and not waived). A rule with no condition matches any change.

Rules come from the base's govctl.yaml — the rules in force, which a pull request cannot loosen
for itself — plus any rule the head adds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from govctl.findings import Finding
from govctl.impact.affected import DeploymentInfo
from govctl.impact.changes import ArtifactChange
from govctl.impact.risk import rank
from govctl.models.config import ApprovalRule, Config

SHOWN = 3


@dataclass(frozen=True)
class Approval:
    role: str
    reasons: tuple[str, ...]  # one sentence per approval rule that demands the role
    rules: tuple[str, ...]  # labels of those rules

    @property
    def because(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class SourcedRule:
    index: int  # 0-based position in govctl.yaml approvals
    rule: ApprovalRule
    added: bool = False  # only in the head's govctl.yaml

    @property
    def label(self) -> str:
        """``approvals[2]``: the JSON path, 0-based, as the JSON report's ``rules`` list it."""
        return f"approvals[{self.index}]" + (" (added by this change)" if self.added else "")

    @property
    def shown(self) -> str:
        """``approval rule 3``: for messages people read, counted from 1."""
        return f"approval rule {self.index + 1}" + (" (added by this change)" if self.added else "")


def approval_rules(base: Config | None, head: Config) -> list[SourcedRule]:
    """The base's rules, then the head's rules the base does not have."""
    out: list[SourcedRule] = []
    base_rules = base.approvals if base is not None else []
    for index, rule in enumerate(base_rules):
        out.append(SourcedRule(index, rule))
    for index, rule in enumerate(head.approvals):
        if base is None:
            out.append(SourcedRule(index, rule))
        elif rule not in base_rules:
            out.append(SourcedRule(index, rule, added=True))
    return out


def predicate_matches(wanted: str, change: ArtifactChange) -> str | None:
    """The predicate or type of ``change`` that ``wanted`` names, if any."""
    for name in (change.type, *change.predicates):
        if wanted in (name, name.rsplit(".", 1)[-1], name.split(".", 1)[0]):
            return name
    return None


def environments(change: ArtifactChange, reached: Sequence[DeploymentInfo]) -> set[str]:
    out = {d.environment for d in reached if d.environment}
    if change.kind == "Deployment":
        for side in (change.old, change.new):
            env = side.spec.get("environment") if side is not None else None
            if isinstance(env, str):
                out.add(env)
    return out


def _condition_text(rule: ApprovalRule) -> str:
    parts = [f"{k}: {v}" for k, v in rule.when.model_dump(exclude_none=True).items()]
    return "{" + ", ".join(parts) + "}"


def _change_match(
    rule: ApprovalRule, change: ArtifactChange, reached: Sequence[DeploymentInfo]
) -> str | None:
    """Why ``change`` satisfies the per-change conditions (None when it does not)."""
    when = rule.when
    what = change.type
    if when.kind is not None and change.kind != when.kind:
        return None
    if when.change is not None:
        found = predicate_matches(when.change, change)
        if found is None:
            return None
        what = found
    if when.environment is not None:
        if when.environment not in environments(change, reached):
            return None
        if change.kind != "Deployment":
            hit = sorted(d.identity for d in reached if d.environment == when.environment)
            return f"{change.identity} {what} (reaches {when.environment} {hit[0]})"
    return f"{change.identity} {what}"


def _shown(items: list[str]) -> str:
    more = len(items) - SHOWN
    return ", ".join(items[:SHOWN]) + (f" and {more} more" if more > 0 else "")


def _rule_reason(
    rule: ApprovalRule,
    changes: Sequence[ArtifactChange],
    by_change: Mapping[str, Sequence[DeploymentInfo]],
    risk: str,
    introduced: Sequence[Finding],
) -> str | None:
    when = rule.when
    reasons = []
    if when.risk is not None:
        if rank(risk) < rank(when.risk):
            return None
        reasons.append(f"risk is {risk}")
    if when.rule is not None:
        hits = [f for f in introduced if f.rule == when.rule and not f.waived]
        if not hits:
            return None
        reasons.append(f"{when.rule} introduced on {hits[0].ref or hits[0].file}")
    per_change = when.kind or when.change or when.environment
    if per_change or not reasons:
        matched = [
            m
            for c in changes
            if (m := _change_match(rule, c, by_change.get(c.identity, ()))) is not None
        ]
        if not matched:
            return None
        reasons.append(_shown(matched))
    return "; ".join(reasons)


def required_approvals(
    rules: Iterable[SourcedRule],
    changes: Sequence[ArtifactChange],
    by_change: Mapping[str, Sequence[DeploymentInfo]],
    risk: str,
    introduced: Sequence[Finding],
) -> tuple[Approval, ...]:
    """One entry per role, in rule order, saying which rules demand it and why."""
    because: dict[str, list[str]] = {}
    labels: dict[str, list[str]] = {}
    for sourced in rules:
        reason = _rule_reason(sourced.rule, changes, by_change, risk, introduced)
        if reason is None:
            continue
        text = f"govctl.yaml {sourced.shown} {_condition_text(sourced.rule)}: {reason}"
        for role in sourced.rule.require:
            because.setdefault(role, []).append(text)
            labels.setdefault(role, []).append(sourced.label)
    return tuple(
        Approval(role, tuple(texts), tuple(labels[role])) for role, texts in because.items()
    )
