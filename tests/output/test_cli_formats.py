"""Every format end to end through the real ``govctl`` console script on a tiny repository:
exit codes per --fail-on, --output writes the file, byte-identical output for the same --now,
and each format's output is well-formed for its consumer."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import NOW
from tests.output.test_sarif import github_violations, schema_errors

GOVCTL = Path(sys.executable).with_name("govctl")

POLICY = """\
# METADATA
# title: Model status
# custom:
#   kinds: [Model]
package test.models

import rego.v1

# METADATA
# title: Model is deprecated
# custom:
#   id: TST-MDL-001
#   severity: error
#   waivable: true
#   component: model strategy
#   controls: ["EU-AI-ACT:Art.15"]
#   remediation: "Move to an approved model | see runbook: 100% needed"
deny contains {"rule": "TST-MDL-001", "msg": sprintf("model %s is deprecated", [input.subject.identity]), "path": "spec.status"} if {
  input.subject.spec.status == "deprecated"
}

# METADATA
# title: Model in preview
# custom:
#   id: TST-MDL-002
#   severity: warning
#   component: security
preview_findings contains {"rule": "TST-MDL-002", "msg": "preview model, \\"not GA\\"", "path": "spec.status"} if {
  input.subject.spec.status == "preview"
}

warn contains f if {
  some f in preview_findings
}
"""


def model(name: str, status: str) -> str:
    return f"""\
apiVersion: govctl/v1
kind: Model
metadata: {{name: {name}, version: 2024-08-06, owner: team-a}}
spec:
  provider: openai
  providerModelId: {name}-2024-08-06
  status: {status}
  hosting: {{regions: [westeurope], jurisdictions: [EU]}}
  dataHandling: {{trainsOnInputs: false}}
  pricing: {{inputPer1M: 2.5, outputPer1M: 10}}
  limits: {{contextWindow: 128000, maxOutputTokens: 16384}}
"""


WAIVER = """\
apiVersion: govctl/v1
kind: Waiver
metadata: {name: old-model, owner: compliance}
spec:
  rule: TST-MDL-001
  target: Model/waived-model@2024-08-06
  justification: "Migration planned"
  approvedBy: head-of-compliance
  expires: 2026-12-31
"""

FORMATS = ["text", "json", "sarif", "junit", "github", "markdown"]


def govctl(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(GOVCTL), "-C", str(root), "check", "--now", NOW, "--no-audit", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.fixture
def repo(make_repo) -> Path:
    return make_repo({
        "policies/models.rego": POLICY,
        "registry/models/old.yaml": model("old-model", "deprecated"),
        "registry/models/new.yaml": model("new-model", "preview"),
        "registry/models/waived.yaml": model("waived-model", "deprecated"),
        "registry/waivers/old.yaml": WAIVER,
    })


@pytest.fixture
def warnings_only(make_repo) -> Path:
    return make_repo({
        "policies/models.rego": POLICY,
        "registry/models/new.yaml": model("new-model", "preview"),
    })


def check_well_formed(fmt: str, out: str) -> None:
    if fmt == "json":
        assert json.loads(out)["summary"] == {
            "artifacts": 4, "errors": 1, "warnings": 1, "infos": 0, "waived": 1}
    elif fmt == "sarif":
        doc = json.loads(out)
        assert schema_errors(doc) == [] and github_violations(doc) == []
        results = doc["runs"][0]["results"]
        assert sorted(r["ruleId"] for r in results) == ["TST-MDL-001", "TST-MDL-001", "TST-MDL-002"]
        assert sum("suppressions" in r for r in results) == 1
    elif fmt == "junit":
        root = ET.fromstring(out.encode())
        assert root.get("failures") == "1" and root.find("testsuite").get("skipped") == "1"
    elif fmt == "github":
        lines = out.splitlines()
        assert [line.split(" ", 1)[0] for line in lines[:-1]] == ["::warning", "::error", "::notice"]
        assert lines[-1].startswith("govctl: 4 artifacts checked: 1 error, 1 warning")
    elif fmt == "markdown":
        assert out.startswith("<!-- govctl:check -->\n### ❌ **govctl check failed**")
        assert "Move to an approved model \\| see runbook" not in out  # remediation is not a cell
        assert "<summary>Waived findings (1)</summary>" in out
    else:
        assert "registry/models/old.yaml\n" in out and "waived by Waiver/old-model" in out
        assert out.endswith("FAIL (fail-on error)\n")


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_end_to_end(repo: Path, tmp_path: Path, fmt: str) -> None:
    first = govctl(repo, "--format", fmt)
    assert first.returncode == 1, first.stderr
    assert first.stderr == ""
    check_well_formed(fmt, first.stdout)

    second = govctl(repo, "--format", fmt)
    assert second.stdout == first.stdout  # byte-identical for the same --now

    target = tmp_path / "reports" / f"out.{fmt}"
    written = govctl(repo, "--format", fmt, "--fail-on", "never", "--output", str(target))
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""
    produced = target.read_text(encoding="utf-8")
    if fmt in {"json", "sarif"}:
        produced_doc = json.loads(produced)
        if fmt == "sarif":
            assert produced_doc["runs"][0]["invocations"][0]["exitCode"] == 0
            assert schema_errors(produced_doc) == []
        else:
            assert produced_doc == json.loads(first.stdout)
    elif fmt == "text":
        assert produced == first.stdout.replace("FAIL (fail-on error)", "PASS (fail-on never)")
    else:
        assert produced.strip()


@pytest.mark.parametrize("fmt", ["text", "junit"])  # the exit code does not depend on the format
def test_warnings_fail_only_with_fail_on_warning(warnings_only: Path, fmt: str) -> None:
    relaxed = govctl(warnings_only, "--format", fmt, "--fail-on", "error")
    strict = govctl(warnings_only, "--format", fmt, "--fail-on", "warning")
    assert (relaxed.returncode, strict.returncode) == (0, 1), relaxed.stderr + strict.stderr
    if fmt == "junit":
        assert ET.fromstring(relaxed.stdout.encode()).get("failures") == "0"
        assert ET.fromstring(strict.stdout.encode()).get("failures") == "1"
    if fmt == "text":
        assert relaxed.stdout.endswith("PASS (fail-on error)\n")
        assert strict.stdout.endswith("FAIL (fail-on warning)\n")
