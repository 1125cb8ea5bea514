"""``govctl codeowners``: CODEOWNERS from artifact owners and unconditional approvals."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from govctl.api import load_registry
from govctl.codeowners import CodeownersSettings, codeowners_text, escape_pattern
from govctl.errors import ConfigError
from govctl.loader.source import WorkTreeSource
from govctl.scaffold import ScaffoldOptions, scaffold
from tests.conftest import run_cli, write_tree
from tests.delivery.conftest import scaffold_pin

CONFIG = """\
apiVersion: govctl/v1
kind: Config
metadata: {name: gov, owner: compliance}
teams: [team-a, team-b, ml-platform, compliance, security]
roots: [registry, prompts]
policy: {paths: [policies], builtin: false}
approvals:
  - when: {kind: ResidencyRule}
    require: [compliance]
  - when: {kind: GuardrailPolicy, change: weakened}
    require: [security]
  - when: {environment: prod}
    require: [ml-platform]
  - when: {risk: critical}
    require: [security]
"""
MODEL = """\
apiVersion: govctl/v1
kind: Model
metadata: {{name: {name}, version: "2024-01-01", owner: team-b}}
spec:
  provider: openai
  providerModelId: {name}
  status: approved
  hosting: {{regions: [westeurope], jurisdictions: [EU]}}
  dataHandling: {{trainsOnInputs: false}}
  pricing: {{inputPer1M: 1, outputPer1M: 2}}
  limits: {{contextWindow: 8000, maxOutputTokens: 1000}}
"""
FILES = {
    "registry/models/used.yaml": MODEL.format(name="used"),
    "registry/models/unused.yaml": MODEL.format(name="unused"),
    "registry/residency/eu.yaml": """\
        apiVersion: govctl/v1
        kind: ResidencyRule
        metadata: {name: eu, owner: team-a}
        spec: {dataClasses: [pii], userJurisdictions: [EU], allowedJurisdictions: [EU],
               allowedRegions: [westeurope]}
        """,
    "prompts/p/1.0.0.yaml": """\
        apiVersion: govctl/v1
        kind: Prompt
        metadata: {name: p, version: 1.0.0, owner: team-a}
        spec:
          templateFile: "my template.md"
          variables: [{name: q, source: user}]
          model: used@2024-01-01
          riskTier: minimal
          evalSuite: golden
        """,
    "prompts/p/my template.md": "Answer {{q}}\n",
    "registry/evals/golden.yaml": """\
        apiVersion: govctl/v1
        kind: EvalSuite
        metadata: {name: golden, owner: team-a}
        spec:
          dataset: data/golden.jsonl
          metrics: [{name: acc, threshold: 0.9}]
        """,
    "registry/evals/data/golden.jsonl": '{"tags": []}\n',
    "registry/deployments/prod.yaml": """\
        apiVersion: govctl/v1
        kind: Deployment
        metadata: {name: app-prod, owner: team-a}
        spec: {environment: prod, riskTier: minimal, userFacing: false, userJurisdictions: [EU],
               dataClasses: [public], prompt: p@1.0.0}
        """,
    "registry/deployments/dev.yaml": """\
        apiVersion: govctl/v1
        kind: Deployment
        metadata: {name: app-dev, owner: team-b}
        spec: {environment: dev, riskTier: minimal, userFacing: false, userJurisdictions: [EU],
               dataClasses: [public], prompt: p@1.0.0}
        """,
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "repo", {"govctl.yaml": CONFIG, **FILES})
    (root / "policies").mkdir()
    return root


def _text(root: Path, settings: CodeownersSettings) -> str:
    return codeowners_text(load_registry(root), WorkTreeSource(root), settings)


def test_owners_and_unconditional_approvals(repo: Path) -> None:
    text = _text(repo, CodeownersSettings(org="acme", handles={"compliance": "@acme/grc @carol"}))
    lines = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in text.splitlines()
             if line and not line.startswith("#") and "\\ " not in line}
    # Configuration and policies: the config owner.
    assert lines["/govctl.yaml"] == "@acme/grc @carol"
    assert lines["/policies/"] == "@acme/grc @carol"
    assert lines["/.github/"] == "@acme/grc @carol"
    # A ResidencyRule always needs compliance (explicit handle), besides its owner.
    assert lines["/registry/residency/eu.yaml"] == "@acme/grc @acme/team-a @carol"
    # {environment: prod}: the prod deployment and everything it depends on need ml-platform.
    assert lines["/registry/deployments/prod.yaml"] == "@acme/ml-platform @acme/team-a"
    assert lines["/registry/models/used.yaml"] == "@acme/ml-platform @acme/team-b"
    assert lines["/registry/evals/golden.yaml"] == "@acme/ml-platform @acme/team-a"
    assert lines["/registry/evals/data/golden.jsonl"] == "@acme/ml-platform @acme/team-a"
    # Not reached by prod: owners only. Conditional rules (weakened, risk) are not in the file.
    assert lines["/registry/deployments/dev.yaml"] == "@acme/team-b"
    assert lines["/registry/models/unused.yaml"] == "@acme/team-b"
    assert "@acme/security" not in text
    # The prompt's template file, with its space escaped.
    assert "/prompts/p/my\\ template.md @acme/ml-platform @acme/team-a" in text.splitlines()
    # Deterministic: sorted paths, and the same bytes twice.
    artifact_paths = [line.split(" ", 1)[0] for line in text.split("# Artifacts\n")[1].splitlines()]
    assert artifact_paths == sorted(artifact_paths)
    assert text == _text(repo, CodeownersSettings(org="acme",
                                                  handles={"compliance": "@acme/grc @carol"}))


def test_team_without_handle_is_a_config_error(repo: Path) -> None:
    with pytest.raises(ConfigError, match="team 'compliance' has no GitHub handle"):
        _text(repo, CodeownersSettings())


def test_escape_pattern() -> None:
    assert escape_pattern("a b/[x]*.yaml") == "/a\\ b/\\[x\\]\\*.yaml"
    assert escape_pattern("#x!") == "/\\#x\\!"


def _cli(repo: Path, *args: str, owner: str | None = None) -> tuple[int, str, str]:
    env_owner = os.environ.pop("GITHUB_REPOSITORY_OWNER", None)
    try:
        if owner:
            os.environ["GITHUB_REPOSITORY_OWNER"] = owner
        result = run_cli("codeowners", *args, cwd=repo)
    finally:
        os.environ.pop("GITHUB_REPOSITORY_OWNER", None)
        if env_owner is not None:
            os.environ["GITHUB_REPOSITORY_OWNER"] = env_owner
    return result.returncode, result.stdout, result.stderr


def test_cli_writes_then_check_passes_and_detects_staleness(repo: Path) -> None:
    target = repo / ".github" / "CODEOWNERS"
    assert _cli(repo, "--check", "--org", "acme")[0] == 1  # missing
    code, out, _ = _cli(repo, "--org", "acme")
    assert code == 0 and "wrote .github/CODEOWNERS" in out
    first = target.read_bytes()
    assert _cli(repo, "--check", "--org", "acme")[:2] == (0, ".github/CODEOWNERS is up to date\n")
    # In GitHub Actions the organisation comes from the repository's owner.
    assert _cli(repo, "--check", owner="acme")[0] == 0
    assert _cli(repo, "--check", owner="other")[0] == 1

    # An owner changes: the committed file is stale until regenerated.
    dev = repo / "registry/deployments/dev.yaml"
    dev.write_text(dev.read_text().replace("owner: team-b", "owner: team-a"))
    code, _, err = _cli(repo, "--check", "--org", "acme")
    assert code == 1
    assert "is stale" in err
    assert "-/registry/deployments/dev.yaml @acme/team-b" in err
    assert "+/registry/deployments/dev.yaml @acme/team-a" in err
    assert target.read_bytes() == first  # --check never writes
    assert _cli(repo, "--org", "acme")[0] == 0
    assert _cli(repo, "--check", "--org", "acme")[0] == 0


def test_cli_without_org_fails_with_usage_error(repo: Path) -> None:
    code, _, err = _cli(repo)
    assert code == 2
    assert "has no GitHub handle" in err and "--org" in err


def test_init_writes_a_fresh_codeowners(tmp_path: Path) -> None:
    now = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    root = scaffold(ScaffoldOptions(target=tmp_path / "gov", now=now, pin=scaffold_pin(tmp_path / "dist"), github_org="acme")).root
    assert _cli(root, "--check", "--org", "acme")[0] == 0
    text = (root / ".github/CODEOWNERS").read_text()
    assert "/registry/residency/eu-personal-data.yaml @acme/compliance @acme/ml-platform" in text
