"""Generate a realistic governance registry of N artifacts for benchmarks.

Composition (per 1,000 artifacts, roughly): 400 prompt versions (100 prompts × 4 releases, a fifth
of them using template files), 150 deployments across dev/staging/prod, 250 eval runs, 50 eval
suites with 200-case JSONL datasets, 60 models, 40 guardrail policies, 10 residency rules,
10 waivers — with the same shapes as the reference repository, digests that match, and a small
share of deliberate findings so the output is not trivially empty.

    python benchmarks/generate_registry.py --artifacts 10000 --out /tmp/reg10k [--policies govctl/catalog]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path
from typing import Any

from govctl.canonical import digest_bytes, digest_json

REGIONS = {
    "EU": ["westeurope", "swedencentral", "eu-central-1", "europe-west4"],
    "US": ["eastus", "us-east-1"],
    "KZ": ["kz-almaty-1"],
}
TEAMS = ["team-support", "team-lending", "team-knowledge", "ml-platform", "compliance", "security"]


def emit(value: Any, indent: int = 0) -> str:
    """Block-style YAML for JSON-like values (strings always quoted: no type surprises)."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:\n{emit(item, indent + 1)}")
            else:
                lines.append(f"{pad}{key}: {emit(item)}")
        return "\n".join(lines)
    if isinstance(value, list):
        if not value:
            return "[]"
        lines = []
        for item in value:
            if isinstance(item, dict) and item:
                body = emit(item, indent + 1).lstrip()
                lines.append(f"{pad}- {body}")
            else:
                lines.append(f"{pad}- {emit(item)}")
        return "\n".join(lines)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


class Generator:
    def __init__(
        self, out: Path, total: int, seed: int, deployments: int = 150, builtin: bool = False
    ) -> None:
        self.deployments_per_mille = deployments
        self.builtin = builtin
        self.out = out
        self.rng = random.Random(seed)
        self.total = total
        self.count = 0
        self.models: list[dict[str, Any]] = []
        self.suites: list[tuple[str, str]] = []  # (name, dataset digest)

    def write(self, rel: str, docs: list[dict[str, Any]]) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n---\n".join(emit(d) for d in docs) + "\n", encoding="utf-8")
        self.count += len(docs)

    def envelope(
        self, kind: str, name: str, owner: str, spec: dict[str, Any], version: str | None = None
    ) -> dict[str, Any]:
        meta: dict[str, Any] = {"name": name}
        if version:
            meta["version"] = version
        meta["owner"] = owner
        return {"apiVersion": "govctl/v1", "kind": kind, "metadata": meta, "spec": spec}

    def config(self) -> None:
        (self.out / "govctl.yaml").write_text(
            emit(
                {
                    "apiVersion": "govctl/v1",
                    "kind": "Config",
                    "teams": TEAMS,
                    "environments": ["dev", "staging", "prod"],
                    "roots": ["registry", "prompts"],
                    "policy": {
                        "engine": "embedded",
                        "paths": ["policies"],
                        "builtin": self.builtin,
                    },
                }
            )
            + "\n"
        )

    def model(self, i: int) -> None:
        zone = ["EU", "EU", "EU", "US", "KZ"][i % 5]
        name = f"model-{i:03d}"
        version = f"2026-0{1 + i % 9}-1{i % 10}"
        spec = {
            "provider": ["azure-openai", "bedrock", "vertex", "anthropic", "self-hosted"][i % 5],
            "providerModelId": f"{name}-{version}",
            "status": "approved" if i % 17 else "deprecated",
            "sunset": f"{2027 + i % 3}-06-30",
            "hosting": {"regions": [self.rng.choice(REGIONS[zone])], "jurisdictions": [zone]},
            "dataHandling": {"trainsOnInputs": False, "retentionDays": 0},
            "pricing": {
                "currency": "USD",
                "inputPer1M": round(0.15 + i % 7 * 0.5, 2),
                "outputPer1M": round(0.6 + i % 7 * 2.0, 2),
            },
            "limits": {"contextWindow": 128000, "maxOutputTokens": 16384},
            "latency": {"p95Ms": 800 + 100 * (i % 12)},
            "tier": ["small", "medium", "large"][i % 3],
        }
        self.models.append({"ref": f"{name}@{version}", "zone": zone})
        self.write(
            f"registry/models/{name}.yaml",
            [self.envelope("Model", name, "ml-platform", spec, version)],
        )

    def residency(self, i: int) -> None:
        zone = ["EU", "KZ", "UK", "CH", "US"][i % 5]
        classes = [["pii"], ["financial"], ["phi"], ["confidential"]][(i // 5) % 4]
        spec = {
            "dataClasses": classes,
            "userJurisdictions": [zone],
            "allowedJurisdictions": [zone],
            "allowedRegions": ["westeurope", "swedencentral", "eu-*", "europe-*"]
            if zone == "EU"
            else [f"{zone.lower()}-*"],
            "legalBasis": f"{zone} data protection law",
        }
        self.write(
            f"registry/residency/rule-{i:03d}.yaml",
            [self.envelope("ResidencyRule", f"rule-{i:03d}", "compliance", spec)],
        )

    def guardrail(self, i: int) -> None:
        spec = {
            "input": [
                {"type": "prompt_injection", "threshold": 0.8, "action": "block"},
                {"type": "pii_detection", "action": "redact"},
                {
                    "type": "topic_filter",
                    "allowedTopics": ["billing", "accounts"],
                    "action": "block",
                },
            ],
            "output": [
                {"type": "pii_redaction", "action": "redact"},
                {"type": "grounding", "threshold": 0.7, "action": "escalate"},
                {"type": "safety", "threshold": 0.5, "action": "block"},
                {"type": "format_validation", "action": "retry"},
            ],
            "onError": "block",
            "timeoutMs": 300,
        }
        self.write(
            f"registry/guardrails/guard-{i:03d}.yaml",
            [self.envelope("GuardrailPolicy", f"guard-{i:03d}", "security", spec)],
        )

    def suite(self, i: int) -> None:
        name = f"suite-{i:04d}"
        lines = []
        for case in range(200 + i % 40):
            tags = ["regression"]
            if case % 10 == 0:
                tags.append("edge_case")
            if case % 7 == 0:
                tags.append("adversarial")
            lines.append(
                json.dumps(
                    {
                        "id": f"{name}-{case}",
                        "input": f"Question {case} about "
                        f"account fees and card limits for case {i}?",
                        "expected": "A grounded answer citing the fee schedule.",
                        "tags": tags,
                    }
                )
            )
        data = ("\n".join(lines) + "\n").encode()
        dataset = self.out / f"registry/evals/datasets/{name}.jsonl"
        dataset.parent.mkdir(parents=True, exist_ok=True)
        dataset.write_bytes(data)
        spec = {
            "dataset": f"datasets/{name}.jsonl",
            "tags": ["edge_case", "adversarial", "regression"],
            "metrics": [
                {"name": "factual_accuracy", "threshold": 0.9},
                {"name": "p95_latency_ms", "threshold": 2000, "direction": "lower"},
            ],
        }
        self.suites.append((name, digest_bytes(data)))
        self.write(
            f"registry/evals/{name}.yaml", [self.envelope("EvalSuite", name, "ml-platform", spec)]
        )

    def prompt(self, i: int, versions: int) -> list[tuple[str, str, str]]:
        """Writes the versions of one prompt; returns (ref, digest, model ref) per version."""
        name = f"prompt-{i:04d}"
        model = self.models[i % len(self.models)]
        suite = self.suites[i % len(self.suites)][0]
        out = []
        for v in range(versions):
            version = f"1.{v}.0"
            base_spec: dict[str, Any] = {
                "variables": [
                    {"name": "question", "source": "user"},
                    {"name": "policy_excerpt", "source": "retrieval"},
                ],
                "parameters": {"temperature": 0.2, "maxTokens": 800},
                "model": model["ref"],
                "riskTier": ["high", "limited", "minimal"][i % 3],
                "evalSuite": suite,
                "changelog": f"Release {version}: refined tone and refusal wording.",
            }
            if i % 5 == 0:
                template = (
                    f"Answer the customer's question using only the policy excerpt.\n"
                    f"Policy: {{{{policy_excerpt}}}}\nQuestion: {{{{question}}}}\n"
                    f"Version {version}.\n"
                )
                tfile = f"{name}.{version}.md"
                tpath = self.out / f"prompts/{name}/{tfile}"
                tpath.parent.mkdir(parents=True, exist_ok=True)
                tpath.write_text(template, encoding="utf-8")
                spec = {"templateFile": tfile, **base_spec}
                hashed = {"template": template, **base_spec}
            else:
                spec = {
                    "messages": [
                        {
                            "role": "system",
                            "content": f"You are a careful banking assistant "
                            f"(v{version}). Policy context: {{{{policy_excerpt}}}}",
                        },
                        {"role": "user", "content": "{{question}}"},
                    ],
                    **base_spec,
                }
                hashed = spec
            doc = self.envelope("Prompt", name, TEAMS[i % 3], spec, version)
            self.write(f"prompts/{name}/{version}.yaml", [doc])
            digest = digest_json({**doc, "spec": hashed})
            out.append((f"{name}@{version}", digest, model["ref"]))
        return out

    def run(self, name: str, suite: tuple[str, str], prompt: tuple[str, str, str]) -> None:
        spec = {
            "suite": suite[0],
            "prompt": prompt[0],
            "promptDigest": prompt[1],
            "model": prompt[2],
            "datasetDigest": suite[1],
            "completedAt": "2026-11-10T10:00:00Z",
            "results": {"factual_accuracy": 0.93, "p95_latency_ms": 1650},
        }
        self.write(
            f"registry/evals/runs/{name}.yaml",
            [self.envelope("EvalRun", name, "ml-platform", spec)],
        )

    def deployment(self, i: int, prompt: tuple[str, str, str], suite: str) -> None:
        env = ["dev", "staging", "prod"][i % 3]
        spec = {
            "environment": env,
            "useCase": "customer-support",
            "riskTier": "high" if i % 2 else "limited",
            "userFacing": True,
            "servedRegions": ["westeurope"],
            "userJurisdictions": ["EU"],
            "dataClasses": ["pii", "financial"],
            "prompt": prompt[0],
            "model": prompt[2],
            "fallbacks": [self.models[(i + 1) % len(self.models)]["ref"]],
            "guardrails": f"guard-{i % max(1, self.total // 100):03d}",
            "evalSuite": suite,
            "rollout": {"strategy": "all-at-once"},
            "budget": {
                "maxInputTokens": 6000,
                "maxOutputTokens": 800,
                "expectedRequestsPerDay": 10000,
                "avgInputTokens": 1500,
                "avgOutputTokens": 300,
                "monthlyCeilingUSD": 5000,
            },
            "latency": {"p95Ms": 2500, "streaming": True},
            "reliability": {"retries": 3, "backoff": "exponential", "timeoutMs": 10000},
            "humanOversight": {"mode": "sampled", "escalation": "support-leads", "feedback": True},
            "monitoring": {
                "alerts": {"p95LatencyMs": 3000, "errorRate": 0.02, "costPerRequestUSD": 0.05}
            },
            "logging": {
                "enabled": True,
                "region": "westeurope",
                "retentionDays": 365,
                "redactPII": True,
            },
            "auth": {"required": True, "rbac": True},
            "rateLimit": {"requestsPerMinute": 600},
        }
        self.write(
            f"registry/deployments/dep-{i:05d}.yaml",
            [self.envelope("Deployment", f"dep-{i:05d}", TEAMS[i % 3], spec)],
        )

    def waiver(self, i: int) -> None:
        spec = {
            "rule": "GOV-LAT-001",
            "target": f"Deployment/dep-{i:05d}",
            "justification": "Latency budget under review with the vendor",
            "approvedBy": "head-of-compliance",
            "expires": "2027-01-31",
            "ticket": f"COMP-{i}",
        }
        self.write(
            f"registry/waivers/waiver-{i:04d}.yaml",
            [self.envelope("Waiver", f"waiver-{i:04d}", "compliance", spec)],
        )

    def generate(self) -> None:
        n = self.total
        self.config()
        for i in range(max(2, n * 60 // 1000)):
            self.model(i)
        for i in range(max(2, min(20, n // 100))):  # organisations have a handful, not thousands
            self.residency(i)
        for i in range(max(1, n // 100)):
            self.guardrail(i)
        for i in range(max(1, n * 50 // 1000)):
            self.suite(i)
        prompts = []
        for i in range(max(1, n * 100 // 1000)):
            prompts.append(self.prompt(i, 4))
        for i in range(max(1, n * 250 // 1000)):
            versions = prompts[i % len(prompts)]
            self.run(f"run-{i:05d}", self.suites[i % len(prompts) % len(self.suites)], versions[-1])
        for i in range(max(1, n * self.deployments_per_mille // 1000)):
            p = prompts[i % len(prompts)]
            self.deployment(i, p[-1], self.suites[i % len(prompts) % len(self.suites)][0])
        for i in range(max(1, n * 10 // 1000)):
            self.waiver(i)


def generate(
    out: Path, artifacts: int, policies: Path | None, seed: int = 7, deployments: int = 150
) -> int:
    """Write the registry. ``policies``: a folder copied to ``policies/`` (``builtin: false``);
    None: an empty ``policies/`` and govctl's built-in catalog (what most repositories do).
    ``deployments``: Deployments per 1000 of ``artifacts`` (260 gives ~25% deployments)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    gen = Generator(out, artifacts, seed, deployments, builtin=policies is None)
    gen.generate()
    if policies is not None and policies.is_dir():
        shutil.copytree(policies, out / "policies")
    else:
        (out / "policies").mkdir()
    return gen.count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--artifacts", type=int, default=1000, help="About this many artifacts (default: 1000)."
    )
    parser.add_argument("--out", type=Path, required=True, help="Folder to write the registry in.")
    parser.add_argument(
        "--policies", type=Path, default=Path(__file__).parent.parent / "govctl" / "catalog",
        help="Policy folder copied into the registry (default: the built-in catalog).",
    )
    parser.add_argument(
        "--seed", type=int, default=7, help="Random seed: the same seed, the same registry."
    )
    parser.add_argument(
        "--builtin", action="store_true", help="Use the built-in catalog instead of a copy."
    )
    parser.add_argument(
        "--deployments", type=int, default=150,
        help="Deployments per 1000 artifacts (default 150; 260: ~25%%).",
    )
    args = parser.parse_args()
    policies = None if args.builtin else args.policies
    count = generate(args.out, args.artifacts, policies, args.seed, args.deployments)
    print(f"wrote {count} artifacts to {args.out}")


if __name__ == "__main__":
    main()
