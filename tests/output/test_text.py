"""The ``text`` renderer: grouped by file, locations, remediation, waivers, colour, verdict."""

from __future__ import annotations

import re

from govctl.output import text
from tests.output.builders import CATALOG, edge_result, finding, result, rule


def test_no_findings_says_so_and_passes() -> None:
    out = text.render(result([], CATALOG, artifacts=3))
    assert out == (
        "No findings.\n\n"
        "3 artifacts checked: 0 errors, 0 warnings, 0 infos, 0 waived · "
        "engine embedded (regopy 1.5.2) · PASS (fail-on error)\n"
    )


def test_exact_layout_of_one_file() -> None:
    res = result(
        [
            finding("GOV-RES-002", "fallback outside EU", line=14, column=5),
            finding("GOV-PRM-004", "temperature 0.7", severity="warning", line=9, column=16),
        ],
        CATALOG,
        artifacts=1,
    )
    assert text.render(res) == (
        "registry/deployments/app.yaml\n"
        "  9:16  warning  GOV-PRM-004  temperature 0.7\n"
        "                              fix: Lower temperature to 0.3 or less.\n"
        "  14:5  error    GOV-RES-002  fallback outside EU\n"
        "                              fix: Use a fallback hosted in an allowed region.\n"
        "\n"
        "rule         severity  count  waived  title\n"
        "GOV-RES-002  error         1       0  Fallback model outside allowed residency\n"
        "GOV-PRM-004  warning       1       0  High-risk prompt with high temperature\n"
        "\n"
        "1 artifact checked: 1 error, 1 warning, 0 infos, 0 waived · "
        "engine embedded (regopy 1.5.2) · FAIL (fail-on error)\n"
    )


def test_grouped_by_file_in_result_order_with_unlocated_last() -> None:
    out = text.render(edge_result()).split("\n\nrule ")[0]
    headers = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert headers == [
        "prompts/support-reply/1.4.0.yaml",
        "registry/bad.yaml",
        "registry/deployments/app.yaml",
        "registry/dir with space/b,c:d%.yaml",
        "(no file)",
    ]


def test_every_finding_shows_position_severity_rule_and_message() -> None:
    lines = text.render(edge_result()).splitlines()
    assert "  12:16  warning  GOV-PRM-004  modèle 日本語 — ✓ \\u202eevil\\x1b[31mred\\x00" in lines
    assert any(
        line.startswith("  -  error    GOV-REG-001  file is not valid UTF-8") for line in lines
    )
    assert any(
        "20:9  warning  CUSTOM-001   conftest-style string finding" in line for line in lines
    )


def test_unlocated_finding_names_its_artifact_and_path() -> None:
    out = text.render(edge_result())
    block = out.split("(no file)\n", 1)[1]
    assert "GOV-REG-002  reference 'gpt-9@x' does not resolve" in block
    assert "at Deployment/ghost spec.model" in block


def test_remediation_comes_from_the_rule_catalog() -> None:
    out = text.render(edge_result())
    assert "fix: Use a fallback hosted in an allowed region." in out
    # GOV-DAT-001 has no remediation and CUSTOM-001 no metadata at all: no empty fix lines.
    assert out.count("fix:") == 5 and "fix: \n" not in out


def test_waived_finding_is_marked_with_its_waiver() -> None:
    out = text.render(edge_result())
    assert "  3:1   waived   GOV-EVL-002  no passing EvalRun for this prompt digest" in out
    assert "waived by Waiver/eval-migration (error)" in out
    assert ", 1 waived ·" in out


def test_multiline_message_continues_under_the_message_column() -> None:
    lines = text.render(edge_result()).splitlines()
    first = next(i for i, line in enumerate(lines) if "GOV-RES-002" in line)
    column = lines[first].index("value")
    assert lines[first + 1] == " " * column + "see: docs & <b>bold</b> `code` *star* _u_ [l](u)"


def test_plain_by_default_and_hostile_control_characters_are_neutralised() -> None:
    out = text.render(edge_result())
    assert "\x1b" not in out and "\x00" not in out and "\u202e" not in out
    assert "\\x1b[31mred" in out


def test_colour_only_when_asked() -> None:
    res = edge_result()
    coloured = text.render(res, color=True)
    assert "\x1b[31merror" in coloured and "\x1b[33mwarning" in coloured
    assert "\x1b[1;31mFAIL (fail-on error)\x1b[0m" in coloured
    # stripping the ANSI sequences gives back the plain rendering
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == text.render(res)


def test_verdict_follows_fail_on() -> None:
    warn_only = [finding("GOV-PRM-004", "hot", severity="warning")]
    assert "PASS (fail-on error)" in text.render(result(warn_only, CATALOG, fail_on="error"))
    assert "FAIL (fail-on warning)" in text.render(result(warn_only, CATALOG, fail_on="warning"))
    errors = [finding("GOV-RES-002", "bad")]
    assert "PASS (fail-on never)" in text.render(result(errors, CATALOG, fail_on="never"))
    waived = [finding("GOV-RES-002", "bad", waiver="Waiver/w")]
    assert "PASS (fail-on warning)" in text.render(result(waived, CATALOG, fail_on="warning"))


def test_engine_without_version() -> None:
    out = text.render(result([], [rule("X-1")], engine="opa", engine_version=""))
    assert "· engine opa · PASS" in out


def test_printable_helper() -> None:
    assert text.printable("a\r\nb\rc\td\x07\u2066") == "a\nb\nc\td\\x07\\u2066"
    assert text.printable("\ud800") == "\\ud800"
    assert text.one_line(" a \n b\t c ") == "a b c"
