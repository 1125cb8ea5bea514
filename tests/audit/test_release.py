"""``govctl audit record-release`` on a tiny real repository, then ``asof`` and the reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govctl.audit.api import EventDraft, record_events

from .conftest import Store, run_govctl

try:
    from govctl.api import load_registry
except ImportError:  # pragma: no cover - only while the loader is being written
    pytest.skip("registry loader not landed yet", allow_module_level=True)

CONFIG = """\
apiVersion: govctl/v1
kind: Config
teams: [team-a, compliance, ml-platform, security]
roots: [registry, prompts]
"""

MODELS = """\
apiVersion: govctl/v1
kind: Model
metadata: {name: gpt-4o, version: "2024-08-06", owner: ml-platform}
spec:
  provider: azure-openai
  providerModelId: gpt-4o-2024-08-06
  status: approved
  hosting: {regions: [westeurope], jurisdictions: [EU]}
  dataHandling: {trainsOnInputs: false, retentionDays: 0}
  pricing: {currency: USD, inputPer1M: 2.5, outputPer1M: 10}
  limits: {contextWindow: 128000, maxOutputTokens: 16384}
---
apiVersion: govctl/v1
kind: Model
metadata: {name: gpt-4o-mini, version: "2024-07-18", owner: ml-platform}
spec:
  provider: azure-openai
  providerModelId: gpt-4o-mini-2024-07-18
  status: approved
  hosting: {regions: [westeurope], jurisdictions: [EU]}
  dataHandling: {trainsOnInputs: false, retentionDays: 0}
  pricing: {currency: USD, inputPer1M: 0.15, outputPer1M: 0.6}
  limits: {contextWindow: 128000, maxOutputTokens: 16384}
"""

PROMPT = """\
apiVersion: govctl/v1
kind: Prompt
metadata: {name: support-reply, version: {version}, owner: team-a}
spec:
  messages:
    - {role: system, content: "You are a support assistant."}
    - {role: user, content: "{{question}}"}
  variables:
    - {name: question, source: user}
  parameters: {temperature: 0.2, maxTokens: 800}
  model: gpt-4o@2024-08-06
  riskTier: high
"""

GUARDRAILS = """\
apiVersion: govctl/v1
kind: GuardrailPolicy
metadata: {name: strict, owner: security}
spec:
  input:
    - {type: prompt_injection, threshold: 0.8, action: block}
  output:
    - {type: safety, threshold: 0.5, action: block}
  onError: block
"""

DEPLOYMENT = """\
apiVersion: govctl/v1
kind: Deployment
metadata: {name: support-eu-prod, owner: team-a}
spec:
  environment: prod
  useCase: customer-support
  riskTier: high
  userFacing: true
  servedRegions: [westeurope]
  userJurisdictions: [EU]
  dataClasses: [pii]
  prompt: support-reply@{version}
  fallbacks: [gpt-4o-mini@2024-07-18]
  guardrails: strict
"""

WAIVER = """\
apiVersion: govctl/v1
kind: Waiver
metadata: {name: eval-migration, owner: compliance}
spec:
  rule: GOV-EVL-002
  target: Deployment/support-eu-prod
  justification: "Eval infra migration"
  approvedBy: head-of-compliance
  expires: 2026-12-31
  ticket: COMP-1234
"""


def write_repo(root: Path, version: str, *, waiver: bool) -> None:
    files = {
        "govctl.yaml": CONFIG,
        "registry/models/models.yaml": MODELS,
        f"prompts/support-reply/{version}.yaml": PROMPT.replace("{version}", version),
        "registry/guardrails/strict.yaml": GUARDRAILS,
        "registry/deployments/support.yaml": DEPLOYMENT.replace("{version}", version),
    }
    if waiver:
        files["registry/waivers/eval.yaml"] = WAIVER
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    if not waiver:
        (root / "registry/waivers/eval.yaml").unlink(missing_ok=True)


def release(root: Path, commit: str, author: str, *approvers: str) -> None:
    args = ["audit", "record-release", "--commit", commit, "--ref", "refs/heads/main",
            "--pr", "7", "--author", author]
    for name in approvers:
        args += ["--approver", name]
    done = run_govctl(root, *args)
    assert done.returncode == 0, done.stderr
    assert "recorded events" in done.stdout


def log(root: Path, *args: str) -> list[dict]:  # type: ignore[type-arg]
    done = run_govctl(root, "audit", "log", "--format", "json", *args)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout)["events"])


def test_record_release_asof_and_reports(store: Store) -> None:
    root = store.root
    write_repo(root, "1.4.0", waiver=True)
    registry = load_registry(root, None)
    prompt_digest = registry.artifacts["Prompt/support-reply@1.4.0"].digest

    record_events(store.settings, root, [EventDraft(
        type="check", actor="ci", commit="c1", policy_digest="sha256:" + "a" * 64,
        engine_name="embedded", engine_version="1.5.2", decision={"exitCode": 0},
        findings=[{"rule": "GOV-EVL-002", "ref": "Deployment/support-eu-prod",
                   "waived": True, "waiver": "Waiver/eval-migration"}])])
    release(root, "c1", "bob", "carol")

    events = log(root, "--type", "release")
    assert len(events) == 1
    details = events[0]["details"]
    assert details["approvers"] == ["carol"] and details["author"] == "bob"
    live = {i["role"]: i for i in details["deployments"]["Deployment/support-eu-prod"]["live"]}
    assert live["prompt"] == {"role": "prompt", "ref": "Prompt/support-reply@1.4.0",
                              "digest": prompt_digest}
    assert live["model"]["ref"] == "Model/gpt-4o@2024-08-06"  # the prompt's own binding
    assert live["fallback"]["ref"] == "Model/gpt-4o-mini@2024-07-18"
    assert live["guardrails"]["digest"] == registry.artifacts["GuardrailPolicy/strict"].digest
    assert events[0]["registryDigest"] == registry.digest
    waivers = log(root, "--type", "waiver")
    assert [w["details"]["action"] for w in waivers] == ["added"]
    first_release_time = events[0]["time"]

    # Second release: new prompt version, waiver removed, self-approved.
    write_repo(root, "1.5.0", waiver=False)
    release(root, "c2", "dave", "Dave")
    assert [w["details"]["action"] for w in log(root, "--type", "waiver")] == ["added", "removed"]
    assert len(log(root, "--artifact", "Prompt/support-reply@1.5.0")) == 1
    assert len(log(root, "--artifact", "support-eu-prod")) == 5  # check, 2 releases, 2 waivers

    done = run_govctl(root, "audit", "asof", first_release_time, "--deployment",
                      "support-eu-prod", "--format", "json")
    assert done.returncode == 0, done.stderr
    asof = json.loads(done.stdout)
    assert asof["release"]["commit"] == "c1" and asof["release"]["approvers"] == ["carol"]
    entry = asof["deployments"]["Deployment/support-eu-prod"]
    assert {"role": "prompt", "ref": "Prompt/support-reply@1.4.0",
            "digest": prompt_digest} in entry["live"]
    assert asof["decidedBy"]["policyDigest"] == "sha256:" + "a" * 64
    assert asof["decidedBy"]["engine"] == {"name": "embedded", "version": "1.5.2"}

    latest = json.loads(run_govctl(root, "audit", "asof", "2100-01-01", "--format",
                                   "json").stdout)
    assert latest["release"]["commit"] == "c2"
    early = run_govctl(root, "audit", "asof", "2000-01-01")
    assert "no release recorded" in early.stdout
    today = run_govctl(root, "audit", "asof", "today", "--format", "json")
    assert today.returncode == 0 and json.loads(today.stdout)["release"]["commit"] == "c2"
    typo = run_govctl(root, "audit", "asof", "today", "--deployment", "support-eu-prd")
    assert typo.returncode == 2
    assert "no such deployment 'support-eu-prd'" in typo.stderr
    assert "did you mean 'support-eu-prod'?" in typo.stderr
    header = run_govctl(root, "audit", "log").stdout.splitlines()[0]
    assert header.split() == ["seq", "time", "type", "actor", "commit", "decision", "artifacts"]

    def report(name: str) -> list[dict]:  # type: ignore[type-arg]
        out = run_govctl(root, "audit", "report", name, "--format", "json")
        assert out.returncode == 0, out.stderr
        return list(json.loads(out.stdout)["rows"])

    assert [r["commit"] for r in report("self-approved")] == ["c2"]
    assert report("releases-without-approval") == []
    waived = report("waived-findings")
    assert [(r["rules"], r["waiver"]) for r in waived] == [
        (["GOV-EVL-002"], "Waiver/eval-migration")]

    release(root, "c3", "erin")
    release(root, "c3", "erin")  # recorded twice (a re-run): still one release
    assert [(r["commit"], r["recorded"]) for r in report("releases-without-approval")] == [
        ("c3", 2)]
    assert store.verify().ok


def test_waived_findings_is_one_row_per_waiver_with_counts(store: Store) -> None:
    finding = {"rule": "GOV-EVL-002", "ref": "Deployment/support-eu-prod", "waived": True,
               "waiver": "Waiver/eval-migration"}
    other = {**finding, "ref": "Deployment/support-kz-prod"}
    for findings in ([finding], [finding, other], [finding]):  # three local runs
        record_events(store.settings, store.root,
                      [EventDraft(type="check", actor="dev", findings=findings)])
    done = run_govctl(store.root, "audit", "report", "waived-findings", "--format", "json")
    rows = json.loads(done.stdout)["rows"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["waiver"], row["rules"], row["runs"], row["findings"]) == (
        "Waiver/eval-migration", ["GOV-EVL-002"], 3, 4)
    assert row["refs"] == ["Deployment/support-eu-prod", "Deployment/support-kz-prod"]
