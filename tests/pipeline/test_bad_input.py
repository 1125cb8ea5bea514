"""docs/spec.md §9: every malformed input is a finding or a one-line error naming file and line; the run
goes on with the other files; no traceback ever reaches the user."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.conftest import NOW, run_cli

GOOD_MODEL = """\
apiVersion: govctl/v1
kind: Model
metadata: {name: good, version: 2024-08-06, owner: team-a}
spec:
  provider: openai
  providerModelId: good-2024-08-06
  status: approved
  hosting: {regions: [westeurope], jurisdictions: [EU]}
  dataHandling: {trainsOnInputs: false}
  pricing: {inputPer1M: 2.5, outputPer1M: 10}
  limits: {contextWindow: 128000, maxOutputTokens: 16384}
"""


def check_json(root: Path, *extra: str) -> tuple[int, dict, str]:
    proc = run_cli(
        "-C",
        str(root),
        "check",
        "--format",
        "json",
        "--now",
        NOW,
        "--no-cache",
        "--no-audit",
        *extra,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    data = json.loads(proc.stdout) if proc.stdout.strip() else {}
    return proc.returncode, data, proc.stderr


def only(data: dict, rule: str) -> list[dict]:
    return [f for f in data["findings"] if f["rule"] == rule]


def assert_one_finding(
    root: Path, file: str, line: int, text: str, rule: str = "GOV-REG-001"
) -> dict:
    code, data, _ = check_json(root)
    assert code == 1
    found = [f for f in only(data, rule) if f["file"] == file]
    assert len(found) == 1, data["findings"]
    assert found[0]["line"] == line, found[0]
    assert text in found[0]["message"]
    # The run went on: the good artifact was loaded and counted.
    assert data["summary"]["artifacts"] >= 1
    return found[0]


def test_invalid_yaml_is_located_and_run_goes_on(make_repo):
    root = make_repo(
        {
            "registry/good.yaml": GOOD_MODEL,
            "registry/bad.yaml": "apiVersion: govctl/v1\nkind: Model\nmetadata: {name: x\nspec: [\n",
        }
    )
    assert_one_finding(root, "registry/bad.yaml", 4, "invalid YAML")


def test_duplicate_key_names_the_second_occurrence(make_repo):
    bad = GOOD_MODEL.replace("  status: approved\n", "  status: approved\n  status: blocked\n")
    root = make_repo(
        {"registry/good.yaml": GOOD_MODEL.replace("good", "other"), "registry/bad.yaml": bad}
    )
    finding = assert_one_finding(root, "registry/bad.yaml", 8, "duplicate key 'status'")
    assert finding["column"] == 3


def test_alias_bomb_is_refused(make_repo):
    bomb = "apiVersion: govctl/v1\nkind: Model\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefgh":
        prev = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [{', '.join(['*' + prev] * 10)}]\n"
    root = make_repo({"registry/good.yaml": GOOD_MODEL, "registry/bomb.yaml": bomb})
    code, data, _ = check_json(root)
    found = [f for f in only(data, "GOV-REG-001") if f["file"] == "registry/bomb.yaml"]
    assert code == 1 and len(found) == 1
    assert "alias expansion" in found[0]["message"]


def test_deep_nesting_is_refused(make_repo):
    deep = "apiVersion: govctl/v1\nkind: Model\nspec: " + "[" * 500 + "]" * 500 + "\n"
    root = make_repo({"registry/good.yaml": GOOD_MODEL, "registry/deep.yaml": deep})
    assert_one_finding(root, "registry/deep.yaml", 3, "nesting deeper than")


def test_file_over_size_bound(make_repo):
    big = GOOD_MODEL + "# " + "x" * (3 * 1024 * 1024) + "\n"
    root = make_repo(
        {"registry/good.yaml": GOOD_MODEL.replace("good", "other"), "registry/big.yaml": big}
    )
    code, data, _ = check_json(root)
    found = [f for f in only(data, "GOV-REG-001") if f["file"] == "registry/big.yaml"]
    assert code == 1 and len(found) == 1
    assert "over the" in found[0]["message"] and "bound" in found[0]["message"]


def test_non_utf8_bytes_name_the_line(make_repo):
    bad = GOOD_MODEL.replace("provider: openai", "provider: op\xe9nai").encode("latin-1")
    root = make_repo(
        {"registry/good.yaml": GOOD_MODEL.replace("good", "other"), "registry/latin1.yaml": bad}
    )
    assert_one_finding(root, "registry/latin1.yaml", 5, "not valid UTF-8")


def test_symlink_leaving_the_repository(make_repo, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(GOOD_MODEL.replace("good", "secret"))
    root = make_repo({"registry/good.yaml": GOOD_MODEL})
    os.symlink(outside, root / "registry" / "escape.yaml")
    code, data, _ = check_json(root)
    found = [f for f in only(data, "GOV-REG-001") if f["file"] == "registry/escape.yaml"]
    assert code == 1 and len(found) == 1
    assert "outside the repository" in found[0]["message"]
    assert data["summary"]["artifacts"] == 1  # the outside file was not read


def test_unknown_kind_suggests_the_closest(make_repo):
    bad = GOOD_MODEL.replace("kind: Model", "kind: Modle")
    root = make_repo({"registry/good.yaml": GOOD_MODEL, "registry/bad.yaml": bad})
    finding = assert_one_finding(root, "registry/bad.yaml", 2, "unknown kind 'Modle'")
    assert "did you mean 'Model'" in finding["message"]


def test_unknown_api_version(make_repo):
    bad = GOOD_MODEL.replace("govctl/v1", "govctl/v2")
    root = make_repo({"registry/good.yaml": GOOD_MODEL, "registry/bad.yaml": bad})
    assert_one_finding(root, "registry/bad.yaml", 1, "unsupported apiVersion 'govctl/v2'")


def test_other_tools_yaml_is_ignored(make_repo):
    root = make_repo(
        {"registry/good.yaml": GOOD_MODEL, "registry/k8s.yaml": "apiVersion: v1\nkind: ConfigMap\n"}
    )
    code, data, _ = check_json(root)
    assert code == 0 and data["findings"] == [] and data["summary"]["artifacts"] == 1


def test_schema_violations_name_field_and_line(make_repo):
    bad = GOOD_MODEL.replace(
        "  status: approved\n", "  status: retired\n  tier: huge\n  colour: red\n"
    )
    root = make_repo({"registry/bad.yaml": bad})
    code, data, _ = check_json(root)
    by_path = {f["path"]: f for f in only(data, "GOV-REG-001")}
    assert code == 1
    assert set(by_path) == {"spec.status", "spec.tier", "spec.colour"}
    assert by_path["spec.status"]["line"] == 7
    assert "approved, preview, deprecated, blocked" in by_path["spec.status"]["message"]
    assert (
        by_path["spec.colour"]["line"] == 9
        and "unknown field 'colour'" in by_path["spec.colour"]["message"]
    )


def test_missing_required_field_points_at_parent(make_repo):
    bad = GOOD_MODEL.replace("  pricing: {inputPer1M: 2.5, outputPer1M: 10}\n", "")
    root = make_repo({"registry/bad.yaml": bad})
    code, data, _ = check_json(root)
    found = only(data, "GOV-REG-001")
    assert code == 1 and len(found) == 1
    assert found[0]["message"] == "missing required field 'pricing'"
    assert found[0]["line"] == 4  # the `spec:` key


def test_rego_syntax_error_names_file_and_line(make_repo):
    root = make_repo(
        {
            "registry/good.yaml": GOOD_MODEL,
            "policies/broken.rego": "package broken\n\nimport rego.v1\n\ndeny contains msg if {\n  msg := \n}\n",
        }
    )
    proc = run_cli("-C", str(root), "check", "--now", NOW, "--no-audit")
    assert proc.returncode == 3  # the engine cannot evaluate the library: fail closed
    assert "Traceback" not in proc.stderr
    # OPA (compiling to Wasm) points at the unexpected `}` on line 7; regopy (the fallback when
    # no opa binary is around) at the incomplete assignment on line 6.
    assert re.search(r"policies/broken\.rego:[67]:", proc.stderr), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_missing_config_is_a_usage_error(tmp_path):
    proc = run_cli("-C", str(tmp_path), "check")
    assert proc.returncode == 2
    assert "govctl.yaml" in proc.stderr and "Traceback" not in proc.stderr


def test_invalid_config_names_the_line(make_repo):
    root = make_repo(
        {}, config="apiVersion: govctl/v1\nkind: Config\nteams: [a]\npolicy: {engine: fast}\n"
    )
    proc = run_cli("-C", str(root), "check")
    assert proc.returncode == 2
    assert proc.stderr.startswith("govctl: error: govctl.yaml:4: policy.engine")


def test_bad_now_is_a_usage_error(make_repo):
    root = make_repo({"registry/good.yaml": GOOD_MODEL})
    proc = run_cli("-C", str(root), "check", "--now", "yesterday")
    assert proc.returncode == 2 and "--now 'yesterday'" in proc.stderr


PROMPT_WITH_TEMPLATE = """\
apiVersion: govctl/v1
kind: Prompt
metadata: {name: tpl, version: 1.0.0, owner: team-a}
spec:
  templateFile: tpl.md
  variables: [{name: question, source: user}]
  riskTier: minimal
"""


def test_missing_template_file_is_a_dangling_reference(make_repo):
    root = make_repo({"prompts/tpl/1.0.0.yaml": PROMPT_WITH_TEMPLATE})
    code, data, _ = check_json(root)
    found = only(data, "GOV-REG-002")
    assert code == 1 and len(found) == 1
    assert found[0]["path"] == "spec.templateFile" and found[0]["line"] == 5


def test_template_that_is_not_utf8(make_repo):
    root = make_repo(
        {
            "prompts/tpl/1.0.0.yaml": PROMPT_WITH_TEMPLATE,
            "prompts/tpl/tpl.md": b"Hello\n{{question}} \xff\n",
        }
    )
    code, data, _ = check_json(root)
    found = only(data, "GOV-REG-001")
    assert code == 1 and found[0]["file"] == "prompts/tpl/tpl.md" and found[0]["line"] == 2


def test_template_path_leaving_the_repository(make_repo):
    bad = PROMPT_WITH_TEMPLATE.replace("tpl.md", "../../../../etc/passwd")
    root = make_repo({"prompts/tpl/1.0.0.yaml": bad})
    code, data, _ = check_json(root)
    found = only(data, "GOV-REG-001")
    assert code == 1 and "leaves the repository" in found[0]["message"]


SUITE = """\
apiVersion: govctl/v1
kind: EvalSuite
metadata: {name: golden, owner: team-a}
spec:
  dataset: cases.jsonl
  metrics: [{name: accuracy, threshold: 0.9}]
"""


def test_dataset_lines_that_are_not_json(make_repo):
    root = make_repo(
        {
            "registry/evals/suite.yaml": SUITE,
            "registry/evals/cases.jsonl": '{"q": 1}\nnot json\n{"q": 2}\n[1]\n',
        }
    )
    _code, data, _ = check_json(root)
    lines = sorted(
        f["line"] for f in only(data, "GOV-REG-001") if f["file"] == "registry/evals/cases.jsonl"
    )
    assert lines == [2, 4]


def test_missing_dataset(make_repo):
    root = make_repo({"registry/evals/suite.yaml": SUITE})
    code, data, _ = check_json(root)
    found = only(data, "GOV-REG-002")
    assert code == 1 and found[0]["path"] == "spec.dataset" and found[0]["line"] == 5


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_output_to_an_unwritable_place_is_one_line(make_repo, fmt):
    root = make_repo({"registry/good.yaml": GOOD_MODEL})
    (root / "blocker").write_text("a file, not a folder")
    target = root / "blocker" / "report.out"
    proc = run_cli(
        "-C",
        str(root),
        "check",
        "--now",
        NOW,
        "--no-audit",
        "--format",
        fmt,
        "--output",
        str(target),
    )
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "cannot write" in proc.stderr and not target.exists()


def test_output_naming_a_folder_is_a_usage_error(make_repo):
    root = make_repo({"registry/good.yaml": GOOD_MODEL})
    (root / "out").mkdir()
    proc = run_cli("-C", str(root), "check", "--no-audit", "--output", str(root / "out"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "is a directory" in proc.stderr


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f", "\ufffe"])
def test_a_character_yaml_forbids_is_located(make_repo, char):
    bad = GOOD_MODEL.replace("provider: openai", f'provider: "open{char}ai"')
    root = make_repo(
        {"registry/good.yaml": GOOD_MODEL.replace("good", "other"), "registry/ctl.yaml": bad}
    )
    assert_one_finding(root, "registry/ctl.yaml", 5, "is not allowed in YAML")


def test_a_control_character_in_the_config_is_a_usage_error(make_repo):
    root = make_repo({}, config="apiVersion: govctl/v1\nkind: Config\nteams: [a\x01]\n")
    proc = run_cli("-C", str(root), "check", "--no-audit")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("govctl: error: govctl.yaml:3:"), proc.stderr


def test_an_integer_json_cannot_carry_is_a_finding(make_repo):
    bad = GOOD_MODEL.replace("good", "huge").replace(
        "contextWindow: 128000", "contextWindow: 9007199254740992"
    )
    root = make_repo({"registry/good.yaml": GOOD_MODEL, "registry/huge.yaml": bad})
    found = assert_one_finding(root, "registry/huge.yaml", 4, "cannot be canonicalised")
    assert "9007199254740992" in found["message"]


def test_a_dataset_line_nested_beyond_the_json_parser_is_invalid(make_repo):
    deep = '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    root = make_repo(
        {
            "registry/evals/suite.yaml": SUITE,
            "registry/evals/cases.jsonl": '{"q": 1}\n' + deep + '\n{"q": 2}\n',
        }
    )
    _code, data, _ = check_json(root)
    lines = [
        f["line"] for f in only(data, "GOV-REG-001") if f["file"] == "registry/evals/cases.jsonl"
    ]
    assert lines == [2]


def test_a_folder_symlink_leaving_the_repository(make_repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "m.yaml").write_text(GOOD_MODEL.replace("good", "secret"))
    root = make_repo({"registry/good.yaml": GOOD_MODEL})
    os.symlink(outside, root / "registry" / "external")
    code, data, _ = check_json(root)
    found = [f for f in only(data, "GOV-REG-001") if f["file"] == "registry/external"]
    assert code == 1 and len(found) == 1
    assert "outside the repository" in found[0]["message"]
    assert data["summary"]["artifacts"] == 1  # nothing behind the link was read


def test_a_policy_symlink_leaving_the_repository(make_repo, tmp_path):
    outside = tmp_path / "outside.rego"
    outside.write_text('package ext\n\nimport rego.v1\n\ndeny contains "x" if true\n')
    root = make_repo({"registry/good.yaml": GOOD_MODEL})
    os.symlink(outside, root / "policies" / "ext.rego")
    proc = run_cli("-C", str(root), "check", "--now", NOW, "--no-audit")
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    assert "policies/ext.rego" in proc.stderr and "outside the repository" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_roots_with_nothing_to_check_fail_closed(make_repo):
    config = "apiVersion: govctl/v1\nkind: Config\nteams: [team-a]\nroots: [nope, ../elsewhere]\n"
    root = make_repo({"registry/good.yaml": GOOD_MODEL}, config=config)
    code, data, _ = check_json(root)
    messages = sorted(f["message"] for f in only(data, "GOV-REG-001"))
    assert code == 1 and data["summary"]["artifacts"] == 0
    assert messages == [
        "roots entry '../elsewhere' leaves the repository",
        "roots entry 'nope' is not a folder in the repository",
    ]


def test_a_missing_root_beside_a_present_one_is_fine(make_repo):
    root = make_repo({"registry/good.yaml": GOOD_MODEL})  # roots: [registry, prompts]
    code, data, _ = check_json(root)
    assert code == 0 and data["findings"] == [] and data["summary"]["artifacts"] == 1


def test_empty_roots_is_a_usage_error(make_repo):
    root = make_repo({}, config="apiVersion: govctl/v1\nkind: Config\nteams: [a]\nroots: []\n")
    proc = run_cli("-C", str(root), "check", "--no-audit")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("govctl: error: govctl.yaml:4: roots"), proc.stderr


@pytest.mark.parametrize(
    "rego,line",
    [
        ('package custom\n\ndeny[msg] {\n  msg := "x"\n}\n', 3),
        ("package custom\n\nimport rego.v1\n\nallow {\n  true\n}\n", 5),
        ("package custom\n\nimport rego.v1\n\ndeny contains msg {\n  msg := 1\n}\n", 5),
    ],
)
def test_rego_v0_rule_bodies_are_refused_like_opa_does(make_repo, rego, line):
    root = make_repo({"registry/good.yaml": GOOD_MODEL, "policies/custom.rego": rego})
    proc = run_cli("-C", str(root), "check", "--now", NOW, "--no-audit")
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    assert f"policies/custom.rego:{line}:" in proc.stderr and "needs `if`" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_nul_in_a_policy_is_located(make_repo):
    rego = "package custom\n\nimport rego.v1\n# \x00\ndeny contains 1 if false\n"
    root = make_repo({"registry/good.yaml": GOOD_MODEL, "policies/custom.rego": rego})
    proc = run_cli("-C", str(root), "check", "--now", NOW, "--no-audit")
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    assert "policies/custom.rego:4:3:" in proc.stderr, proc.stderr
