"""The page contexts of one deployment and one artifact (what their templates show).

Everything is read from the ``SiteModel`` (check result, scorecards, cost reports, closures,
``input.derived`` facts); only presentation is decided here: labels, table rows, which finding a
residency row points at, the prompt text a version diff compares.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govctl.findings import Finding
from govctl.registry import Artifact
from govctl.site.links import artifact_page
from govctl.site.model import SiteModel
from govctl.site.svg import GraphNode, cost_chart, dependency_graph

RESIDENCY_RULES = ("GOV-RES-001", "GOV-RES-002", "GOV-RES-003")
NS_PER_DAY = 86_400 * 10**9


@dataclass(frozen=True)
class Shown:
    """A finding (``Finding`` or its JSON form) with an id unique on its page."""

    f: Any
    anchor: str


def shown(findings: Iterable[Any], seen: set[str]) -> list[Shown]:
    out = []
    for f in findings:
        fp = f.fingerprint if isinstance(f, Finding) else f["fingerprint"]
        anchor, n = f"finding-{fp}", 2
        while anchor in seen:
            anchor, n = f"finding-{fp}-{n}", n + 1
        seen.add(anchor)
        out.append(Shown(f, anchor))
    return out


def listed(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def money(value: float | None, currency: str = "USD") -> str:
    return "n/a" if value is None else f"{value:,.2f} {currency}"


@dataclass(frozen=True)
class ResidencyRow:
    label: str
    what: str
    page: str | None
    regions: str
    jurisdictions: str
    status: str
    findings: tuple[Shown, ...]


def _role_labels(
    model: SiteModel, deployment: Artifact, derived: Mapping[str, Any]
) -> dict[str, str]:
    roles: dict[str, str] = {}
    for entry in derived.get("models") or []:
        if entry.get("identity"):
            roles.setdefault(entry["identity"], f"{entry['role']} model")
    for ref in model.graph.references(deployment.identity):
        if ref.target and ref.path == "spec.rollout.rollbackTo":
            roles.setdefault(ref.target, "rollback prompt")
    fixed = {"prompt": "prompt", "guardrails": "guardrails", "evalSuite": "eval suite"}
    for key, label in fixed.items():
        if derived.get(key):
            roles.setdefault(derived[key], label)
    return roles


def graph_svg(
    model: SiteModel, deployment: Artifact, derived: Mapping[str, Any], u: Callable[[str], str]
) -> str:
    closure = model.closures.get(deployment.identity, {})
    roles = _role_labels(model, deployment, derived)
    kind_role = {
        "EvalRun": "eval run",
        "ResidencyRule": "residency rule",
        "Waiver": "waiver",
        "Model": "model",
        "Prompt": "prompt",
        "EvalSuite": "eval suite",
        "GuardrailPolicy": "guardrails",
    }

    def node(identity: str, role: str) -> GraphNode:
        live = sum(not f.waived for f in model.findings_of(identity))
        page = artifact_page(identity) if identity in model.registry.artifacts else None
        return GraphNode(identity, role, live, u(page) if page else None)

    members = [
        node(i, roles.get(i) or kind_role.get(i.split("/", 1)[0], "dependency")) for i in closure
    ]
    return dependency_graph(
        node(deployment.identity, "this deployment"),
        members,
        closure,
        f"Dependency graph of {deployment.identity}",
    )


def _hosting(artifact: Artifact | None) -> tuple[str, str]:
    hosting = artifact.spec.get("hosting") if artifact else None
    if not isinstance(hosting, dict):
        return "", ""
    return listed(hosting.get("regions")), listed(hosting.get("jurisdictions"))


def _on_path(finding: Finding, path: str) -> bool:
    return finding.path == path or finding.path.startswith((path + ".", path + "["))


def residency_rows(
    model: SiteModel,
    deployment: Artifact,
    derived: Mapping[str, Any],
    listed_findings: Sequence[Shown],
) -> list[ResidencyRow]:
    """Where each component is hosted; its status is what GOV-RES-001..003 found on its path
    (each finding as listed on the page, so the row links to it)."""
    governed = bool(derived.get("residencyRules"))
    own = [s for s in listed_findings if s.f.rule in RESIDENCY_RULES]
    rows = []

    def row(label: str, what: str, page: str | None, where: tuple[str, str], path: str) -> None:
        hits = tuple(s for s in own if _on_path(s.f, path))
        status = "not evaluated" if not governed or not deployment.valid else "pass"
        if hits:
            status = "fail" if any(not s.f.waived for s in hits) else "waived"
        rows.append(ResidencyRow(label, what, page, where[0], where[1], status, hits))

    for entry in derived.get("models") or []:
        identity = entry.get("identity")
        artifact = model.registry.get(identity) if identity else None
        row(
            f"{entry['role']} model",
            str(identity or entry.get("ref")),
            artifact_page(identity) if artifact else None,
            _hosting(artifact),
            str(entry.get("path")),
        )
    spec = deployment.spec
    for key, label in (("retrieval", "retrieval store"), ("logging", "log sink")):
        block = spec.get(key)
        if isinstance(block, dict):
            name = str(block.get("store") or key)
            row(
                label,
                name,
                None,
                (listed(block.get("region")), listed(block.get("jurisdiction"))),
                f"spec.{key}",
            )
    return rows


def residency_rules(model: SiteModel, derived: Mapping[str, Any]) -> list[dict[str, str]]:
    out = []
    for identity in derived.get("residencyRules") or []:
        rule = model.registry.get(identity)
        spec = rule.spec if rule else {}
        out.append(
            {
                "identity": identity,
                "regions": listed(spec.get("allowedRegions")),
                "jurisdictions": listed(spec.get("allowedJurisdictions")),
                "basis": listed(spec.get("legalBasis")),
            }
        )
    return out


def _now_ns(now: str) -> int | None:
    try:
        return int(datetime.fromisoformat(now).timestamp()) * 10**9
    except ValueError:
        return None


def evidence(model: SiteModel, derived: Mapping[str, Any]) -> dict[str, Any]:
    now_ns = _now_ns(model.result.now)
    runs = []
    for entry in derived.get("evalEvidence") or []:
        run = model.registry.get(entry["identity"])
        completed = entry.get("completedAtNs")
        age = "unknown"
        if completed is not None and now_ns is not None:
            days = (now_ns - completed) // NS_PER_DAY
            age = f"{days} day{'s' if days != 1 else ''}" if days >= 0 else "in the future"
        spec = run.spec if run else {}
        runs.append(
            {
                **entry,
                "promptDigest": listed(spec.get("promptDigest")),
                "datasetDigest": listed(spec.get("datasetDigest")),
                "model": listed(spec.get("model")),
                "completedAt": listed(spec.get("completedAt")) or None,
                "age": age,
            }
        )
    return {"suite": derived.get("evalSuite"), "dataset": derived.get("dataset"), "runs": runs}


def deployment_context(
    model: SiteModel,
    deployment: Artifact,
    source_text: str,
    releases: Sequence[Any],
    u: Callable[[str], str],
) -> dict[str, Any]:
    derived = model.deriver.derive(deployment)
    closure = model.closures.get(deployment.identity, {})
    seen: set[str] = set()
    own = shown(model.findings_of(deployment.identity), seen)
    deps = shown([f for m in closure for f in model.findings_of(m)], seen)
    card = model.scorecards[deployment.identity]
    cells = {(c.component, c.stage): c for c in card.cells}
    components = list(dict.fromkeys(c.component for c in card.cells))
    cost = model.costs[deployment.identity]
    primary = next((line for line in cost.lines if line.role == "primary"), None)
    chart = ""
    if primary is not None and primary.reason is None:
        chart = cost_chart(
            [(v, primary.monthly.get(v)) for v in ("x1", "x10", "x50", "x100")],
            cost.ceiling,
            primary.currency,
            f"Projected monthly cost of {deployment.identity}",
            money,
        )
    return {
        "d": deployment,
        "spec": deployment.spec,
        "card": card,
        "readiness": [(c, [cells[(c, s)] for s in ("baseline", "full")]) for c in components],
        "graph_svg": graph_svg(model, deployment, derived, u),
        "own_findings": own,
        "dep_findings": deps,
        "residency": {
            "rules": residency_rules(model, derived),
            "components": residency_rows(model, deployment, derived, own),
        },
        "cost": cost,
        "cost_svg": chart,
        "evidence": evidence(model, derived),
        "releases": releases,
        "source_text": source_text,
        "referenced_by": model.referenced_by.get(deployment.identity, ()),
    }


# ---- artifacts -----------------------------------------------------------------------------

_VERSION_PART = re.compile(r"(\d+)|([^\d.+-]+)")


def version_key(version: str | None) -> tuple[tuple[int, int | str], ...]:
    """Order versions as people read them (1.10.0 after 1.9.0); presentation only."""
    parts = _VERSION_PART.findall(version or "")
    return tuple((0, int(n)) if n else (1, s) for n, s in parts)


def prompt_text(prompt: Artifact) -> list[str]:
    """What a reviewer compares between prompt versions: messages, then the other settings."""
    spec = prompt.spec
    lines: list[str] = []
    messages = spec.get("messages")
    for message in messages if isinstance(messages, list) else []:
        if isinstance(message, dict):
            lines.append(f"[{message.get('role')}]")
            lines += str(message.get("content", "")).splitlines()
    if isinstance(spec.get("template"), str):
        lines.append("[user (template)]")
        lines += spec["template"].splitlines()
    rest = {k: v for k, v in spec.items() if k not in ("messages", "template", "changelog")}
    lines.append("[settings]")
    settings = json.dumps(rest, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    lines += settings.splitlines()
    return lines


def prompt_diff(before: Artifact, after: Artifact) -> list[tuple[str, str]]:
    diff = difflib.unified_diff(
        prompt_text(before),
        prompt_text(after),
        fromfile=before.identity,
        tofile=after.identity,
        lineterm="",
    )
    out = []
    for line in diff:
        kind = "ctx"
        if line.startswith(("---", "+++")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "del"
        out.append((kind, line))
    return out


def artifact_context(
    model: SiteModel,
    artifact: Artifact,
    source_text: str,
    versions: Sequence[Artifact],
    template_text: Callable[[Artifact], str | None],
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "a": artifact,
        "dataset": model.registry.datasets[artifact.identity].as_json()
        if artifact.identity in model.registry.datasets
        else None,
        "used_by": model.used_by.get(artifact.identity, ()),
        "referenced_by": model.referenced_by.get(artifact.identity, ()),
        "references": model.graph.forward(artifact.identity),
        "findings": shown(model.findings_of(artifact.identity), set()),
        "source_text": source_text,
        "template_text": template_text(artifact),
        # An EvalRun's metrics against its suite's thresholds, as policies see them
        # (input.derived); an EvalSuite's dataset as govctl measured it.
        "derived": model.deriver.derive(artifact)
        if artifact.kind in ("EvalRun", "EvalSuite") and artifact.valid
        else {},
        "versions": [],
        "diff": [],
        "previous": None,
    }
    if artifact.kind == "Prompt" and versions:
        at = [v.identity for v in versions].index(artifact.identity)
        context["versions"] = [
            {
                "identity": v.identity,
                "version": v.version,
                "changelog": listed(v.spec.get("changelog")),
            }
            for v in versions
        ]
        if at > 0:
            before = versions[at - 1]
            context["previous"] = before.version
            context["diff"] = prompt_diff(before, artifact)
    return context
