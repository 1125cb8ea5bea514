"""Text output modes: the per-rule table, --compact lines, wrapping at a width, N of M."""

from __future__ import annotations

import dataclasses

from govctl.output import text
from tests.output.builders import CATALOG, edge_result, finding, result


def test_rule_table_counts_live_and_waived_findings_most_first() -> None:
    res = result(
        [
            finding("GOV-RES-002", "a", line=1),
            finding("GOV-RES-002", "b", line=2),
            finding("GOV-PRM-004", "c", severity="warning", line=3),
            finding("GOV-EVL-002", "d", line=4, waiver="Waiver/w"),
        ],
        CATALOG,
    )
    table = text.rule_counts(res)
    assert table[0].split() == ["rule", "severity", "count", "waived", "title"]
    rows = [line.split()[:4] for line in table[1:]]
    assert rows == [
        ["GOV-RES-002", "error", "2", "0"],
        ["GOV-PRM-004", "warning", "1", "0"],
        ["GOV-EVL-002", "waived", "0", "1"],
    ]
    assert text.rule_counts(result([], CATALOG)) == []


def test_compact_is_one_line_per_finding_then_the_summary() -> None:
    res = edge_result()
    lines = text.render(res, compact=True).splitlines()
    assert len(lines) == len(res.findings) + 1
    assert lines[0].startswith("prompts/support-reply/1.4.0.yaml:12:16: warning GOV-PRM-004 ")
    assert "\x1b" not in "".join(lines) and "\\x1b" in lines[0]  # escaped, not raw
    waived = next(line for line in lines if "GOV-EVL-002" in line)
    assert ": waived (Waiver/eval-migration) GOV-EVL-002 " in waived
    assert lines[-1] == text.summary_line(res)


def test_wrapping_keeps_words_whole_and_indents_under_the_message() -> None:
    long = "word " * 40 + "FAIL"
    res = result([finding("GOV-RES-002", long.strip())], CATALOG, artifacts=1)
    out = text.render(res, width=60)
    finding_lines = out.split("\n\n")[0].splitlines()[1:]
    assert len(finding_lines) > 3
    assert all(len(line) <= 60 for line in finding_lines)
    indent = finding_lines[0].index("word")
    assert all(line[:indent].strip() == "" for line in finding_lines[1:])
    assert any(line.endswith("FAIL") for line in finding_lines)
    summary = text.summary_lines(res, width=60)
    assert len(summary) > 1 and all(len(line) <= 60 for line in summary)
    assert summary[-1].endswith(" · FAIL (fail-on error)")  # split between parts only
    assert text.render(res).count("\n") < out.count("\n")  # no width: nothing wrapped


def test_narrowed_runs_say_n_of_m() -> None:
    res = dataclasses.replace(result([], CATALOG, artifacts=70), scope_size=10)
    assert text.summary_line(res).startswith("10 of 70 artifacts checked: ")
