"""``input.derived``: facts about a subject computed in Python (docs/spec.md §3).

Things policies should not (or, on regopy, cannot reliably) compute themselves: template
variables per role, secrets in prompt text, dataset counts and digests, dates as epoch
nanoseconds, resolved model lists, governing residency rules, projected cost. The shapes are
documented in docs/ARCHITECTURE.md ("input.derived per kind").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from govctl.graph import DependencyGraph
from govctl.registry import Artifact, Registry, parse_reference

VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
ROLES = ("system", "user", "assistant")
VOLUMES = (("x1", 1), ("x10", 10), ("x50", 50), ("x100", 100))

# Named secret shapes; the name is reported, never the secret itself.
SECRET_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("private-key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")),
    ("anthropic-api-key", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    ("openai-api-key", re.compile(r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}")),
    ("aws-access-key-id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("github-token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})")),
    ("slack-token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("google-api-key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
    ("bearer-token", re.compile(r"\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*")),
    (
        "assigned-secret",
        re.compile(
            r"(?i)\b(?:api[_-]?key|secret|token|password|passwd)\b\s*[:=]\s*['\"]?"
            r"(?=[A-Za-z0-9_\-+/]*\d)[A-Za-z0-9_\-+/]{16,}"
        ),
    ),
)


def date_ns(value: Any) -> int | None:
    """``YYYY-MM-DD`` → nanoseconds since the epoch at 00:00 UTC (None if not a date)."""
    if not isinstance(value, str):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()) * 10**9


def timestamp_ns(value: Any) -> int | None:
    """RFC 3339 → nanoseconds since the epoch (None if not a timestamp)."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    delta = moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (delta.days * 86_400 + delta.seconds) * 10**9 + delta.microseconds * 1000


def _prompt_texts(spec: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(role, field path, text) for every piece of prompt text."""
    out = []
    messages = spec.get("messages")
    if isinstance(messages, list):
        for i, message in enumerate(messages):
            if isinstance(message, dict) and isinstance(message.get("content"), str):
                out.append(
                    (str(message.get("role")), f"spec.messages[{i}].content", message["content"])
                )
    if isinstance(spec.get("template"), str):
        out.append(("user", "spec.template", spec["template"]))
    return out


def find_secrets(text: str) -> list[str]:
    return [name for name, pattern in SECRET_PATTERNS if pattern.search(text)]


def prompt_facts(prompt: Artifact) -> dict[str, Any]:
    used: dict[str, set[str]] = {role: set() for role in ROLES}
    secrets = []
    for role, path, text in _prompt_texts(prompt.spec):
        used.setdefault(role, set()).update(VARIABLE.findall(text))
        secrets += [{"path": path, "type": kind} for kind in find_secrets(text)]
    declared = {
        v["name"]: v.get("source")
        for v in prompt.spec.get("variables") or []
        if isinstance(v, dict) and isinstance(v.get("name"), str)
    }
    return {
        "variablesUsed": {role: sorted(names) for role, names in sorted(used.items())},
        "variablesDeclared": dict(sorted(declared.items())),
        "secrets": secrets,
    }


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def monthly_cost(deployment: Artifact, model: Artifact | None) -> dict[str, Any]:
    """docs/spec.md §2: 30 × requests/day × (in × inputPer1M + out × outputPer1M) / 1e6.

    At x1, x10, x50 and x100 of the declared traffic.
    """
    budget = deployment.spec.get("budget") or {}
    pricing = model.spec.get("pricing") if model else None
    currency = pricing.get("currency", "USD") if isinstance(pricing, dict) else "USD"
    nothing = {name: None for name, _ in VOLUMES}
    if model is None:
        return {"currency": currency, "monthlyUSD": nothing, "reason": "model does not resolve"}
    if not isinstance(pricing, dict):
        return {
            "currency": currency,
            "monthlyUSD": nothing,
            "reason": f"{model.identity} has no pricing",
        }
    fields = ("expectedRequestsPerDay", "avgInputTokens", "avgOutputTokens")
    values = {f: _number(budget.get(f)) if isinstance(budget, dict) else None for f in fields}
    missing = [f"spec.budget.{f}" for f, v in values.items() if v is None]
    price_in, price_out = _number(pricing.get("inputPer1M")), _number(pricing.get("outputPer1M"))
    if missing or price_in is None or price_out is None:
        reason = (
            f"missing {', '.join(missing)}" if missing else f"{model.identity} pricing incomplete"
        )
        return {"currency": currency, "monthlyUSD": nothing, "reason": reason}
    per_request = values["avgInputTokens"] * price_in + values["avgOutputTokens"] * price_out  # type: ignore[operator]
    base = 30 * values["expectedRequestsPerDay"] * per_request / 1e6  # type: ignore[operator]
    return {
        "currency": currency,
        "monthlyUSD": {name: round(base * factor, 2) for name, factor in VOLUMES},
        "reason": None,
    }


class Deriver:
    """Computes ``input.derived`` for any subject of one registry."""

    def __init__(self, registry: Registry, graph: DependencyGraph) -> None:
        self.registry = registry
        self.graph = graph
        self._by_kind: dict[str, Callable[[Artifact], dict[str, Any]]] = {
            "Prompt": prompt_facts,
            "Model": lambda a: {"sunsetNs": date_ns(a.spec.get("sunset"))},
            "EvalSuite": self._suite,
            "EvalRun": self._run,
            "Deployment": self._deployment,
            "Waiver": lambda a: {"expiresNs": date_ns(a.spec.get("expires"))},
        }

    def derive(self, subject: Artifact) -> dict[str, Any]:
        func = self._by_kind.get(subject.kind)
        return func(subject) if func else {}

    def _dataset(self, suite_identity: str | None) -> dict[str, Any] | None:
        info = self.registry.datasets.get(suite_identity or "")
        return info.as_json() if info else None

    def _suite(self, suite: Artifact) -> dict[str, Any]:
        return {"dataset": self._dataset(suite.identity)}

    def run_metrics(self, run: Artifact) -> tuple[list[dict[str, Any]], bool, str | None]:
        suite = self.registry.resolve("EvalSuite", run.spec.get("suite"))
        reported = run.spec.get("results")
        results: dict[str, Any] = reported if isinstance(reported, dict) else {}
        metrics = []
        declared = suite.spec.get("metrics") if suite else None
        for metric in declared if isinstance(declared, list) else []:
            if not isinstance(metric, dict):
                continue
            value, threshold = (
                _number(results.get(str(metric.get("name")))),
                _number(metric.get("threshold")),
            )
            lower = metric.get("direction") == "lower"
            passed = (
                value is not None
                and threshold is not None
                and (value <= threshold if lower else value >= threshold)
            )
            metrics.append(
                {
                    "name": metric.get("name"),
                    "value": value,
                    "threshold": threshold,
                    "direction": "lower" if lower else "higher",
                    "passed": passed,
                }
            )
        passed = suite is not None and bool(metrics) and all(m["passed"] for m in metrics)
        return metrics, passed, suite.identity if suite else None

    def _run(self, run: Artifact) -> dict[str, Any]:
        metrics, passed, suite = self.run_metrics(run)
        return {
            "suite": suite,
            "completedAtNs": timestamp_ns(run.spec.get("completedAt")),
            "metrics": metrics,
            "passed": passed,
        }

    def _models(self, deployment: Artifact, prompt: Artifact | None) -> list[dict[str, Any]]:
        spec = deployment.spec
        if spec.get("model") is not None:
            primary: list[tuple[Any, str, str]] = [(spec.get("model"), "spec.model", "primary")]
        elif prompt is not None and prompt.spec.get("model") is not None:
            primary = [(prompt.spec.get("model"), "spec.prompt", "primary")]
        else:
            primary = []
        listed = spec.get("fallbacks")
        fallbacks: list[Any] = listed if isinstance(listed, list) else []
        entries = primary + [
            (ref, f"spec.fallbacks[{i}]", "fallback") for i, ref in enumerate(fallbacks)
        ]
        out = []
        for ref, path, role in entries:
            model = self.registry.resolve("Model", ref)
            out.append(
                {
                    "ref": ref,
                    "identity": model.identity if model else None,
                    "role": role,
                    "path": path,
                    "sunsetNs": date_ns(model.spec.get("sunset")) if model else None,
                }
            )
        return out

    def evidence(
        self, deployment: Artifact, prompt: Artifact | None, primary: str | None, suite: str | None
    ) -> list[dict[str, Any]]:
        """Each EvalRun of the suite, with what it matches of this deployment."""
        dataset = self.registry.datasets.get(suite or "")
        out = []
        for identity in self.graph.runs_of_suite(suite):
            run = self.registry.get(identity)
            if run is None:
                continue
            _, passed, _ = self.run_metrics(run)
            out.append(
                {
                    "identity": identity,
                    "passed": passed,
                    "promptMatches": prompt is not None
                    and parse_reference("Prompt", run.spec.get("prompt")) == prompt.identity,
                    "promptDigestMatches": prompt is not None
                    and run.spec.get("promptDigest") == prompt.digest,
                    "modelMatches": primary is not None
                    and parse_reference("Model", run.spec.get("model")) == primary,
                    "datasetDigestMatches": dataset is not None
                    and dataset.digest is not None
                    and run.spec.get("datasetDigest") == dataset.digest,
                    "completedAtNs": timestamp_ns(run.spec.get("completedAt")),
                }
            )
        return out

    def _deployment(self, deployment: Artifact) -> dict[str, Any]:
        prompt = self.registry.resolve("Prompt", deployment.spec.get("prompt"))
        models = self._models(deployment, prompt)
        primary = models[0] if models and models[0]["role"] == "primary" else None
        primary_model = (
            self.registry.get(primary["identity"]) if primary and primary["identity"] else None
        )
        suite_identity = self.graph.effective_suite(deployment)
        suite = suite_identity if suite_identity in self.registry.artifacts else None
        guardrails = self.registry.resolve("GuardrailPolicy", deployment.spec.get("guardrails"))
        return {
            "prompt": prompt.identity if prompt else None,
            "models": models,
            "guardrails": guardrails.identity if guardrails else None,
            "evalSuite": suite,
            "evalRuns": self.graph.runs_of_suite(suite),
            "evalEvidence": self.evidence(
                deployment, prompt, primary_model.identity if primary_model else None, suite
            ),
            "dataset": self._dataset(suite),
            "residencyRules": self.graph.governing_rules(deployment),
            "cost": monthly_cost(deployment, primary_model),
            "fallbackCost": [
                {
                    "ref": m["ref"],
                    **monthly_cost(deployment, self.registry.get(m["identity"] or "")),
                }
                for m in models
                if m["role"] == "fallback"
            ],
            "waivers": self.graph.waivers_for(deployment.identity),
        }
