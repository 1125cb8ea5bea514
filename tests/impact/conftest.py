"""Real git repositories with real commits for the impact tests.

``repo`` is a small, complete governance repository committed on ``main`` (the base), with
branch ``feature`` checked out for the change under test:

    Deployment          env      user-facing  data/jurisdiction  prompt           guardrails
    support-prod        prod     yes          pii / EU           reply@1.0.0      strict
    support-staging     staging  yes          pii / EU           reply@1.1.0      strict
    internal-prod       prod     no           public / US        internal@1.0.0   basic
    lab-dev             dev      no           public / US        lab@1.0.0        basic

Prompts bind models: reply@1.0.0 → m-a, reply@1.1.0 → m-b, internal@1.0.0 → m-b, lab@1.0.0 →
m-a (lab-dev overrides nothing). support-prod falls back to m-fallback. ResidencyRule eu-pii
governs the two support deployments, us-public the other two. EvalSuite golden is used by
support-prod (explicitly) and by the reply prompts.
"""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest

NOW = "2026-11-22T00:00:00+00:00"
PROJECT = Path(__file__).resolve().parents[2]

CONFIG = """\
apiVersion: govctl/v1
kind: Config
teams: [team-a, ml-platform, compliance, security]
environments: [dev, staging, prod]
roots: [registry, prompts]
policy: {engine: embedded, paths: [policies], failOn: error, builtin: false}
approvals:
  - {when: {kind: ResidencyRule}, require: [compliance]}
  - {when: {kind: GuardrailPolicy, change: weakened}, require: [security, compliance]}
  - {when: {environment: prod}, require: [ml-platform]}
"""


def model(name: str, status: str = "approved", price: float = 2.5) -> str:
    return f"""\
apiVersion: govctl/v1
kind: Model
metadata: {{name: {name}, version: "2024-01-01", owner: ml-platform}}
spec:
  provider: azure-openai
  providerModelId: {name}-2024-01-01
  status: {status}
  hosting: {{regions: [westeurope], jurisdictions: [EU]}}
  dataHandling: {{trainsOnInputs: false, retentionDays: 0}}
  pricing: {{currency: USD, inputPer1M: {price}, outputPer1M: 10.0}}
  limits: {{contextWindow: 128000, maxOutputTokens: 16384}}
"""


def prompt(name: str, version: str, model_ref: str, suite: str | None = None) -> str:
    suite_line = f"\n  evalSuite: {suite}" if suite else ""
    return f"""\
apiVersion: govctl/v1
kind: Prompt
metadata: {{name: {name}, version: {version}, owner: team-a, description: {name} prompt}}
spec:
  messages:
    - {{role: system, content: "You answer questions about accounts."}}
    - {{role: user, content: "{{{{question}}}}"}}
  variables:
    - {{name: question, source: user}}
  parameters: {{temperature: 0.2, maxTokens: 800}}
  model: {model_ref}
  riskTier: high{suite_line}
"""


def deployment(
    name: str,
    env: str,
    facing: bool,
    data: str,
    jurisdiction: str,
    prompt_ref: str,
    guardrails: str,
    extra: str = "",
) -> str:
    return f"""\
apiVersion: govctl/v1
kind: Deployment
metadata: {{name: {name}, owner: team-a}}
spec:
  environment: {env}
  useCase: support
  riskTier: high
  userFacing: {str(facing).lower()}
  servedRegions: [westeurope]
  userJurisdictions: [{jurisdiction}]
  dataClasses: [{data}]
  prompt: {prompt_ref}
  guardrails: {guardrails}
  budget:
    maxInputTokens: 6000
    maxOutputTokens: 800
    expectedRequestsPerDay: 1000
    avgInputTokens: 1000
    avgOutputTokens: 200
    monthlyCeilingUSD: 5000
{textwrap.indent(textwrap.dedent(extra), "  ") if extra else ""}"""


STRICT = """\
apiVersion: govctl/v1
kind: GuardrailPolicy
metadata: {name: strict, owner: security, description: customer-facing}
spec:
  input:
    - {type: prompt_injection, threshold: 0.8, action: block}
    - {type: pii_detection, action: redact}
  output:
    - {type: pii_redaction, action: redact}
    - {type: safety, threshold: 0.5, action: block}
    - {type: format_validation, action: retry}
  onError: block
"""

BASIC = """\
apiVersion: govctl/v1
kind: GuardrailPolicy
metadata: {name: basic, owner: security}
spec:
  input:
    - {type: prompt_injection, threshold: 0.9, action: log}
  onError: block
"""

EU_PII = """\
apiVersion: govctl/v1
kind: ResidencyRule
metadata: {name: eu-pii, owner: compliance}
spec:
  dataClasses: [pii, financial]
  userJurisdictions: [EU]
  allowedJurisdictions: [EU]
  allowedRegions: [westeurope, "eu-*"]
"""

US_PUBLIC = """\
apiVersion: govctl/v1
kind: ResidencyRule
metadata: {name: us-public, owner: compliance}
spec:
  dataClasses: [public]
  userJurisdictions: [US]
  allowedJurisdictions: [US, EU]
  allowedRegions: ["*"]
"""

SUITE = """\
apiVersion: govctl/v1
kind: EvalSuite
metadata: {name: golden, owner: team-a}
spec:
  dataset: datasets/golden.jsonl
  tags: [edge_case, adversarial]
  metrics:
    - {name: factual_accuracy, threshold: 0.9}
    - {name: p95_latency_ms, threshold: 2000, direction: lower}
"""

DATASET = "".join(
    f'{{"input": "case {i}", "tags": ["{"edge_case" if i % 2 else "adversarial"}"]}}\n'
    for i in range(10)
)

BASE_FILES: dict[str, str] = {
    "govctl.yaml": CONFIG,
    "policies/.keep": "",
    "registry/models/m-a.yaml": model("m-a"),
    "registry/models/m-b.yaml": model("m-b"),
    "registry/models/m-fallback.yaml": model("m-fallback", price=0.5),
    "registry/guardrails/strict.yaml": STRICT,
    "registry/guardrails/basic.yaml": BASIC,
    "registry/residency/eu-pii.yaml": EU_PII,
    "registry/residency/us-public.yaml": US_PUBLIC,
    "registry/evals/golden.yaml": SUITE,
    "registry/evals/datasets/golden.jsonl": DATASET,
    "prompts/reply/1.0.0.yaml": prompt("reply", "1.0.0", "m-a@2024-01-01", "golden"),
    "prompts/reply/1.1.0.yaml": prompt("reply", "1.1.0", "m-b@2024-01-01", "golden"),
    "prompts/internal/1.0.0.yaml": prompt("internal", "1.0.0", "m-b@2024-01-01"),
    "prompts/lab/1.0.0.yaml": prompt("lab", "1.0.0", "m-a@2024-01-01"),
    "registry/deployments/support-prod.yaml": deployment(
        "support-prod", "prod", True, "pii", "EU", "reply@1.0.0", "strict",
        "fallbacks: [m-fallback@2024-01-01]\nevalSuite: golden\n",
    ),
    "registry/deployments/support-staging.yaml": deployment(
        "support-staging", "staging", True, "pii", "EU", "reply@1.1.0", "strict"
    ),
    "registry/deployments/internal-prod.yaml": deployment(
        "internal-prod", "prod", False, "public", "US", "internal@1.0.0", "basic"
    ),
    "registry/deployments/lab-dev.yaml": deployment(
        "lab-dev", "dev", False, "public", "US", "lab@1.0.0", "basic"
    ),
}

ALL_DEPLOYMENTS = {
    "Deployment/support-prod",
    "Deployment/support-staging",
    "Deployment/internal-prod",
    "Deployment/lab-dev",
}


def run_git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=test@example.com", "-c", "user.name=test",
         "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always", *args],
        cwd=cwd, check=True, capture_output=True, text=True,
    )
    return done.stdout.strip()


class GitRepo:
    """A repository in a tmp folder that tests write, edit and commit in."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = ""

    def git(self, *args: str) -> str:
        return run_git(self.root, *args)

    def write(self, files: Mapping[str, str]) -> None:
        for rel, text in files.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def move(self, old: str, new: str) -> None:
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


def make_repo(root: Path, files: Mapping[str, str] = BASE_FILES) -> GitRepo:
    root.mkdir(parents=True)
    repo = GitRepo(root)
    repo.git("init", "-q", "-b", "main")
    repo.write(files)
    repo.base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")  # changes are committed here; main stays the base
    return repo


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return make_repo(tmp_path / "repo")


@pytest.fixture
def policy_repo(tmp_path: Path) -> GitRepo:
    """The same repository with govctl's built-in catalog vendored into its policies/."""
    files = dict(BASE_FILES)
    del files["policies/.keep"]
    catalog = PROJECT / "govctl" / "catalog"
    for path in sorted([*catalog.rglob("*.rego"), catalog / "parameters.yaml"]):
        files["policies/" + path.relative_to(catalog).as_posix()] = path.read_text(encoding="utf-8")
    return make_repo(tmp_path / "repo", files)
