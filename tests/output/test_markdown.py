"""The ``markdown`` renderer: PR-comment summary, escaped table cells, waived findings collapsed,
bounded output."""

from __future__ import annotations

import re

from govctl.output import markdown
from govctl.source_links import SourceLinks
from tests.output.builders import CATALOG, edge_result, finding, result

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def table_rows(text: str) -> list[str]:
    return [
        line
        for line in text.splitlines()
        if line.startswith("| ") and not line.startswith("| Rule")
    ]


def cells(row: str) -> list[str]:
    """Split a GFM table row on unescaped pipes (what GitHub does)."""
    return [c.strip() for c in UNESCAPED_PIPE.split(row)[1:-1]]


def test_headline_has_marker_verdict_and_counts() -> None:
    lines = markdown.render(edge_result()).splitlines()
    assert lines[0] == "<!-- govctl:check -->"
    assert lines[1] == "### ❌ **govctl check failed**"
    assert lines[3] == (
        "3 errors, 2 warnings, 1 info, 1 waived in 5 artifacts · "
        "engine embedded (regopy 1.5.2) · fail-on `error`"
    )
    passing = markdown.render(result([finding("GOV-PRM-004", "w", severity="warning")], CATALOG))
    assert "### ✅ **govctl check passed**" in passing


def test_no_findings() -> None:
    out = markdown.render(result([], CATALOG))
    assert "No findings." in out and "| Rule" not in out and "<details>" not in out


def test_one_row_per_live_finding_in_order_with_three_cells() -> None:
    res = edge_result()
    rows = table_rows(markdown.render(res).split("<summary>Waived")[0])
    live = [f for f in res.findings if not f.waived]
    assert len(rows) == len(live)
    parsed = [cells(row) for row in rows]
    assert all(len(c) == 3 for c in parsed)
    assert [c[0] for c in parsed] == [f"`{f.rule}` {f.severity}" for f in live]
    assert parsed[2][1] == "`registry/deployments/app.yaml:14:5`"
    assert parsed[2][0].endswith(" error")
    assert parsed[5][1] == "`Deployment/ghost spec.model`"  # no file: identity and path


def test_locations_link_to_the_file_at_the_commit_when_the_repository_is_known() -> None:
    links = SourceLinks("https://github.com/acme/gov", "0123abc")
    rows = table_rows(markdown.render(edge_result(), links=links))
    assert cells(rows[2])[1] == (
        "[`registry/deployments/app.yaml:14:5`]"
        "(https://github.com/acme/gov/blob/0123abc/registry/deployments/app.yaml#L14)"
    )
    spaced = next(cells(r)[1] for r in rows if "dir with space" in r)
    assert "/registry/dir%20with%20space/b%2Cc%3Ad%25.yaml#L1)" in spaced
    assert cells(rows[5])[1] == "`Deployment/ghost spec.model`"  # nothing to link to


def test_cells_escape_pipes_newlines_and_markup() -> None:
    rows = table_rows(markdown.render(edge_result()))
    hostile = next(cells(r) for r in rows if "GOV-RES-002" in r)[2]
    assert hostile == (
        'value "x\\|y" is 100% wrong,<br>see: docs \\& `<b>bold</b>` '
        "\\`code\\` `*star*` `_u_` \\[l\\](u)"
    )
    unicode_cell = next(cells(r) for r in rows if "GOV-PRM-004" in r)[2]
    assert unicode_cell.startswith("modèle 日本語 — ✓ \\\\u202eevil\\\\x1b\\[31mred")
    assert "\u202e" not in markdown.render(edge_result())


def test_pipes_in_locations_are_escaped_inside_code_spans() -> None:
    res = result([finding("GOV-RES-002", "m", file="registry/a|b`c.yaml")], CATALOG)
    row = table_rows(markdown.render(res))[0]
    assert len(cells(row)) == 3
    assert cells(row)[1] == "``registry/a\\|b`c.yaml:7:3``"


def test_waived_findings_are_collapsed_with_their_waiver() -> None:
    out = markdown.render(edge_result())
    waived_part = out.split("<summary>Waived findings (1)</summary>", 1)[1]
    assert out.count("<details>") == out.count("</details>") == 2
    row = cells(table_rows(waived_part)[0])
    assert row == [
        "`GOV-EVL-002` error",
        "`registry/deployments/app.yaml:3:1`",
        "no passing EvalRun for this prompt digest",
        "`Waiver/eval-migration`",
    ]
    assert "GOV-EVL-002" not in out.split("<summary>Waived")[0]


def test_remediation_per_rule_that_appears() -> None:
    out = markdown.render(edge_result())
    assert "<summary>How to fix (4 rules)</summary>" in out
    assert "- `GOV-RES-002` Fallback model outside allowed residency: Use a fallback hosted" in out


def test_bounded_rows_collapse_then_count() -> None:
    many = [
        finding("GOV-RES-002", f"finding {i}", line=i + 1, path=f"spec.x[{i}]") for i in range(300)
    ]
    out = markdown.render(result(many, CATALOG), max_rows=50, max_collapsed=200)
    before, collapsed = out.split("<summary>200 more findings</summary>", 1)
    assert len(table_rows(before)) == 50
    assert len(table_rows(collapsed.split("</details>")[0])) == 200
    assert "… and 50 more findings not listed here" in out


def test_bounded_characters_and_long_messages() -> None:
    long = [finding("GOV-RES-002", "x" * 5000, line=i + 1, path=f"p{i}") for i in range(400)]
    out = markdown.render(result(long, CATALOG))
    assert len(out) < 65_536  # GitHub's comment limit
    first = cells(table_rows(out)[0])[2]
    assert len(first) == markdown.MESSAGE_LIMIT and first.endswith("…")
    assert "more findings not listed here" in out


