"""govctl's SARIF passes the SARIF Multitool's GitHub ingestion rules and SARIF rules (errors and
warnings; its notes are advice such as code snippets, left out on purpose).

The multitool comes from npm (scripts/install-sarif-multitool.sh). Without npm these tests are
skipped loudly, unless GOVCTL_REQUIRE_SARIF_MULTITOOL=1 (CI), where that is a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from govctl.api import CheckOptions, check
from govctl.output import sarif
from tests.output.builders import edge_result

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def multitool() -> Path:
    result = subprocess.run(["bash", str(REPO / "scripts/install-sarif-multitool.sh")],
                            capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        reason = f"no SARIF Multitool: {result.stderr.strip()[-1000:]}"
        if os.environ.get("GOVCTL_REQUIRE_SARIF_MULTITOOL") == "1":
            pytest.fail(reason)
        pytest.skip(f"SARIF MULTITOOL TESTS SKIPPED: {reason}")
    return Path(result.stdout.strip())


def validate(multitool: Path, doc: Any, tmp_path: Path) -> list[str]:
    """The multitool's errors and warnings on ``doc`` as 'RULE: message arguments'."""
    source, report = tmp_path / "in.sarif", tmp_path / "out.sarif"
    source.write_text(json.dumps(doc), encoding="utf-8")
    report.unlink(missing_ok=True)
    run = subprocess.run([str(multitool), "validate", str(source), "--rule-kind", "Gh;Sarif",
                          "--level", "Error;Warning", "--output", str(report)],
                         capture_output=True, text=True, timeout=300)
    assert report.exists(), run.stdout + run.stderr
    results = json.loads(report.read_text(encoding="utf-8"))["runs"][0]["results"]
    return [f"{r['ruleId']}: {r['message'].get('arguments')}" for r in results]


def test_the_reference_repository_sarif_passes_the_github_rules(
    multitool: Path, tmp_path: Path
) -> None:
    result = check(CheckOptions(root=REPO, now="2026-11-22T00:00:00+00:00", use_cache=False,
                                audit=False))
    assert validate(multitool, sarif.to_sarif(result), tmp_path) == []


def test_the_edge_cases_pass_and_a_broken_log_does_not(multitool: Path, tmp_path: Path) -> None:
    doc: Any = sarif.to_sarif(edge_result())
    assert validate(multitool, doc, tmp_path) == []
    del doc["runs"][0]["results"][0]["locations"]  # GitHub rejects a result without a location
    assert any(problem.startswith("GH") for problem in validate(multitool, doc, tmp_path))
