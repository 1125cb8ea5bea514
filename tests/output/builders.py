"""Build ``CheckResult`` objects directly (frozen dataclasses) for renderer tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from govctl.check import CheckResult, summarise
from govctl.findings import Finding, fingerprint, sort_key
from govctl.policy.bundle import RuleMeta

NOW = "2026-11-22T00:00:00+00:00"


def rule(
    rule_id: str,
    title: str = "",
    *,
    severity: str = "error",
    component: str = "registry",
    stage: str = "baseline",
    remediation: str = "",
    controls: tuple[str, ...] = (),
    description: str = "",
    waivable: bool = True,
) -> RuleMeta:
    return RuleMeta(
        id=rule_id,
        title=title or rule_id,
        description=description,
        severity=severity,
        component=component,
        stage=stage,
        waivable=waivable,
        controls=controls,
        remediation=remediation,
        kinds=(),
        source=f"policies/{rule_id.lower()}.rego:1",
        package="test.rules",
    )


def finding(
    rule_id: str,
    message: str = "something is wrong",
    *,
    severity: str = "error",
    ref: str | None = "Deployment/app-prod",
    path: str = "spec.model",
    file: str | None = "registry/deployments/app.yaml",
    line: int | None = 7,
    column: int | None = 3,
    waiver: str | None = None,
    controls: tuple[str, ...] = (),
    fp: str | None = None,
) -> Finding:
    return Finding(
        rule=rule_id,
        severity=severity,
        message=message,
        ref=ref,
        path=path,
        file=file,
        line=line,
        column=column,
        waived=waiver is not None,
        waiver=waiver,
        fingerprint=fp or fingerprint(rule_id, ref, path, file),
        controls=controls,
    )


def result(
    findings: Iterable[Finding] = (),
    rules: Mapping[str, RuleMeta] | Iterable[RuleMeta] = (),
    *,
    fail_on: str = "error",
    artifacts: int = 5,
    engine: str = "embedded",
    engine_version: str = "regopy 1.5.2",
) -> CheckResult:
    ordered = sorted(findings, key=sort_key)
    catalog = dict(rules) if isinstance(rules, Mapping) else {r.id: r for r in rules}
    return CheckResult(
        now=NOW,
        registry_digest="sha256:" + "a" * 64,
        policy_digest="sha256:" + "b" * 64,
        engine=engine,
        engine_version=engine_version,
        fail_on=fail_on,
        findings=tuple(ordered),
        summary=summarise(ordered, artifacts),
        rules=catalog,
        evaluated=artifacts,
        cached=0,
        timings={"load": 0.123},
        govctl_version="0.1.0",
    )


CATALOG = (
    rule("GOV-RES-002", "Fallback model outside allowed residency", component="security",
         remediation="Use a fallback hosted in an allowed region.",
         controls=("EU-AI-ACT:Art.10", "ISO-42001:A.7.4")),
    rule("GOV-PRM-004", "High-risk prompt with high temperature", severity="warning",
         component="model strategy", remediation="Lower temperature to 0.3 or less."),
    rule("GOV-EVL-002", "No passing EvalRun", component="evaluation",
         remediation="Run the eval suite and commit the EvalRun."),
    rule("GOV-DAT-001", "Retrieval refresh cadence", severity="info", component="data"),
    rule("GOV-REG-001", "Artifact fails schema validation",
         remediation="Fix the field named in the message."),
    rule("GOV-REG-002", "Reference does not resolve",
         remediation="Point the reference at an existing artifact."),
    rule("GOV-OBS-001", "Monitoring alerts", component="monitoring"),
)

HOSTILE = 'value "x|y" is 100% wrong,\nsee: docs & <b>bold</b> `code` *star* _u_ [l](u)'


def edge_result(fail_on: str = "error") -> CheckResult:
    """Every awkward case at once: the renderers' common fixture."""
    return result(
        [
            finding("GOV-RES-002", HOSTILE, path="spec.fallbacks[0]", line=14, column=5),
            finding("GOV-PRM-004", "modèle 日本語 — ✓ \u202eevil\x1b[31mred\x00", severity="warning",
                    ref="Prompt/support-reply@1.4.0", path="spec.parameters.temperature",
                    file="prompts/support-reply/1.4.0.yaml", line=12, column=16),
            finding("GOV-DAT-001", "refresh cadence P30D is longer than P7D", severity="info",
                    file="registry/dir with space/b,c:d%.yaml", line=1, column=1,
                    path="spec.retrieval.refreshCadence"),
            finding("GOV-EVL-002", "no passing EvalRun for this prompt digest",
                    waiver="Waiver/eval-migration", line=3, column=1, path="spec"),
            finding("GOV-REG-001", "file is not valid UTF-8", ref=None, path="",
                    file="registry/bad.yaml", line=None, column=None),
            finding("GOV-REG-002", "reference 'gpt-9@x' does not resolve", ref="Deployment/ghost",
                    file=None, line=None, column=None),
            finding("CUSTOM-001", "conftest-style string finding", severity="warning",
                    file="registry/deployments/app.yaml", line=20, column=9),
        ],
        CATALOG,
        fail_on=fail_on,
    )
