"""The ``github`` renderer: workflow commands escaped per the Actions toolkit, one per finding."""

from __future__ import annotations

import re

import pytest

from govctl.output import github
from tests.output.builders import CATALOG, HOSTILE, edge_result, finding, result

COMMAND = re.compile(r"^::(?P<name>[a-z]+)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def unescape_data(text: str) -> str:
    # what the runner does (ActionCommand.cs): %0D, %0A, then %25 last
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """Parse one workflow command line the way the runner does."""
    match = COMMAND.match(line)
    assert match, line
    props = {}
    for pair in (match["props"] or "").split(","):
        if pair:
            key, _, value = pair.partition("=")
            props[key] = unescape_property(value)
    return match["name"], props, unescape_data(match["data"])


def by_rule(text: str) -> dict[str, tuple[str, dict[str, str], str]]:
    commands = [parse(line) for line in text.splitlines() if line.startswith("::")]
    return {props["title"].split()[0]: (name, props, data) for name, props, data in commands}


@pytest.mark.parametrize("text", [HOSTILE, "100%0A literal", "a\r\nb", "::error::x", "%%25", ""])
def test_escaping_round_trips_through_the_runner(text: str) -> None:
    data = github.escape_data(text)
    prop = github.escape_property(text)
    assert "\n" not in data and "\r" not in data
    assert not {":", ",", "\n", "\r"} & set(prop)
    assert unescape_data(data) == text
    assert unescape_property(prop) == text


def test_escaping_matches_the_toolkit_rules() -> None:
    assert github.escape_data("50% a:b,c\r\nd") == "50%25 a:b,c%0D%0Ad"
    assert github.escape_property("50% a:b,c\r\nd") == "50%25 a%3Ab%2Cc%0D%0Ad"


def test_one_command_per_finding_in_order_then_a_plain_summary() -> None:
    res = edge_result()
    lines = github.render(res).splitlines()
    assert len(lines) == len(res.findings) + 1
    parsed = [parse(line) for line in lines[:-1]]
    assert [p[1]["title"].split()[0] for p in parsed] == [f.rule for f in res.findings]
    assert not lines[-1].startswith("::")
    assert lines[-1] == (
        "govctl: 5 artifacts checked: 3 errors, 2 warnings, 1 info, 1 waived · "
        "engine embedded (regopy 1.5.2) · FAIL (fail-on error)"
    )


def test_severity_maps_to_error_warning_notice_and_waived_to_notice() -> None:
    parsed = by_rule(github.render(edge_result()))
    assert parsed["GOV-RES-002"][0] == "error"
    assert parsed["GOV-PRM-004"][0] == "warning"
    assert parsed["GOV-DAT-001"][0] == "notice"
    name, props, _ = parsed["GOV-EVL-002"]
    assert name == "notice"
    assert props["title"] == "GOV-EVL-002 No passing EvalRun (waived by Waiver/eval-migration)"


def test_location_properties_survive_special_characters() -> None:
    parsed = by_rule(github.render(edge_result()))
    _, props, _ = parsed["GOV-DAT-001"]
    assert props == {
        "file": "registry/dir with space/b,c:d%.yaml",
        "line": "1",
        "col": "1",
        "title": "GOV-DAT-001 Retrieval refresh cadence",
    }
    assert set(parsed["GOV-REG-001"][1]) == {"file", "title"}  # file-level: no line
    assert set(parsed["GOV-REG-002"][1]) == {"title"}  # no file: a job-level annotation


def test_message_is_recovered_intact_with_its_remediation() -> None:
    parsed = by_rule(github.render(edge_result()))
    assert parsed["GOV-RES-002"][2] == HOSTILE + "\nFix: Use a fallback hosted in an allowed region."
    assert parsed["GOV-REG-002"][2].startswith(
        "reference 'gpt-9@x' does not resolve (at Deployment/ghost spec.model)\nFix: "
    )
    assert parsed["GOV-PRM-004"][2].startswith("modèle 日本語 — ✓ \\u202eevil\\x1b[31mred\\x00")


def test_a_message_cannot_inject_a_second_command() -> None:
    res = result([finding("GOV-RES-002", "ok\n::add-mask::secret\r\n::error::fake")], CATALOG)
    lines = github.render(res).splitlines()
    assert len(lines) == 2 and sum(line.startswith("::") for line in lines) == 1


def test_no_findings_is_only_the_summary() -> None:
    assert github.render(result([], CATALOG)).splitlines() == [
        "govctl: 5 artifacts checked: 0 errors, 0 warnings, 0 infos, 0 waived · "
        "engine embedded (regopy 1.5.2) · PASS (fail-on error)"
    ]


def test_deterministic() -> None:
    assert github.render(edge_result()) == github.render(edge_result())
