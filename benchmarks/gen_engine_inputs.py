"""Generate a synthetic, valid governance repository of about N artifacts for engine benchmarks.

    .venv/bin/python benchmarks/gen_engine_inputs.py --artifacts 1000 --out /tmp/reg1k

The repository uses govctl's built-in catalog (``govctl/catalog`` linked as ``policies/``, not copied) and a
mix of artifacts that exercises every rule family: shared models, residency rules, guardrail
policies and eval suites (with 220-case datasets), and per system a prompt, a deployment, an
EvalRun and now and then a waiver. It is seeded, so the same N gives the same repository. The
files are JSON, which is YAML, so writing 10k of them stays fast.

``eval_requests(root, now)`` builds the engine's input documents for a repository the way
``govctl check`` does, for benchmarks that time the engines alone.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path
from typing import Any

from govctl.canonical import digest_bytes, digest_json

API = "govctl/v1"
TEAMS = ["team-support", "ml-platform", "compliance", "security", "data-governance"]
REGIONS = {"EU": ["westeurope", "northeurope", "eu-central-1"], "US": ["eastus", "us-east-1"]}
NOW = "2026-11-22T00:00:00+00:00"
FIXED_MODELS = 20
FIXED_GUARDRAILS = 10
FIXED_SUITES = 10
PER_SYSTEM = 3  # prompt, deployment, eval run (+ a waiver for every 10th system)


def _doc(
    kind: str,
    name: str,
    spec: dict[str, Any],
    version: str | None = None,
    owner: str = "ml-platform",
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "owner": owner}
    if version is not None:
        metadata["version"] = version
    return {"apiVersion": API, "kind": kind, "metadata": metadata, "spec": spec}


def _model(i: int, rng: random.Random) -> dict[str, Any]:
    juris = "EU" if i % 3 else "US"
    status = rng.choice(["approved"] * 6 + ["preview", "deprecated", "blocked"])
    spec: dict[str, Any] = {
        "provider": rng.choice(["azure-openai", "bedrock", "vertex"]),
        "providerModelId": f"model-{i}",
        "status": status,
        "hosting": {"regions": [rng.choice(REGIONS[juris])], "jurisdictions": [juris]},
        "dataHandling": {"trainsOnInputs": i % 11 == 0, "retentionDays": 0},
        "pricing": {
            "currency": "USD",
            "inputPer1M": round(0.1 + i * 0.37, 2),
            "outputPer1M": round(0.4 + i * 1.1, 2),
        },
        "limits": {
            "contextWindow": rng.choice([8192, 32000, 128000]),
            "maxOutputTokens": rng.choice([4096, 16384]),
        },
        "latency": {"p95Ms": rng.choice([400, 900, 1800, 3200])},
        "tier": rng.choice(["small", "medium", "large"]),
    }
    if i % 4 == 0:
        spec["sunset"] = rng.choice(["2026-12-01", "2027-06-30", "2026-01-31"])
    return _doc("Model", f"m{i}", spec, version=f"2025-0{1 + i % 9}-1{i % 10}")


def _residency() -> list[dict[str, Any]]:
    return [
        _doc(
            "ResidencyRule",
            "eu-personal",
            {
                "dataClasses": ["pii", "financial"],
                "userJurisdictions": ["EU"],
                "allowedJurisdictions": ["EU"],
                "allowedRegions": ["westeurope", "northeurope", "eu-*"],
                "legalBasis": "GDPR Chapter V",
            },
            owner="compliance",
        ),
        _doc(
            "ResidencyRule",
            "us-personal",
            {
                "dataClasses": ["pii"],
                "userJurisdictions": ["US"],
                "allowedJurisdictions": ["US", "EU"],
                "allowedRegions": ["*"],
            },
            owner="compliance",
        ),
        _doc(
            "ResidencyRule",
            "confidential",
            {
                "dataClasses": ["confidential"],
                "userJurisdictions": ["EU", "US"],
                "allowedJurisdictions": ["EU"],
                "allowedRegions": ["westeurope"],
                "waivable": True,
            },
            owner="compliance",
        ),
        _doc(
            "ResidencyRule",
            "public",
            {
                "dataClasses": ["public"],
                "userJurisdictions": ["EU", "US"],
                "allowedJurisdictions": ["EU", "US"],
                "allowedRegions": ["*"],
            },
            owner="compliance",
        ),
    ]


def _guardrail(i: int, rng: random.Random) -> dict[str, Any]:
    inputs = [
        {
            "type": "prompt_injection",
            "threshold": rng.choice([0.5, 0.8]),
            "action": rng.choice(["block", "block", "log"]),
        }
    ]
    if i % 2:
        inputs.append({"type": "pii_detection", "action": "redact"})
    if i % 3:
        inputs.append({"type": "topic_filter", "allowedTopics": ["billing"], "action": "block"})
    outputs = [{"type": "safety", "threshold": 0.5, "action": "block"}]
    if i % 2:
        outputs.append({"type": "pii_redaction", "action": "redact"})
    if i % 4:
        outputs.append({"type": "format_validation", "action": "retry"})
    return _doc(
        "GuardrailPolicy",
        f"g{i}",
        {
            "input": inputs,
            "output": outputs,
            "onError": "allow" if i == 7 else "block",
            "timeoutMs": 300,
        },
        owner="security",
    )


def _dataset(i: int) -> bytes:
    tags = ["edge_case", "adversarial", "regression"]
    lines = [
        json.dumps({"id": n, "input": f"case {n}", "tags": [tags[n % (2 + i % 2)]]})
        for n in range(150 + 10 * i)
    ]
    return ("\n".join(lines) + "\n").encode()


def _suite(i: int) -> dict[str, Any]:
    return _doc(
        "EvalSuite",
        f"s{i}",
        {
            "dataset": f"datasets/s{i}.jsonl",
            "tags": ["edge_case", "adversarial"],
            "metrics": [
                {"name": "factual_accuracy", "threshold": 0.9},
                {"name": "p95_latency_ms", "threshold": 2000, "direction": "lower"},
            ],
        },
    )


def _prompt(i: int, model: dict[str, Any], suite: str, rng: random.Random) -> dict[str, Any]:
    system = "You are a careful assistant. Policy: {{policy_excerpt}}"
    if i % 13 == 0:
        system += " User says {{question}}"
    return _doc(
        "Prompt",
        f"p{i}",
        {
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": "{{question}}"},
            ],
            "variables": [
                {"name": "question", "source": "user"},
                {"name": "policy_excerpt", "source": "retrieval"},
            ],
            "parameters": {"temperature": rng.choice([0.0, 0.2, 0.7]), "maxTokens": 800},
            "model": _ref(model),
            "riskTier": rng.choice(["minimal", "limited", "high"]),
            "evalSuite": suite,
        },
        version=f"1.{i % 5}.0",
        owner=rng.choice(TEAMS),
    )


def _ref(doc: dict[str, Any]) -> str:
    return f"{doc['metadata']['name']}@{doc['metadata']['version']}"


def _deployment(
    i: int, prompt: dict[str, Any], models: list[dict[str, Any]], rng: random.Random
) -> dict[str, Any]:
    env = rng.choice(["dev", "staging", "prod", "prod"])
    juris = rng.choice(["EU", "EU", "US"])
    spec: dict[str, Any] = {
        "environment": env,
        "useCase": "support",
        "riskTier": rng.choice(["limited", "high"]),
        "userFacing": rng.random() < 0.7,
        "servedRegions": [REGIONS[juris][0]],
        "userJurisdictions": [juris],
        "dataClasses": rng.sample(["pii", "financial", "public"], 2),
        "prompt": _ref(prompt),
        "fallbacks": [_ref(rng.choice(models))],
        "guardrails": f"g{rng.randrange(FIXED_GUARDRAILS)}",
        "rollout": {
            "strategy": rng.choice(["canary", "all-at-once"]),
            "percent": 10,
            "rollbackTo": _ref(prompt),
        },
        "budget": {
            "maxInputTokens": 6000,
            "maxOutputTokens": 800,
            "expectedRequestsPerDay": rng.choice([1000, 10000, 200000]),
            "avgInputTokens": 1500,
            "avgOutputTokens": 300,
            "monthlyCeilingUSD": 5000,
        },
        "latency": {"p95Ms": 2500, "streaming": True},
        "reliability": {"retries": 3, "backoff": "exponential", "timeoutMs": 10000},
        "humanOversight": {
            "mode": rng.choice(["none", "sampled"]),
            "escalation": "leads",
            "feedback": rng.random() < 0.8,
        },
        "monitoring": {
            "alerts": {"p95LatencyMs": 3000, "errorRate": 0.02, "costPerRequestUSD": 0.05}
        },
        "logging": {
            "enabled": True,
            "region": REGIONS[juris][0],
            "retentionDays": 365,
            "redactPII": True,
        },
        "auth": {"required": True, "rbac": True},
        "rateLimit": {"requestsPerMinute": 600},
    }
    if i % 5 == 0:
        spec["retrieval"] = {
            "store": "pgvector",
            "region": rng.choice(REGIONS[juris]),
            "refreshCadence": rng.choice(["P1D", "P30D"]),
        }
    if i % 7 == 0:
        spec["model"] = _ref(rng.choice(models))
    return _doc("Deployment", f"d{i}", spec, owner=rng.choice(TEAMS))


def _run(
    i: int, prompt: dict[str, Any], suite: str, dataset_digest: str, rng: random.Random
) -> dict[str, Any]:
    return _doc(
        "EvalRun",
        f"r{i}",
        {
            "suite": suite,
            "prompt": _ref(prompt),
            "promptDigest": digest_json(prompt),
            "model": prompt["spec"]["model"],
            "datasetDigest": dataset_digest,
            "completedAt": rng.choice(["2026-11-20T10:00:00Z", "2026-09-01T08:30:00Z"]),
            "results": {"factual_accuracy": rng.choice([0.85, 0.93]), "p95_latency_ms": 1650},
        },
    )


def _write(folder: Path, name: str, doc: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def generate(out: Path, artifacts: int, seed: int = 7, policies: Path | None = None) -> Path:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    reg = out / "registry"
    models = [_model(i, rng) for i in range(FIXED_MODELS)]
    for m in models:
        _write(reg / "models", m["metadata"]["name"], m)
    for r in _residency():
        _write(reg / "residency", r["metadata"]["name"], r)
    for i in range(FIXED_GUARDRAILS):
        _write(reg / "guardrails", f"g{i}", _guardrail(i, rng))
    digests = []
    for i in range(FIXED_SUITES):
        data = _dataset(i)
        (reg / "evals" / "datasets").mkdir(parents=True, exist_ok=True)
        (reg / "evals" / "datasets" / f"s{i}.jsonl").write_bytes(data)
        digests.append(digest_bytes(data))
        _write(reg / "evals", f"s{i}", _suite(i))
    fixed = FIXED_MODELS + 4 + FIXED_GUARDRAILS + FIXED_SUITES
    systems = max(1, (artifacts - fixed) * 10 // (PER_SYSTEM * 10 + 1))
    for i in range(systems):
        suite_i = rng.randrange(FIXED_SUITES)
        prompt = _prompt(i, rng.choice(models), f"s{suite_i}", rng)
        _write(out / "prompts" / f"p{i}", prompt["metadata"]["version"], prompt)
        _write(reg / "deployments", f"d{i}", _deployment(i, prompt, models, rng))
        _write(
            reg / "evals" / "runs", f"r{i}", _run(i, prompt, f"s{suite_i}", digests[suite_i], rng)
        )
        if i % 10 == 0:
            _write(
                reg / "waivers",
                f"w{i}",
                _doc(
                    "Waiver",
                    f"w{i}",
                    {
                        "rule": "GOV-EVL-003",
                        "target": f"Deployment/d{i}",
                        "justification": "rerun",
                        "approvedBy": "head-of-compliance",
                        "expires": "2026-12-31",
                    },
                    owner="compliance",
                ),
            )
    policy_src = policies or Path(__file__).resolve().parent.parent / "govctl" / "catalog"
    (out / "policies").symlink_to(policy_src.resolve(), target_is_directory=True)
    config = {
        "apiVersion": API,
        "kind": "Config",
        "teams": TEAMS,
        "roots": ["registry", "prompts"],
        "policy": {"paths": ["policies"]},
        "cache": {"enabled": False},
    }
    (out / "govctl.yaml").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    return out


def eval_requests(root: Path, now: str = NOW) -> tuple[Any, list[Any]]:
    """(policy bundle, [EvalRequest]) for every subject ``govctl check`` would evaluate."""
    from govctl.clock import normalise_now
    from govctl.config import CONFIG_FILENAME, load_config
    from govctl.graph import DependencyGraph
    from govctl.policy.catalog import load_policies
    from govctl.policy.engine import EvalRequest
    from govctl.stages import input_builder, load

    root = root.resolve()
    config = load_config(root / CONFIG_FILENAME, CONFIG_FILENAME)
    bundle = load_policies(root, config)
    registry = load(root, config, None, None, 0).registry
    graph = DependencyGraph(registry)
    builder = input_builder(registry, graph, config, bundle, normalise_now(now), None)
    requests = []
    for subject in registry:
        if subject.valid and bundle.evaluates(subject.kind):
            _, change = builder.prepare(subject)
            requests.append(
                EvalRequest(subject.identity, subject.kind, builder.document_json(subject, change))
            )
    return bundle, requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--artifacts", type=int, default=1000, help="About this many artifacts (default: 1000)."
    )
    parser.add_argument("--out", type=Path, required=True, help="Folder to write the repository in.")
    parser.add_argument(
        "--seed", type=int, default=7, help="Random seed: the same seed, the same repository."
    )
    args = parser.parse_args()
    root = generate(args.out, args.artifacts, args.seed)
    print(root)


if __name__ == "__main__":
    main()
