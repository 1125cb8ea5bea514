"""Human and machine forms of ``govctl gateway diff`` (findings in the ``check`` shape)."""

from __future__ import annotations

import json
from typing import Any

from govctl import __version__
from govctl.gateway.service import DiffResult, RenderResult
from govctl.output.text import one_line


def diff_json(result: DiffResult) -> str:
    """``{"version": 1, ..., "summary": {...}, "findings": [check findings]}``."""
    doc: dict[str, Any] = {
        "version": 1,
        "govctl": __version__,
        "target": "litellm",
        "source": result.source,
        "configDigest": result.config_digest,
        "registryDigest": result.registry_digest,
        "policyDigest": result.policy_digest,
        "routes": list(result.routes),
        "summary": {
            "errors": result.counts.get("error", 0),
            "warnings": result.counts.get("warning", 0),
            "infos": result.counts.get("info", 0),
        },
        "findings": [dict(f.as_json()) for f in result.findings],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def diff_text(result: DiffResult) -> str:
    lines = []
    for finding in result.findings:
        where = one_line(finding.file or result.source)
        if finding.line:
            where += f":{finding.line}:{finding.column or 1}"
        lines.append(f"{where}  {finding.severity:7}  {finding.rule}  {one_line(finding.message)}")
        meta = result.rules.get(finding.rule)
        if meta is not None and meta.remediation:
            lines.append(f"{'':{len(where)}}  fix: {one_line(meta.remediation)}")
    verdict = "DRIFT" if result.exit_code else ("OK" if not result.findings else "OK (notes)")
    errors, warnings, infos = (result.counts.get(s, 0) for s in ("error", "warning", "info"))
    lines.append(
        f"gateway {one_line(result.source)} against {len(result.routes)} approved routes: "
        f"{errors} errors, {warnings} warnings, {infos} infos · {verdict} "
        f"(fail-on {result.fail_on})"
    )
    return "\n".join(lines) + "\n"


def render_summary(result: RenderResult) -> str:
    """What ``gateway render -o FILE`` says on stderr: routes, gaps, exclusions."""
    lines = [f"rendered {len(result.routes)} routes ({result.config_digest})"]
    lines.extend(
        f"  no LiteLLM guardrail for {u.deployment}: {u.stage} {u.type} (enforce it in the app)"
        for u in result.unmapped
    )
    lines.extend(f"  not routed: {d}: {one_line(why)}" for d, why in result.skipped)
    return "\n".join(lines) + "\n"
