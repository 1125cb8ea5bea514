"""The policy input document (docs/spec.md §3): closure, derived facts, digests, engine view."""

from __future__ import annotations

import hashlib
import json

import pytest
import rfc8785

from govctl.api import load_registry
from govctl.config import load_config
from govctl.graph import DependencyGraph
from govctl.policy.inputs import InputBuilder, engine_view
from govctl.stages import config_json
from tests.conftest import NOW

MODEL = """\
apiVersion: govctl/v1
kind: Model
metadata: {{name: {name}, version: "2024-08-06", owner: team-a}}
spec:
  provider: azure-openai
  providerModelId: {name}
  status: approved
  sunset: 2027-06-30
  hosting: {{regions: [{region}], jurisdictions: [{zone}]}}
  dataHandling: {{trainsOnInputs: false}}
  pricing: {{inputPer1M: 2.5, outputPer1M: 10}}
  limits: {{contextWindow: 128000, maxOutputTokens: 16384}}
"""

FILES = {
    "registry/models/big.yaml": MODEL.format(name="big", region="westeurope", zone="EU"),
    "registry/models/small.yaml": MODEL.format(name="small", region="eastus", zone="US"),
    "registry/models/unused.yaml": MODEL.format(name="unused", region="eastus", zone="US"),
    "prompts/p/1.0.0.yaml": """\
        apiVersion: govctl/v1
        kind: Prompt
        metadata: {name: p, version: 1.0.0, owner: team-a}
        spec:
          messages:
            - {role: system, content: "Policy: {{ policy }} key sk-abcdefghijklmnopqrstuvwxyz012345"}
            - {role: user, content: "{{question}} and {{question}}"}
          variables: [{name: question, source: user}, {name: policy, source: retrieval}]
          model: big@2024-08-06
          riskTier: high
          evalSuite: golden
        """,
    "prompts/p/0.9.0.yaml": """\
        apiVersion: govctl/v1
        kind: Prompt
        metadata: {name: p, version: 0.9.0, owner: team-a}
        spec:
          templateFile: p.md
          variables: [{name: question, source: user}]
          riskTier: high
        """,
    "prompts/p/p.md": "Answer: {{question}}\n",
    "registry/guardrails/g.yaml": """\
        apiVersion: govctl/v1
        kind: GuardrailPolicy
        metadata: {name: strict, owner: team-a}
        spec:
          input: [{type: prompt_injection, threshold: 0.8, action: block}]
        """,
    "registry/residency/eu.yaml": """\
        apiVersion: govctl/v1
        kind: ResidencyRule
        metadata: {name: eu-pii, owner: team-a}
        spec: {dataClasses: [pii], userJurisdictions: [EU], allowedJurisdictions: [EU],
               allowedRegions: ["eu-*", westeurope]}
        """,
    "registry/residency/kz.yaml": """\
        apiVersion: govctl/v1
        kind: ResidencyRule
        metadata: {name: kz-pii, owner: team-a}
        spec: {dataClasses: [pii], userJurisdictions: [KZ], allowedJurisdictions: [KZ],
               allowedRegions: ["kz-*"]}
        """,
    "registry/evals/suite.yaml": """\
        apiVersion: govctl/v1
        kind: EvalSuite
        metadata: {name: golden, owner: team-a}
        spec:
          dataset: cases.jsonl
          metrics: [{name: accuracy, threshold: 0.9}, {name: p95, threshold: 2000, direction: lower}]
        """,
    "registry/evals/cases.jsonl": '{"q": 1, "tags": ["edge_case"]}\n{"q": 2, "tags": ["adversarial", "edge_case"]}\n\n{"q": 3}\n',
    "registry/evals/run.yaml": """\
        apiVersion: govctl/v1
        kind: EvalRun
        metadata: {name: run-1, owner: team-a}
        spec:
          suite: golden
          prompt: p@1.0.0
          promptDigest: sha256:0000000000000000000000000000000000000000000000000000000000000000
          model: big@2024-08-06
          datasetDigest: sha256:0000000000000000000000000000000000000000000000000000000000000000
          completedAt: 2026-11-20T10:00:00Z
          results: {accuracy: 0.93, p95: 2100}
        """,
    "registry/deployments/d.yaml": """\
        apiVersion: govctl/v1
        kind: Deployment
        metadata: {name: d, owner: team-a}
        spec:
          environment: prod
          riskTier: high
          userFacing: true
          userJurisdictions: [EU]
          dataClasses: [pii]
          prompt: p@1.0.0
          fallbacks: [small@2024-08-06, ghost@1]
          guardrails: strict
          rollout: {strategy: canary, percent: 10, rollbackTo: p@0.9.0}
          budget: {expectedRequestsPerDay: 1000, avgInputTokens: 1000, avgOutputTokens: 100,
                   monthlyCeilingUSD: 500}
        """,
    "registry/waivers/w.yaml": """\
        apiVersion: govctl/v1
        kind: Waiver
        metadata: {name: w, owner: team-a}
        spec: {rule: X-Y-001, target: Deployment/d, justification: j, approvedBy: cro,
               expires: 2026-12-31}
        """,
}


@pytest.fixture
def built(make_repo):
    root = make_repo(FILES)
    config = load_config(root / "govctl.yaml")
    registry = load_registry(root, config)
    graph = DependencyGraph(registry)
    return root, registry, InputBuilder(registry, graph, config_json(config), NOW, None)


def document(builder: InputBuilder, registry, identity: str) -> dict:
    subject = registry.get(identity)
    _, change = builder.prepare(subject)
    return json.loads(builder.document_json(subject, change))


def test_deployment_closure_is_exactly_what_it_depends_on(built):
    _, registry, builder = built
    doc = document(builder, registry, "Deployment/d")
    assert set(doc["related"]) == {
        "Prompt/p@1.0.0", "Prompt/p@0.9.0", "Model/big@2024-08-06", "Model/small@2024-08-06",
        "GuardrailPolicy/strict", "EvalSuite/golden", "EvalRun/run-1", "ResidencyRule/eu-pii",
        "Waiver/w",
    }
    assert doc["subject"]["identity"] == "Deployment/d" and doc["now"] == NOW
    assert doc["change"] is None and doc["config"]["teams"][0] == "team-a"


def test_deployment_derived_facts(built):
    _, registry, builder = built
    derived = document(builder, registry, "Deployment/d")["derived"]
    assert [(m["ref"], m["identity"], m["role"], m["path"]) for m in derived["models"]] == [
        ("big@2024-08-06", "Model/big@2024-08-06", "primary", "spec.prompt"),
        ("small@2024-08-06", "Model/small@2024-08-06", "fallback", "spec.fallbacks[0]"),
        ("ghost@1", None, "fallback", "spec.fallbacks[1]"),
    ]
    assert derived["residencyRules"] == ["ResidencyRule/eu-pii"]
    assert derived["evalSuite"] == "EvalSuite/golden" and derived["evalRuns"] == ["EvalRun/run-1"]
    # 30 × 1000 × (1000 × 2.5 + 100 × 10) / 1e6 = 105.00
    assert derived["cost"]["monthlyUSD"] == {"x1": 105.0, "x10": 1050.0, "x50": 5250.0, "x100": 10500.0}
    evidence = derived["evalEvidence"][0]
    assert evidence["passed"] is False  # p95 2100 is over the lower-is-better threshold 2000
    assert evidence["promptMatches"] and evidence["modelMatches"]
    assert not evidence["promptDigestMatches"] and not evidence["datasetDigestMatches"]
    assert derived["dataset"]["cases"] == 3
    assert derived["dataset"]["tagCounts"] == {"adversarial": 1, "edge_case": 2}
    assert derived["waivers"] == ["Waiver/w"]


def test_prompt_derived_facts(built):
    _, registry, builder = built
    derived = document(builder, registry, "Prompt/p@1.0.0")["derived"]
    assert derived["variablesUsed"] == {"assistant": [], "system": ["policy"], "user": ["question"]}
    assert derived["variablesDeclared"] == {"policy": "retrieval", "question": "user"}
    assert derived["secrets"] == [{"path": "spec.messages[0].content", "type": "openai-api-key"}]


def test_template_prompt_is_hashed_and_seen_with_its_text(built):
    _root, registry, builder = built
    prompt = registry.get("Prompt/p@0.9.0")
    assert prompt.spec["template"] == "Answer: {{question}}\n" and "templateFile" not in prompt.spec
    expected = "sha256:" + hashlib.sha256(rfc8785.dumps(prompt.doc)).hexdigest()
    assert prompt.digest == expected
    derived = document(builder, registry, "Prompt/p@0.9.0")["derived"]
    assert derived["variablesUsed"]["user"] == ["question"]


def test_digests_follow_spec(built):
    root, registry, _ = built
    dataset = (root / "registry/evals/cases.jsonl").read_bytes()
    assert registry.datasets["EvalSuite/golden"].digest == "sha256:" + hashlib.sha256(dataset).hexdigest()
    model = registry.get("Model/big@2024-08-06")
    assert model.doc["spec"]["sunset"] == "2027-06-30"  # YAML date → string
    lines = sorted(f"{a.identity} {a.digest}" for a in registry)
    assert registry.digest == "sha256:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()


def test_engine_view_rewrites_utc_z_only():
    assert engine_view({"a": ["2026-11-20T10:00:00Z", "2026-11-20T10:00:00.5Z"], "b": "Z"}) == {
        "a": ["2026-11-20T10:00:00+00:00", "2026-11-20T10:00:00.5+00:00"], "b": "Z"}
    run_doc = engine_view({"completedAt": "2026-11-20T10:00:00+02:00"})
    assert run_doc == {"completedAt": "2026-11-20T10:00:00+02:00"}


def test_timestamp_parsing_works_in_policies_on_the_embedded_engine(make_repo):
    from govctl.api import CheckOptions, check

    policy = """\
# METADATA
# custom:
#   kinds: [EvalRun]
package ts

import rego.v1

warn contains {"rule": "TS-001", "msg": sprintf("%d days old", [age]), "path": "spec.completedAt"} if {
  age := floor((time.parse_rfc3339_ns(input.now) - time.parse_rfc3339_ns(input.subject.spec.completedAt)) / (24 * 3600 * 1000000000))
}
"""
    root = make_repo({**FILES, "policies/ts.rego": policy})
    result = check(CheckOptions(root=root, now=NOW, use_cache=False, audit=False))
    (finding,) = [f for f in result.findings if f.rule == "TS-001"]
    assert finding.message == "1 days old"


def test_input_is_byte_identical_for_the_same_registry(built):
    _, registry, builder = built
    subject = registry.get("Deployment/d")
    first = builder.document_json(subject, builder.prepare(subject)[1])
    again = builder.document_json(subject, builder.prepare(subject)[1])
    assert first == again
