"""``input.config`` is sent only to bundles that may read it (docs/spec.md §3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govctl.config import load_config
from govctl.graph import DependencyGraph
from govctl.policy.catalog import load_policies
from govctl.policy.input_reads import bundle_reads_config, may_read_config
from govctl.stages import input_builder, load
from tests.conftest import NOW
from tests.pipeline.test_check_pipeline import repo_files, run

READS_CONFIG = [
    "x := input.config.teams",
    'x := input["config"]',
    "x := input[key]",
    "x := input",
    'x := object.get(input, "config", {})',
    "x := walk(input)",
    "import input",
    "import input.config",
    "import input.config as settings",
    "x := input.configuration",
    "x := input .config",
    "x := input.subject\ny := input.config",
    'msg := $"teams: {input.config.teams}"',
    "x := 1 with input as {}",
    "some k, v in input",
    "x := input.Config",
]

CANNOT_READ_CONFIG = [
    "x := input.subject.spec.config",
    "x := input.related[id].spec",
    "x := input.derived.models; y := input.now; z := input.change",
    "# x := input.config in a comment",
    'x := "input.config in a string"',
    'x := "escaped \\" input.config"',
    "x := `raw input.config\nacross lines`",
    "x := lib.input.config",
    "x := data.input",
    "inputs := 1\nx := my_input",
    "",
]


@pytest.mark.parametrize("source", READS_CONFIG)
def test_every_way_of_reaching_input_config_keeps_it(source: str) -> None:
    assert may_read_config(source)


@pytest.mark.parametrize("source", CANNOT_READ_CONFIG)
def test_fields_comments_and_strings_do_not(source: str) -> None:
    assert not may_read_config(source)


def test_one_module_that_may_read_it_is_enough() -> None:
    assert bundle_reads_config(["x := input.subject", "y := input[k]"])
    assert not bundle_reads_config(["x := input.subject", "y := input.now"])


def test_the_built_in_catalog_does_not_read_it() -> None:
    catalog = Path(__file__).resolve().parents[2] / "govctl" / "catalog"
    code = [p.read_text("utf-8") for p in catalog.rglob("*.rego") if "_test" not in p.name]
    assert code and not bundle_reads_config(code)


def _documents(root: Path) -> dict[str, dict[str, object]]:
    config = load_config(root / "govctl.yaml")
    bundle = load_policies(root, config)
    registry = load(root, config, None, None, 0).registry
    builder = input_builder(registry, DependencyGraph(registry), config, bundle, NOW, None)
    return {a.identity: json.loads(builder.document_json(a, None)) for a in registry}


CONFIG_POLICY = """\
# METADATA
# custom:
#   kinds: [Deployment]
package test.config

import rego.v1

# METADATA
# custom:
#   id: TST-CFG-001
#   severity: warning
deny contains {"rule": "TST-CFG-001", "msg": concat(",", input.config.teams)} if {
  input.subject.spec.environment == "prod"
}
"""


def test_a_policy_that_reads_the_config_gets_it_on_wasm_and_regopy(make_repo) -> None:
    root = make_repo(repo_files(**{"policies/config.rego": CONFIG_POLICY}))
    assert all("config" in doc for doc in _documents(root).values())
    for engine in ("embedded", "regopy"):
        found = [f for f in run(root, engine=engine).findings if f.rule == "TST-CFG-001"]  # type: ignore[attr-defined]
        assert [f.message for f in found] == ["team-a,ml-platform,compliance,security"], engine


def test_without_such_a_policy_the_input_has_no_config_and_findings_do_not_change(
    make_repo,
) -> None:
    root = make_repo(repo_files())
    documents = _documents(root)
    assert documents and not any("config" in doc for doc in documents.values())
    assert all(set(doc) == {"subject", "related", "derived", "now", "change"} for doc in documents.values())
    assert run(root).findings  # type: ignore[attr-defined]
