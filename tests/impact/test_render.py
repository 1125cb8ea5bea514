"""Markdown details: escaping, Mermaid labels, collapsed sections beyond the bound."""

from __future__ import annotations

from govctl.impact.render_markdown import (
    ROWS_SHOWN,
    cell,
    code,
    mermaid_label,
    render,
    table,
    value,
)

from .conftest import GitRepo, deployment
from .helpers import impact


def test_cells_cannot_break_the_table_or_inject_html() -> None:
    assert cell("a | b\n<script>") == "a \\| b \\<script\\>"
    assert code("x|y") == "`x\\|y`"
    assert code("use `name`") == "`` use `name` ``"  # CommonMark strips one space each side
    assert value(None) == "—"
    assert value(["westeurope", "eu-*"]) == "`[westeurope, eu-*]`"
    assert cell("regions eu-* via support-reply@2.3.0") == "regions `eu-*` via `support-reply@2.3.0`"
    assert value("word " * 40).endswith("…`")


def test_mermaid_labels_are_quoted_entities() -> None:
    assert mermaid_label('Prompt/a@1.0.0 "x" <b>#') == "Prompt/a@1.0.0 #quot;x#quot; #lt;b#gt;#35;"


def test_tables_collapse_beyond_the_bound() -> None:
    rows = [[str(i)] for i in range(ROWS_SHOWN + 3)]
    lines = table(["n"], rows, "numbers")
    assert lines[: 2 + ROWS_SHOWN][-1] == f"| {ROWS_SHOWN - 1} |"
    assert "<details><summary>3 more numbers</summary>" in lines
    assert lines[-1] == "</details>"


def test_large_change_stays_readable(repo: GitRepo) -> None:
    repo.write({
        f"registry/deployments/extra-{i:02d}.yaml": deployment(
            f"extra-{i:02d}", "dev", False, "pii", "EU", "reply@1.1.0", "strict"
        )
        for i in range(12)
    })
    repo.commit("twelve deployments")
    repo.git("checkout", "-q", "-b", "weaken")
    repo.edit("registry/guardrails/strict.yaml", "threshold: 0.8", "threshold: 0.9")
    repo.commit()
    report = impact(repo, base="feature")
    assert len(report.affected) == 14
    text = render(report)
    assert "#### Affected deployments (14)" in text
    assert "<details><summary>4 more deployments</summary>" in text
    assert "<details><summary>Changed artifacts → affected deployments</summary>" in text
    assert text.count('["GuardrailPolicy/strict"]:::changed') == 1
    assert 'subgraph env0["prod"]' in text
    assert '["Deployment/support-prod"]:::deployment' in text
