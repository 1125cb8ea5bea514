"""readiness and cost against hand-computed values; registry inspection commands."""

from __future__ import annotations

import json

from tests.conftest import NOW, run_cli

POLICY = """\
# METADATA
# custom:
#   kinds: [Deployment]
package readiness.rules

import rego.v1

# METADATA
# title: prod needs auth
# custom:
#   id: TST-SEC-001
#   severity: error
#   component: security
#   stage: baseline
#   kinds: [Deployment]
deny contains {"rule": "TST-SEC-001", "msg": "no auth", "path": "spec.auth"} if {
  not input.subject.spec.auth.required
}

# METADATA
# title: latency budget
# custom:
#   id: TST-LAT-001
#   severity: warning
#   component: latency
#   stage: full
#   kinds: [Deployment]
warn contains {"rule": "TST-LAT-001", "msg": "no latency budget", "path": "spec.latency"} if {
  not input.subject.spec.latency.p95Ms
}

# METADATA
# title: rate limit
# custom:
#   id: TST-SCL-001
#   severity: warning
#   component: scaling
#   stage: baseline
#   kinds: [Deployment]
warn contains {"rule": "TST-SCL-001", "msg": "no rate limit", "path": "spec.rateLimit"} if {
  not input.subject.spec.rateLimit
}
"""

MODEL = """\
apiVersion: govctl/v1
kind: Model
metadata: {{name: {name}, version: v1, owner: team-a}}
spec:
  provider: p
  providerModelId: {name}
  status: approved
  hosting: {{regions: [westeurope], jurisdictions: [EU]}}
  dataHandling: {{trainsOnInputs: false}}
  pricing: {{currency: USD, inputPer1M: {inp}, outputPer1M: {out}}}
  limits: {{contextWindow: 128000, maxOutputTokens: 16384}}
"""

PROMPT = """\
apiVersion: govctl/v1
kind: Prompt
metadata: {name: p, version: 1.0.0, owner: team-a}
spec:
  messages: [{role: user, content: "{{q}}"}]
  variables: [{name: q, source: user}]
  model: big@v1
  riskTier: limited
"""


def deployment(name: str, extra: str = "") -> str:
    return f"""\
apiVersion: govctl/v1
kind: Deployment
metadata: {{name: {name}, owner: team-a}}
spec:
  environment: prod
  riskTier: limited
  userFacing: true
  userJurisdictions: [EU]
  dataClasses: [internal]
  prompt: p@1.0.0
  fallbacks: [small@v1]
  budget:
    expectedRequestsPerDay: 10000
    avgInputTokens: 1500
    avgOutputTokens: 300
    monthlyCeilingUSD: 2000
{extra}"""


FILES = {
    "policies/readiness.rego": POLICY,
    "registry/models/big.yaml": MODEL.format(name="big", inp=2.5, out=10),
    "registry/models/small.yaml": MODEL.format(name="small", inp=0.15, out=0.6),
    "prompts/p/1.0.0.yaml": PROMPT,
    "registry/deployments/good.yaml": deployment(
        "good", "  auth: {required: true}\n  rateLimit: {requestsPerMinute: 60}\n"
    ),
    "registry/deployments/bad.yaml": deployment("bad", "  latency: {p95Ms: 2000}\n"),
    "registry/waivers/w.yaml": """\
        apiVersion: govctl/v1
        kind: Waiver
        metadata: {name: w, owner: team-a}
        spec: {rule: TST-LAT-001, target: Deployment/good, justification: j, approvedBy: cro,
               expires: 2026-12-31}
        """,
}


def test_cost_matches_hand_computation(make_repo):
    root = make_repo(FILES)
    proc = run_cli("-C", str(root), "cost", "good", "--format", "json")
    # 30 × 10000 × (1500 × 2.5 + 300 × 10) / 1e6 = 2025.00 > ceiling 2000 → exit 1.
    assert proc.returncode == 1, proc.stderr
    (report,) = json.loads(proc.stdout)
    assert report["monthlyCeilingUSD"] == 2000 and report["overCeiling"] is True
    primary, fallback = report["models"]
    assert primary["ref"] == "big@v1" and primary["role"] == "primary"
    assert primary["monthly"] == {"x1": 2025.0, "x10": 20250.0, "x50": 101250.0, "x100": 202500.0}
    # 30 × 10000 × (1500 × 0.15 + 300 × 0.6) / 1e6 = 121.50
    assert fallback["monthly"]["x1"] == 121.5 and fallback["monthly"]["x100"] == 12150.0


def test_cost_text_and_unknown_deployment(make_repo):
    root = make_repo(FILES)
    text = run_cli("-C", str(root), "cost", "good").stdout
    assert "2,025.00" in text and "202,500.00" in text and "OVER CEILING" in text
    missing = run_cli("-C", str(root), "cost", "ghost")
    assert missing.returncode == 2 and "no deployment 'ghost'" in missing.stderr


def test_readiness_cells(make_repo):
    root = make_repo(FILES)
    proc = run_cli("-C", str(root), "readiness", "--format", "json", "--now", NOW)
    assert proc.returncode == 1  # "bad" is not ready
    cards = {c["deployment"]: c for c in json.loads(proc.stdout)}
    good = {(c["component"], c["stage"]): c for c in cards["Deployment/good"]["cells"]}
    bad = {(c["component"], c["stage"]): c for c in cards["Deployment/bad"]["cells"]}
    assert cards["Deployment/good"]["ready"] is True
    assert good[("security", "baseline")]["status"] == "pass"
    assert good[("latency", "full")]["status"] == "waived"
    assert good[("scaling", "baseline")]["status"] == "pass"
    assert good[("evaluation", "baseline")]["status"] == "not evaluated"  # no rule covers it
    assert cards["Deployment/bad"]["ready"] is False
    assert bad[("security", "baseline")]["status"] == "fail"
    assert bad[("scaling", "baseline")]["status"] == "fail"  # warnings fail a cell too
    assert bad[("latency", "full")]["status"] == "pass"
    assert bad[("security", "baseline")]["rules"] == ["TST-SEC-001"]
    single = run_cli("-C", str(root), "readiness", "good", "--now", NOW)
    assert single.returncode == 0 and "READY to go live" in single.stdout


def test_registry_list_show_graph(make_repo):
    root = make_repo(FILES)
    listing = json.loads(run_cli("-C", str(root), "registry", "list", "--format", "json").stdout)
    identities = {a["identity"] for a in listing["artifacts"]}
    assert "Prompt/p@1.0.0" in identities and "Deployment/good" in identities
    shown = json.loads(run_cli("-C", str(root), "registry", "show", "big@v1").stdout)
    assert shown["identity"] == "Model/big@v1"
    assert shown["dependents"] == ["Deployment/bad", "Deployment/good", "Prompt/p@1.0.0"]
    graph = json.loads(run_cli("-C", str(root), "registry", "graph", "--format", "json").stdout)
    assert {"from": "Deployment/good", "to": "Model/small@v1"} in graph["edges"]
    mermaid = run_cli("-C", str(root), "registry", "graph").stdout
    assert mermaid.startswith("graph LR")
