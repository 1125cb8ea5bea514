"""Golden reports: one change (a long prompt edit, values with ``*``, ``@``, ``_`` and ``|``, a
deployment that changed itself) reaching 5, 50 and 500 deployments, in every impact format.

Regenerate after an intended change with ``GOVCTL_UPDATE_GOLDEN=1 pytest tests/impact -k
golden`` and review the diff of ``tests/impact/golden/``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from pathlib import Path

import pytest

from govctl.impact.render import render
from govctl.impact.report import ImpactOptions, ImpactReport, run_impact

from . import golden_repo
from .conftest import NOW

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("GOVCTL_UPDATE_GOLDEN") == "1"
SIZES = (5, 50, 500)
EXTENSIONS = {"markdown": "md", "text": "txt", "json": "json"}


@pytest.fixture(scope="module", params=SIZES, ids=[f"{n}-deployments" for n in SIZES])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ImpactReport:
    root = golden_repo.make(tmp_path_factory.mktemp("golden") / "repo", request.param)
    report = run_impact(
        ImpactOptions(root=root, base="main", head="feature", now=NOW, use_cache=False, workers=1)
    )
    # Which engine ran (OPA's Wasm, or regopy where no opa compiles the repository's policies)
    # and the catalog's digest are not what these files pin: the reports around them are.
    return dataclasses.replace(
        report, engine="embedded", engine_version="ENGINE", policy_digest="sha256:POLICY"
    )


def _compare(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with GOVCTL_UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from the golden file (GOVCTL_UPDATE_GOLDEN=1)"


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_report_matches_golden(report: ImpactReport, fmt: str) -> None:
    size = len(report.affected)
    actual = render(report, fmt)
    if fmt == "json" and size > 50:
        # 500 affected deployments make a ~230 kB document: its digest is the golden value.
        _compare(f"{size}.json.sha256", hashlib.sha256(actual.encode()).hexdigest() + "\n")
    else:
        _compare(f"{size}.{EXTENSIONS[fmt]}", actual)


def test_long_prompt_edit_reads_as_a_word_diff(report: ImpactReport) -> None:
    markdown = render(report, "markdown")
    assert "at most <del>150</del> <ins>200</ins> words" in markdown
    assert "<del>Do not</del> <ins>Never</ins> speculate" in markdown
    text = render(report, "text")
    assert "at most [-150-] {+200+} words" in text


def test_graph_stays_about_one_screen_and_counts_what_it_folds(report: ImpactReport) -> None:
    markdown = render(report, "markdown")
    mermaid = markdown.split("```mermaid", 1)[1].split("```", 1)[0]
    nodes = re.findall(r'^\s+n\d+\["([^"]*)"\]', mermaid, re.MULTILINE)
    assert len(nodes) <= 20
    # Every changed artifact is drawn; every deployment is drawn or counted in a "+N more" node.
    for change in report.changes:
        assert change.identity in nodes
    drawn = sum(1 for n in nodes if n.startswith("Deployment/"))
    folded = sum(int(m) for m in re.findall(r"^\+(\d+) more in ", "\n".join(nodes), re.MULTILINE))
    assert drawn + folded == len(report.affected)
    assert "subgraph" in mermaid
    if folded:
        assert f"{folded} of {len(report.affected)} deployments are counted" in markdown


def test_text_wraps_at_a_width_without_losing_words(report: ImpactReport) -> None:
    whole = render(report, "text")
    wrapped = render(report, "text", width=80)
    assert all(len(line) <= 80 or " " not in line.strip() for line in wrapped.splitlines())
    assert wrapped.split() == whole.split()  # the same words, in the same order
