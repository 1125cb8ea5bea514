"""The ``junit`` format: JUnit XML for CI test-report views (Jenkins, GitLab, test-report actions).

One ``<testsuite name="govctl check">`` inside ``<testsuites>``, holding one ``<testcase>`` per
rule and artifact (docs/spec.md §7), ``classname`` = rule id, ``name`` = artifact identity (or the
file, for findings without one):

- one testcase per finding, in the order the result gives them. When a rule has several findings
  on one artifact, each is its own testcase, named ``<identity> <field path>`` (``#2``, ``#3``...
  if even that repeats), so a CI view counts and shows every problem;
- then one passing testcase per rule and artifact the rule applies to (its ``kinds``, or every
  kind) without a finding of it, in rule-id then identity order. A result without its registry
  (built in memory) has one passing testcase per rule without findings (``name="all
  artifacts"``) instead.

Why rule id as classname: CI views group by classname and split it at dots into packages; rule
ids have no dots while identities do (``support-reply@1.4.0``), and grouping by rule reads as
"which control fails, and where".

Outcome of a testcase mirrors the exit code: it has a ``<failure>`` exactly when one of its
findings fails the run under ``--fail-on`` (so warnings fail only with ``--fail-on warning``, and
nothing fails with ``never``). A testcase whose findings are all waived is ``<skipped>`` with the
waiver. Findings below the bar leave the testcase passing and are listed in its
``<system-out>``, where CI views show them without failing the build. Errors (``<error>``: the
test could not run) never occur — an engine failure produces no result at all (exit 3).

The document validates against the Jenkins xunit-plugin JUnit schema (junit-10.xsd); times are
0 and there is no hostname, so the same result always renders the same bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from govctl.check import CheckResult
from govctl.findings import Finding
from govctl.output.text import failing, location, one_line, printable, remediation, summary_line

SUITE_NAME = "govctl check"
ALL_ARTIFACTS = "all artifacts"
MESSAGE_LIMIT = 500  # characters in a failure/skipped ``message`` attribute


@dataclass
class TestCase:
    __test__ = False  # not a pytest test class, despite the name

    rule: str
    subject: str
    findings: list[Finding] = field(default_factory=list)


def _subject(finding: Finding) -> str:
    return finding.ref or finding.file or "(repository)"


def _finding_cases(findings: Iterable[Finding]) -> list[TestCase]:
    findings = list(findings)
    per_pair = Counter((f.rule, _subject(f)) for f in findings)
    names: Counter[tuple[str, str]] = Counter()
    cases = []
    for finding in findings:
        subject = _subject(finding)
        name = subject
        if per_pair[(finding.rule, subject)] > 1:
            name = f"{subject} {finding.path}".rstrip()
        names[(finding.rule, name)] += 1
        if names[(finding.rule, name)] > 1:
            name = f"{name} #{names[(finding.rule, name)]}"
        cases.append(TestCase(finding.rule, name, [finding]))
    return cases


def _passing_cases(result: CheckResult, failed: set[tuple[str, str]]) -> list[TestCase]:
    if result.registry is None:
        covered = {rule for rule, _ in failed}
        return [TestCase(r, ALL_ARTIFACTS) for r in sorted(result.rules) if r not in covered]
    artifacts = sorted((a.identity, a.kind) for a in result.registry)
    return [
        TestCase(rule_id, identity)
        for rule_id in sorted(result.rules)
        for identity, kind in artifacts
        if (not result.rules[rule_id].kinds or kind in result.rules[rule_id].kinds)
        and (rule_id, identity) not in failed
    ]


def group_cases(result: CheckResult) -> list[TestCase]:
    with_findings = _finding_cases(result.findings)
    failed = {(f.rule, _subject(f)) for f in result.findings}
    return [*with_findings, *_passing_cases(result, failed)]


def _finding_text(result: CheckResult, finding: Finding) -> str:
    lines = [f"{location(finding)}: {finding.severity} {finding.rule}: {finding.message}"]
    if finding.path:
        lines.append(f"  path: {finding.ref + ' ' if finding.ref else ''}{finding.path}")
    if finding.waived:
        lines.append(f"  waived by {finding.waiver}")
    fix = remediation(result, finding.rule)
    if fix:
        lines.append(f"  fix: {fix}")
    return printable("\n".join(lines))


def _body(result: CheckResult, findings: Iterable[Finding]) -> str:
    return "\n".join(_finding_text(result, f) for f in findings) + "\n"


def _short(text: str) -> str:
    text = one_line(text)
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


def _outcome(result: CheckResult, case: TestCase, element: ET.Element) -> str:
    """Fill the testcase element; return its outcome: failed, skipped or passed."""
    if not case.findings:
        return "passed"
    failed = [f for f in case.findings if failing(f, result.fail_on)]
    if failed:
        first = failed[0]
        message = f"{location(first)}: {first.message}"
        node = ET.SubElement(
            element, "failure", {"type": first.severity, "message": _short(message)}
        )
        node.text = _body(result, case.findings)
        return "failed"
    if all(f.waived for f in case.findings):
        waivers = ", ".join(dict.fromkeys(str(f.waiver) for f in case.findings))
        node = ET.SubElement(element, "skipped", {"message": _short(f"waived by {waivers}")})
        node.text = _body(result, case.findings)
        return "skipped"
    ET.SubElement(element, "system-out").text = _body(result, case.findings)
    return "passed"


def _properties(result: CheckResult) -> ET.Element:
    props = ET.Element("properties")
    for name, value in (
        ("govctl.version", result.govctl_version),
        ("engine", result.engine),
        ("engine.version", result.engine_version),
        ("now", result.now),
        ("registryDigest", result.registry_digest),
        ("policyDigest", result.policy_digest),
        ("failOn", result.fail_on),
        ("artifacts", str(result.summary.artifacts)),
    ):
        ET.SubElement(props, "property", {"name": name, "value": value})
    return props


def to_xml(result: CheckResult) -> ET.Element:
    cases = []
    outcomes = []
    for case in group_cases(result):
        element = ET.Element(
            "testcase",
            {"classname": printable(case.rule), "name": one_line(case.subject), "time": "0"},
        )
        outcomes.append(_outcome(result, case, element))
        cases.append(element)
    counts = {
        "tests": str(len(cases)),
        "failures": str(outcomes.count("failed")),
        "errors": "0",
    }
    root = ET.Element("testsuites", {"name": SUITE_NAME, **counts, "time": "0"})
    suite = ET.SubElement(
        root,
        "testsuite",
        {
            "name": SUITE_NAME,
            **counts,
            "skipped": str(outcomes.count("skipped")),
            "time": "0",
            "timestamp": result.now[:19],
        },
    )
    suite.append(_properties(result))
    suite.extend(cases)
    ET.SubElement(suite, "system-out").text = summary_line(result) + "\n"
    return root


def render(result: CheckResult) -> str:
    root = to_xml(result)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
