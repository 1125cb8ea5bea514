"""The wheel ships the built-in catalog, the JSON Schemas and the init templates, and works."""

from __future__ import annotations

import hashlib
import json
import shutil
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

from govctl.config import load_config
from govctl.policy.catalog import builtin_catalog_dir, policy_folders
from tests.delivery.conftest import REPO_ROOT, Installed, run

pytestmark = pytest.mark.slow


CATALOG = REPO_ROOT / "govctl" / "catalog"


def test_the_catalog_is_a_package_folder_apart_from_the_reference_policies() -> None:
    folder = builtin_catalog_dir()
    assert folder is not None and not CATALOG.is_symlink()
    assert folder.resolve() == CATALOG.resolve()
    assert sorted(folder.rglob("*.rego"))
    assert folder.resolve() != (REPO_ROOT / "policies").resolve()


def test_this_repository_loads_the_catalog_once_beside_its_own_policies() -> None:
    config = load_config(REPO_ROOT / "govctl.yaml", "govctl.yaml")
    folders = [f.resolve() for f, _ in policy_folders(REPO_ROOT, config)]
    assert folders.count(CATALOG.resolve()) == 1
    assert folders.count((REPO_ROOT / "policies").resolve()) == 1


def test_wheel_contains_catalog_schemas_and_templates(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    rego = {p.relative_to(CATALOG).as_posix() for p in CATALOG.rglob("*.rego")}
    assert rego, "the catalog has no policies"
    shipped = {n.removeprefix("govctl/catalog/") for n in names if n.startswith("govctl/catalog/")}
    # every policy and its tests, and the parameter declarations; nothing else
    assert shipped == rego | {"parameters.yaml"}
    assert any(n.endswith("_test.rego") for n in shipped)
    schemas = {p.name for p in (REPO_ROOT / "govctl/schemas").glob("*.json")}
    assert {n.removeprefix("govctl/schemas/") for n in names
            if n.startswith("govctl/schemas/")} == schemas
    templates = {p.relative_to(REPO_ROOT).as_posix()
                 for p in (REPO_ROOT / "govctl/templates").rglob("*") if p.is_file()}
    assert templates <= names
    assert "govctl/templates/repo/dot-github/workflows/govctl-pr.yml" in names
    assert "govctl/py.typed" in names
    # The catalog precompiled to Wasm: exact OPA semantics with no Go and no OPA installed.
    assert {"govctl/catalog_wasm/policy.wasm", "govctl/catalog_wasm/manifest.json"} <= names


def _repo(tmp_path: Path, policy: str, files: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    for rel, text in {
        "govctl.yaml": f"""\
            apiVersion: govctl/v1
            kind: Config
            teams: [team-a]
            roots: [registry]
            policy: {policy}
            """,
        **files,
    }.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


MODEL = """\
    apiVersion: govctl/v1
    kind: Model
    metadata: {name: m, version: "2024-01-01", owner: team-a}
    spec:
      provider: openai
      providerModelId: m-2024-01-01
      status: blocked
      hosting: {regions: [westeurope], jurisdictions: [EU]}
      dataHandling: {trainsOnInputs: true}
      pricing: {inputPer1M: 1, outputPer1M: 2}
      limits: {contextWindow: 8000, maxOutputTokens: 1000}
    """
PROMPT = """\
    apiVersion: govctl/v1
    kind: Prompt
    metadata: {name: p, version: 1.0.0, owner: team-a}
    spec:
      messages: [{role: user, content: "{{q}}"}]
      variables: [{name: q, source: user}]
      model: m@2024-01-01
      riskTier: minimal
    """
DEPLOYMENT = """\
    apiVersion: govctl/v1
    kind: Deployment
    metadata: {name: d, owner: team-a}
    spec:
      environment: dev
      riskTier: minimal
      userFacing: false
      userJurisdictions: [EU]
      dataClasses: [public]
      prompt: p@1.0.0
    """
ORG_RULE = """\
    # METADATA
    # title: Deployments say what they are for
    # custom:
    #   id: ORG-001
    #   severity: error
    #   kinds: [Deployment]
    package org.usecase

    import rego.v1

    deny contains {"rule": "ORG-001", "msg": "no useCase", "path": "spec"} if {
        not input.subject.spec.useCase
    }
    """


def _rules(installed: Installed, root: Path) -> set[str]:
    result = run([installed.govctl, "check", "--no-audit", "--no-cache", "--format", "json",
                  "--now", "2026-11-22"], cwd=root, check=False)
    assert result.returncode in (0, 1), result.stderr
    return {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_installed_wheel_checks_with_builtin_catalog_own_policies_and_disabled_rules(
    installed: Installed, tmp_path: Path
) -> None:
    files = {"registry/m.yaml": MODEL, "registry/p.yaml": PROMPT, "registry/d.yaml": DEPLOYMENT,
             "policies/org.rego": ORG_RULE}
    root = _repo(tmp_path, "{paths: [policies], disabled: [GOV-MDL-004]}", files)
    rules = _rules(installed, root)
    assert "GOV-MDL-001" in rules  # the built-in catalog ran from site-packages (blocked model)
    assert "ORG-001" in rules  # the organisation's own policy ran beside it
    assert "GOV-MDL-004" not in rules  # disabled by id
    listed = run([installed.govctl, "policy", "list"], cwd=root).stdout
    assert "GOV-MDL-001" in listed and "ORG-001" in listed

    (root / "govctl.yaml").write_text(
        "apiVersion: govctl/v1\nkind: Config\nteams: [team-a]\nroots: [registry]\n"
        "policy: {paths: [policies], builtin: false}\n", encoding="utf-8")
    assert _rules(installed, root) == {"ORG-001"}  # builtin: false drops the catalog


def test_installed_wheel_checks_the_catalog_on_wasm_without_opa(
    installed: Installed, tmp_path: Path
) -> None:
    root = _repo(tmp_path, "{paths: []}", {"registry/m.yaml": MODEL})
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("git",):
        found = shutil.which(tool)
        if found:
            (tools / tool).symlink_to(found)
    env = {"PATH": str(tools), "GOVCTL_OPA_BIN": "", "GOVCTL_WASM_CACHE": str(tmp_path / "c")}
    result = run([installed.govctl, "check", "--no-audit", "--no-cache", "--format", "json",
                  "--now", "2026-11-22"], cwd=root, env=env, check=False)
    assert result.returncode in (0, 1), result.stderr
    engine = json.loads(result.stdout)["engine"]
    assert engine["name"] == "embedded" and "Wasm" in engine["version"], engine
    assert "fallback" not in result.stderr


def test_installed_wheel_runs_the_catalog_unit_tests(installed: Installed, tmp_path: Path) -> None:
    root = _repo(tmp_path, "{paths: []}", {})
    result = run([installed.govctl, "policy", "test"], cwd=root, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed" in (result.stdout + result.stderr).lower()


def test_the_wheel_is_govctl_ai_and_knows_its_version(installed: Installed) -> None:
    assert installed.wheel.name.startswith("govctl_ai-")
    shown = run([installed.bin / "python", "-c",
                 "import govctl; from importlib import metadata; "
                 "print(govctl.DISTRIBUTION, govctl.__version__, metadata.version('govctl-ai'))"],
                cwd=installed.venv).stdout.split()
    assert shown[0] == "govctl-ai" and shown[1] == shown[2] != "0+unknown"


def test_init_output_installs_exactly_the_built_wheel_by_hash(
    installed: Installed, tmp_path: Path
) -> None:
    # The file `govctl init` writes, pinned to this wheel, installs it and every dependency by
    # hash into a clean virtualenv (the dependencies come from the package index).
    run([installed.govctl, "init", "gov", "--govctl-dist", installed.wheel], cwd=tmp_path)
    requirements = tmp_path / "gov" / ".github" / "govctl-requirements.txt"
    fresh = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True).create(fresh)
    pip = [fresh / "bin" / "python", "-m", "pip", "install", "--quiet",
           "--disable-pip-version-check", "--require-hashes", "--find-links",
           installed.wheel.parent]
    run([*pip, "-r", requirements], timeout=1200)
    version = run([fresh / "bin" / "python", "-c",
                   "from importlib import metadata; print(metadata.version('govctl-ai'))"]).stdout
    assert version.strip() == installed.wheel.name.split("-")[1]
    result = run([fresh / "bin" / "govctl", "check", "--no-audit", "--no-cache"],
                 cwd=tmp_path / "gov", check=False)
    assert result.returncode == 0, result.stdout + result.stderr

    # Another file under the same name and version is refused.
    tampered = tmp_path / "tampered.txt"
    digest = hashlib.sha256(installed.wheel.read_bytes()).hexdigest()
    tampered.write_text(requirements.read_text().replace(digest, "0" * 64))
    refused = run([*pip, "--force-reinstall", "--no-deps", "-r", tampered], check=False)
    assert refused.returncode != 0
    assert "DO NOT MATCH THE HASHES" in refused.stderr
