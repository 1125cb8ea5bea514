"""``govctl init``: a new governance repository that passes ``govctl check`` at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
import rfc8785

from govctl.api import CheckOptions, check, load_registry
from govctl.loader.yamlparse import parse_yaml
from govctl.scaffold import (
    SOURCE_INSTALL_COMMAND,
    ScaffoldConflictError,
    ScaffoldOptions,
    render_template,
    scaffold,
    template_files,
    workflow_templates,
)
from govctl.scaffold_dataset import golden_dataset
from tests.conftest import run_cli
from tests.delivery.conftest import REPO_ROOT, fake_dist, scaffold_pin

NOW = dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.UTC)
NOW_TEXT = "2026-11-22T10:00:00+00:00"


@pytest.fixture
def scaffolded(tmp_path: Path) -> Path:
    scaffold(ScaffoldOptions(target=tmp_path / "gov", now=NOW, pin=scaffold_pin(tmp_path / "dist"), github_org="acme"))
    return tmp_path / "gov"


def _check(root: Path, now: str = NOW_TEXT) -> list[tuple[str, str, bool]]:
    result = check(CheckOptions(root=root, now=now, use_cache=False, audit=False))
    return [(f.rule, f.severity, f.waived) for f in result.findings]


def test_init_writes_every_kind_and_passes_check_with_the_builtin_catalog(
    scaffolded: Path,
) -> None:
    registry = load_registry(scaffolded)
    kinds = {a.kind for a in registry}
    assert kinds == {"Model", "Prompt", "ResidencyRule", "GuardrailPolicy", "EvalSuite",
                     "EvalRun", "Deployment", "Waiver"}
    prod = [a for a in registry.of_kind("Deployment") if a.spec["environment"] == "prod"]
    assert prod
    # Clean: no error, no warning; the staging waiver is the only (waived) finding.
    assert _check(scaffolded) == [("GOV-DAT-001", "warning", True)]
    config = registry.config
    assert config.policy.builtin is True and config.policy.paths == ["policies"]
    assert (scaffolded / "policies" / "README.md").is_file()
    assert not list((scaffolded / "policies").glob("*.rego"))


def test_prod_deployment_satisfies_every_rule_even_without_the_waiver(scaffolded: Path) -> None:
    for waiver in (scaffolded / "registry" / "waivers").glob("*.yaml"):
        waiver.unlink()
    findings = _check(scaffolded)
    assert findings == [("GOV-DAT-001", "warning", False)]  # the staging one, now unwaived


def test_dataset_is_large_tagged_and_the_eval_run_quotes_real_digests(scaffolded: Path) -> None:
    data = (scaffolded / "registry/evals/datasets/support-reply-golden.jsonl").read_bytes()
    assert data == golden_dataset()  # deterministic
    cases = [json.loads(line) for line in data.splitlines()]
    assert len(cases) >= 200
    tags = {t for c in cases for t in c["tags"]}
    assert {"adversarial", "edge_case", "regression"} <= tags
    assert len({c["id"] for c in cases}) == len(cases)

    run_file = next((scaffolded / "registry/evals/runs").glob("*.yaml"))
    run = parse_yaml(run_file.read_text()).documents[0].value
    assert run["spec"]["datasetDigest"] == "sha256:" + hashlib.sha256(data).hexdigest()
    # Recompute the prompt digest as docs/spec.md §2 says anyone can: RFC 8785 JSON of the document.
    prompt_doc = parse_yaml((scaffolded / "prompts/support-reply/1.0.0.yaml").read_text())
    expected = "sha256:" + hashlib.sha256(rfc8785.dumps(prompt_doc.documents[0].value)).hexdigest()
    assert run["spec"]["promptDigest"] == expected
    assert run["spec"]["completedAt"] == "2026-11-22T09:30:00Z"


def test_changing_the_prompt_invalidates_the_eval_evidence(scaffolded: Path) -> None:
    prompt = scaffolded / "prompts/support-reply/1.0.0.yaml"
    prompt.write_text(prompt.read_text().replace("temperature: 0.2", "temperature: 0.1"))
    assert ("GOV-EVL-002", "error", False) in _check(scaffolded)


def test_waiver_expires_within_max_days_and_check_says_so_after(scaffolded: Path) -> None:
    later = (NOW + dt.timedelta(days=61)).strftime("%Y-%m-%dT00:00:00+00:00")
    findings = _check(scaffolded, now=later)
    assert ("GOV-WVR-001", "error", False) in findings


def test_templates_have_no_hidden_names_and_every_placeholder_is_filled(scaffolded: Path) -> None:
    files = template_files()
    assert ".github/workflows/govctl-pr.yml" in files and ".gitignore" in files
    for path in scaffolded.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"__[A-Z][A-Z0-9_]*__", text), path
            assert "dot-" not in path.relative_to(scaffolded).as_posix()
    gitignore = (scaffolded / ".gitignore").read_text()
    assert "audits/*.duckdb" in gitignore and ".govctl-cache/" in gitignore
    install = "python -m pip install --require-hashes -r .github/govctl-requirements.txt"
    assert install in (scaffolded / ".github/workflows/govctl-pr.yml").read_text()


def test_the_policies_readme_example_works(scaffolded: Path) -> None:
    readme = (scaffolded / "policies" / "README.md").read_text()
    rego = readme.split("```rego\n", 1)[1].split("```", 1)[0]
    (scaffolded / "policies" / "cost.rego").write_text(rego)
    findings = _check(scaffolded)
    # Both example deployments lack the cost-centre label; only prod is governed by the rule.
    assert ("ORG-CST-001", "warning", False) in findings
    result = check(CheckOptions(root=scaffolded, now=NOW_TEXT, use_cache=False, audit=False))
    [finding] = [f for f in result.findings if f.rule == "ORG-CST-001"]
    assert finding.ref == "Deployment/support-assistant-prod"
    assert finding.file == "registry/deployments/support-assistant-prod.yaml"


def test_unknown_placeholder_is_an_error() -> None:
    with pytest.raises(Exception, match="__NOPE__"):
        render_template("x __NOPE__ y", {}, "t")


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "gov"
    target.mkdir()
    (target / "govctl.yaml").write_text("mine\n")
    dist = str(fake_dist(tmp_path / "dist"))
    result = run_cli("init", str(target), "--govctl-dist", dist)
    assert result.returncode == 2
    assert "refusing to overwrite 1 existing file(s)" in result.stderr
    assert "govctl.yaml" in result.stderr and "--force" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["govctl.yaml"]
    assert (target / "govctl.yaml").read_text() == "mine\n"

    forced = run_cli("init", str(target), "--force", "--github-org", "acme", "--govctl-dist", dist)
    assert forced.returncode == 0, forced.stderr
    assert "overwrote govctl.yaml" in forced.stdout
    assert "kind: Config" in (target / "govctl.yaml").read_text()


def test_init_into_a_populated_scaffold_lists_the_conflicts(scaffolded: Path) -> None:
    with pytest.raises(ScaffoldConflictError) as info:
        scaffold(ScaffoldOptions(target=scaffolded, now=NOW,
                                 pin=scaffold_pin(scaffolded.parent / "dist")))
    assert "govctl.yaml" in info.value.existing and len(info.value.existing) > 10


def test_init_cli_defaults_to_the_current_folder(tmp_path: Path) -> None:
    dist = str(fake_dist(tmp_path / "dist"))
    here = tmp_path / "here"
    here.mkdir()
    result = run_cli("init", "--govctl-dist", dist, cwd=here)
    assert result.returncode == 0, result.stderr
    assert (here / "govctl.yaml").is_file()
    assert "next steps" in result.stdout
    check_run = run_cli("check", "--no-audit", "--no-cache", cwd=here)
    assert check_run.returncode == 0, check_run.stdout + check_run.stderr


def test_this_repositorys_workflows_are_the_init_templates() -> None:
    # govctl's own repository runs the same workflows it scaffolds, installing the checkout.
    for path, text in workflow_templates(SOURCE_INSTALL_COMMAND).items():
        ours = REPO_ROOT / path
        assert ours.is_file(), f"{path} is missing"
        assert ours.read_text() == text, (
            f"{path} differs from its template: regenerate with\n  .venv/bin/python -c "
            "\"from govctl.scaffold import workflow_templates as w; from pathlib import Path; "
            "from govctl.scaffold import SOURCE_INSTALL_COMMAND as c; "
            "[Path(p).write_text(t) for p, t in w(c).items()]\""
        )
