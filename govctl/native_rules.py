"""Rules that need the whole registry at once, computed in Python (docs/spec.md §3).

GOV-REG-001 (schema, from the loader), GOV-REG-002 (dangling references), GOV-REG-003 (duplicate
identities), GOV-REG-004 (unknown owners). They report in the same finding shape as policies and
carry metadata like policies do, so catalog listings, SARIF rules and waivers treat them alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from govctl.findings import RawFinding
from govctl.graph import references
from govctl.loader.load import LoadProblem
from govctl.registry import Registry
from govctl.rules import RuleMeta


def _native(
    rule_id: str,
    title: str,
    controls: tuple[str, ...],
    remediation: str,
    kinds: tuple[str, ...] = (),
) -> RuleMeta:
    return RuleMeta(
        id=rule_id,
        title=title,
        description=title,
        severity="error",
        component="registry",
        stage="baseline",
        waivable=False,
        controls=controls,
        remediation=remediation,
        kinds=kinds,
        source="govctl (native)",
        package=None,
    )


NATIVE_RULES: Mapping[str, RuleMeta] = {
    meta.id: meta
    for meta in (
        _native(
            "GOV-REG-001",
            "Artifact fails schema validation",
            ("EU-AI-ACT:Art.11", "ISO-42001:A.6.2.7", "NIST-AI-RMF:GOVERN-1.4"),
            "Fix the field named in the message; `govctl schema export` gives editors the schemas.",
        ),
        _native(
            "GOV-REG-002",
            "Reference does not resolve",
            ("EU-AI-ACT:Art.11", "ISO-42001:A.6.2.3", "NIST-AI-RMF:MAP-4.1"),
            "Point the reference at an existing artifact (name@version for prompts and models), "
            "or add the missing artifact.",
        ),
        _native(
            "GOV-REG-003",
            "Two files declare the same identity",
            ("ISO-42001:A.6.2.7", "NIST-AI-RMF:GOVERN-1.6"),
            "Keep one declaration per identity; release a changed prompt or model as a new "
            "version.",
        ),
        _native(
            "GOV-REG-004",
            "Owner is not a known team",
            ("EU-AI-ACT:Art.17", "ISO-42001:A.3.2", "NIST-AI-RMF:GOVERN-2.1"),
            "Set metadata.owner to a team listed under `teams` in govctl.yaml (or add the team).",
        ),
        _native(
            "GOV-WVR-001",
            "Waiver expired",
            ("EU-AI-ACT:Art.9", "ISO-42001:A.5.2", "NIST-AI-RMF:MANAGE-1.4"),
            "Fix the waived finding, or renew the waiver with a new approval and expiry date.",
            ("Waiver",),
        ),
        _native(
            "GOV-WVR-002",
            "Waiver names an unknown rule or target, or a non-waivable rule",
            ("EU-AI-ACT:Art.9", "ISO-42001:A.5.2", "NIST-AI-RMF:MANAGE-1.4"),
            "Name an existing rule id and artifact identity (Kind/name[@version]); "
            "non-waivable findings must be fixed, not waived.",
            ("Waiver",),
        ),
        _native(
            "GOV-WVR-003",
            "Waiver expiry beyond waivers.maxDays",
            ("EU-AI-ACT:Art.9", "ISO-42001:A.5.2", "NIST-AI-RMF:GOVERN-1.5"),
            "Shorten spec.expires to within waivers.maxDays of today; re-approve when it lapses.",
            ("Waiver",),
        ),
        _native(
            "GOV-WVR-004",
            "Waiver is not independently approved",
            ("ISO-42001:A.5.2", "NIST-AI-RMF:GOVERN-2.1", "SOC2:CC8.1"),
            "Have the waiver approved by someone outside the team that owns the waiver and the "
            "waived artifact (and listed under waivers.approvers in govctl.yaml when that is set).",
            ("Waiver",),
        ),
    )
}


def load_findings(problems: Iterable[LoadProblem]) -> list[RawFinding]:
    return [
        RawFinding(p.rule, "error", p.message, p.ref, p.path, p.file, p.line, p.column, p.doc_index)
        for p in problems
    ]


def _known_versions(registry: Registry, kind: str, name: str) -> list[str]:
    return sorted(
        a.version or "" for a in registry.of_kind(kind) if a.name == name and a.version is not None
    )


def dangling_references(registry: Registry) -> list[RawFinding]:
    out: list[RawFinding] = []
    for artifact in registry:
        for ref in references(artifact):
            if ref.target is not None and ref.target in registry.artifacts:
                continue
            if ref.target is None:
                form = "name@version" if ref.kind in ("Prompt", "Model") else "a plain name"
                message = (
                    f"{ref.path} {ref.text!r} is not a valid {ref.kind} reference: write {form}"
                )
            else:
                name = ref.target.split("/", 1)[1].split("@", 1)[0]
                versions = _known_versions(registry, ref.kind, name)
                known = f" (released versions: {', '.join(versions)})" if versions else ""
                message = f"{ref.path} refers to {ref.target}, which does not exist{known}"
            out.append(RawFinding("GOV-REG-002", "error", message, artifact.identity, ref.path))
        if artifact.kind == "Deployment" and artifact.valid:
            out.extend(_missing_model(registry, artifact.identity))
    return out


def _missing_model(registry: Registry, identity: str) -> list[RawFinding]:
    deployment = registry.artifacts[identity]
    if deployment.spec.get("model") is not None:
        return []
    prompt = registry.resolve("Prompt", deployment.spec.get("prompt"))
    if prompt is None or prompt.spec.get("model") is not None:
        return []
    return [
        RawFinding(
            "GOV-REG-002",
            "error",
            f"no model: set spec.model, or bind one in {prompt.identity} spec.model",
            identity,
            "spec.model",
        )
    ]


def duplicate_identities(registry: Registry) -> list[RawFinding]:
    out = []
    for duplicate in registry.duplicates:
        first = registry.artifacts[duplicate.identity]
        out.append(
            RawFinding(
                "GOV-REG-003",
                "error",
                f"{duplicate.identity} is already declared in {first.path} (document "
                f"{first.index + 1}); each identity is declared once — release a new version "
                "instead",
                duplicate.identity,
                "metadata.name",
                duplicate.path,
                None,
                None,
                duplicate.index,
            )
        )
    return out


def unknown_owners(registry: Registry) -> list[RawFinding]:
    teams = set(registry.config.teams)
    listed = ", ".join(registry.config.teams) or "none"
    out = []
    for artifact in registry:
        owner = artifact.metadata.get("owner")
        if isinstance(owner, str) and owner not in teams:
            out.append(
                RawFinding(
                    "GOV-REG-004",
                    "error",
                    f"owner {owner!r} is not a team in govctl.yaml (teams: {listed})",
                    artifact.identity,
                    "metadata.owner",
                )
            )
    return out


def unknown_environments(registry: Registry) -> list[RawFinding]:
    allowed = registry.config.environments
    out = []
    for deployment in registry.of_kind("Deployment"):
        env = deployment.spec.get("environment")
        if isinstance(env, str) and env not in allowed:
            out.append(
                RawFinding(
                    "GOV-REG-001",
                    "error",
                    f"spec.environment {env!r} is not one of the environments in govctl.yaml "
                    f"({', '.join(allowed)})",
                    deployment.identity,
                    "spec.environment",
                )
            )
    return out


def registry_findings(registry: Registry, problems: Iterable[LoadProblem]) -> list[RawFinding]:
    return [
        *load_findings(problems),
        *unknown_environments(registry),
        *dangling_references(registry),
        *duplicate_identities(registry),
        *unknown_owners(registry),
    ]
