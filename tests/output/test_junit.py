"""The ``junit`` renderer: parses, validates against the Jenkins JUnit XSD, counts add up, and the
outcome of every testcase mirrors the exit code under --fail-on."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from govctl.output import junit
from tests.output.builders import CATALOG, edge_result, finding, result

XSD = Path(__file__).resolve().parent.parent / "data" / "junit-10.xsd"


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def cases(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {(c.get("classname", ""), c.get("name", "")): c for c in root.iter("testcase")}


def assert_counts(root: ET.Element) -> None:
    suite = root.find("testsuite")
    assert suite is not None
    testcases = list(suite.iter("testcase"))
    failures = sum(c.find("failure") is not None for c in testcases)
    skipped = sum(c.find("skipped") is not None for c in testcases)
    for node in (root, suite):
        assert node.get("tests") == str(len(testcases))
        assert node.get("failures") == str(failures)
        assert node.get("errors") == "0"
    assert suite.get("skipped") == str(skipped)


@pytest.mark.parametrize("fail_on", ["error", "warning", "never"])
def test_parses_and_counts_add_up(fail_on: str) -> None:
    root = parse(junit.render(edge_result(fail_on)))
    assert root.tag == "testsuites"
    assert_counts(root)


def test_validates_against_the_jenkins_junit_xsd() -> None:
    xmlschema = pytest.importorskip("xmlschema", reason="dev dependency xmlschema not installed")
    schema = xmlschema.XMLSchema(str(XSD))
    for res in (edge_result("error"), edge_result("warning"), result([], CATALOG), result([], [])):
        schema.validate(junit.render(res))
    # and the schema is not a rubber stamp: an attribute it does not declare is rejected
    broken = junit.render(edge_result()).replace('<testsuites name=', '<testsuites skipped="1" name=')
    assert not schema.is_valid(broken)


def test_one_testcase_per_rule_and_artifact_then_passing_rules() -> None:
    all_cases = list(parse(junit.render(edge_result())).iter("testcase"))
    keys = [(c.get("classname"), c.get("name")) for c in all_cases]
    assert keys[:7] == [
        ("GOV-PRM-004", "Prompt/support-reply@1.4.0"),
        ("GOV-REG-001", "registry/bad.yaml"),
        ("GOV-EVL-002", "Deployment/app-prod"),
        ("GOV-RES-002", "Deployment/app-prod"),
        ("CUSTOM-001", "Deployment/app-prod"),
        ("GOV-DAT-001", "Deployment/app-prod"),
        ("GOV-REG-002", "Deployment/ghost"),
    ]
    assert keys[7:] == [("GOV-OBS-001", "all artifacts")]


def test_findings_of_one_rule_on_one_artifact_share_a_testcase() -> None:
    res = result(
        [
            finding("GOV-RES-002", "primary outside", path="spec.model", line=5),
            finding("GOV-RES-002", "fallback outside", path="spec.fallbacks[0]", line=9),
        ],
        CATALOG,
    )
    case = cases(parse(junit.render(res)))[("GOV-RES-002", "Deployment/app-prod")]
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "2 findings; first: registry/deployments/app.yaml:5:3: primary outside"
    assert "primary outside" in (failure.text or "") and "fallback outside" in (failure.text or "")


def test_errors_fail_warnings_go_to_system_out_under_fail_on_error() -> None:
    found = cases(parse(junit.render(edge_result("error"))))
    failure = found[("GOV-RES-002", "Deployment/app-prod")].find("failure")
    assert failure is not None and failure.get("type") == "error"
    assert failure.get("message", "").startswith("registry/deployments/app.yaml:14:5: value \"x|y\"")
    assert "fix: Use a fallback hosted in an allowed region." in (failure.text or "")
    warning = found[("GOV-PRM-004", "Prompt/support-reply@1.4.0")]
    assert warning.find("failure") is None
    out = warning.find("system-out")
    assert out is not None and "warning GOV-PRM-004" in (out.text or "")


def test_warnings_fail_under_fail_on_warning_and_nothing_under_never() -> None:
    warn = cases(parse(junit.render(edge_result("warning"))))
    assert warn[("GOV-PRM-004", "Prompt/support-reply@1.4.0")].find("failure") is not None
    assert warn[("GOV-DAT-001", "Deployment/app-prod")].find("failure") is None
    never = parse(junit.render(edge_result("never")))
    assert not list(never.iter("failure"))


@pytest.mark.parametrize("fail_on", ["error", "warning", "never"])
def test_failures_exactly_when_the_exit_code_is_one(fail_on: str) -> None:
    for res in (edge_result(fail_on),
                result([finding("GOV-PRM-004", "w", severity="warning")], CATALOG, fail_on=fail_on)):
        root = parse(junit.render(res))
        assert (root.get("failures") != "0") == (res.exit_code == 1)


def test_waived_findings_are_skipped_with_their_waiver() -> None:
    case = cases(parse(junit.render(edge_result())))[("GOV-EVL-002", "Deployment/app-prod")]
    skipped = case.find("skipped")
    assert skipped is not None and skipped.get("message") == "waived by Waiver/eval-migration"
    assert case.find("failure") is None


def test_suite_properties_and_summary() -> None:
    suite = parse(junit.render(edge_result())).find("testsuite")
    assert suite is not None
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["failOn"] == "error" and props["engine"] == "embedded"
    assert props["now"] == "2026-11-22T00:00:00+00:00" and props["artifacts"] == "5"
    assert suite.get("timestamp") == "2026-11-22T00:00:00"
    out = suite.find("system-out")
    assert out is not None and "FAIL (fail-on error)" in (out.text or "")


def test_hostile_characters_keep_the_xml_well_formed() -> None:
    nasty = "ctl \x00\x01\x0b\x1b[2J & <tag attr=\"q\"> ' \ufffe \ud800 | % \r\nnext"
    res = result([finding("GOV-RES-002", nasty, ref="Deployment/a&b<c>")], CATALOG)
    text = junit.render(res)
    text.encode("utf-8")  # no lone surrogate survives
    case = cases(parse(text))[("GOV-RES-002", "Deployment/a&b<c>")]
    failure = case.find("failure")
    assert failure is not None
    assert "\\x00\\x01\\x0b\\x1b[2J & <tag attr=\"q\"> ' \\ufffe \\ud800 | %" in (failure.text or "")
    assert "\n" not in failure.get("message", "")


def test_no_findings_gives_one_passing_case_per_catalog_rule() -> None:
    root = parse(junit.render(result([], CATALOG)))
    assert [c.get("classname") for c in root.iter("testcase")] == sorted(r.id for r in CATALOG)
    assert root.get("failures") == "0"


def test_deterministic() -> None:
    assert junit.render(edge_result()) == junit.render(edge_result())
