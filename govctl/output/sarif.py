"""The ``sarif`` format: SARIF 2.1.0 for GitHub code scanning (docs/spec.md §7).

One run; ``tool.driver.rules`` holds one reportingDescriptor per catalog rule (plus any rule id a
finding carries that the catalog lacks), sorted by id, and each result points at its rule by
``ruleId`` and ``ruleIndex``. Shaped to what GitHub's ingestion requires, not only to the schema:

- every result has a message text, exactly one location with ``physicalLocation.artifactLocation
  .uri`` (repo-relative, percent-encoded, ``uriBaseId: %SRCROOT%``) and a region with
  ``startLine`` — GitHub rejects the whole file ("locationFromSarifResult: expected at least one
  location") otherwise. A finding without a file is anchored at ``govctl.yaml`` line 1 (the
  repository's configuration), and its identity and field path are added to the message;
- every reportingDescriptor has non-empty ``shortDescription``, ``fullDescription`` and
  ``help.text``; at most 20 tags (GitHub's hard limit); ``security-severity`` only next to the
  ``security`` tag, which GitHub requires for it to count;
- ``partialFingerprints`` carries govctl's stable fingerprint (rule, identity, field path: stable
  across line moves) as ``govctl/v1`` and as ``primaryLocationLineHash`` with an occurrence
  counter (``<fingerprint>:<n>``), so GitHub matches alerts across runs instead of hashing lines,
  and two findings sharing a fingerprint stay two alerts;
- waived findings carry ``suppressions`` (kind ``external``, status ``accepted``);
- tools beyond GitHub: ``informationUri`` (the project's repository, from the package metadata),
  a ``helpUri`` per built-in rule pointing at its row of docs/spec.md §4 (an anchor per rule id,
  at the tag of this version), ``problem.severity`` for the rules that are not security rules
  (GitHub reads ``security-severity`` for those), ``originalUriBaseIds`` describing
  ``%SRCROOT%`` (the repository root; no absolute path, so output stays the same on every
  machine), ``automationDetails.id`` ``govctl/`` (the category), PascalCase rule ``name``s.
Output is byte-identical for the same result: no clock, no absolute paths, fixed key order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib import metadata
from typing import Any, NotRequired, TypedDict
from urllib.parse import quote

from govctl import DISTRIBUTION
from govctl.check import CheckResult
from govctl.findings import Finding
from govctl.rules import RuleMeta

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
REPOSITORY_ANCHOR = "govctl.yaml"  # where findings without a file are shown
MAX_TAGS = 20  # GitHub rejects a rule with more tags
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# GitHub maps security-severity to critical (≥9), high (7–8.9), medium (4–6.9), low (<4).
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "info": "2.0"}
SECURITY_COMPONENT = "security"
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}
ARTICLES = frozenset({"a", "an", "the"})
BUILTIN_RULE = re.compile(r"GOV-[A-Z]{3}-\d{3}")
AUTOMATION_ID = "govctl/"  # category "govctl", no run id: alerts of one category across runs


class Text(TypedDict):
    text: str


class Markdown(TypedDict):
    text: str
    markdown: str


class Configuration(TypedDict):
    level: str


class Descriptor(TypedDict):
    id: str
    name: str
    shortDescription: Text
    fullDescription: Text
    helpUri: NotRequired[str]
    help: Markdown
    defaultConfiguration: Configuration
    properties: dict[str, Any]


class Region(TypedDict, total=False):
    startLine: int
    startColumn: int


class ArtifactLocation(TypedDict):
    uri: str
    uriBaseId: str


class PhysicalLocation(TypedDict):
    artifactLocation: ArtifactLocation
    region: Region


class Location(TypedDict):
    physicalLocation: PhysicalLocation


class Suppression(TypedDict):
    kind: str
    status: str
    justification: str
    properties: dict[str, str]


class Result(TypedDict, total=False):
    ruleId: str
    ruleIndex: int
    level: str
    message: Text
    locations: list[Location]
    partialFingerprints: dict[str, str]
    suppressions: list[Suppression]
    properties: dict[str, Any]


SarifLog = TypedDict("SarifLog", {"$schema": str, "version": str, "runs": list[dict[str, Any]]})


def _project_urls() -> dict[str, str]:
    """``Project-URL`` entries of the installed package, by lower-case label."""
    try:
        meta = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return {}
    urls: dict[str, str] = {}
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = str(entry).partition(",")
        if url.strip():
            urls.setdefault(label.strip().lower(), url.strip())
    return urls


def information_uri() -> str | None:
    """The project's home page from the installed package metadata, when it declares one."""
    urls = _project_urls()
    for label in ("homepage", "home", "repository", "source"):
        if label in urls:
            return urls[label]
    return None


def help_uri(rule_id: str, version: str, repository: str | None) -> str | None:
    """The rule's row in docs/spec.md §4, at this version's tag (built-in rules only)."""
    if repository is None or not BUILTIN_RULE.fullmatch(rule_id):
        return None
    ref = f"v{version}" if re.fullmatch(r"\d+(\.\d+)*", version) else "main"
    return f"{repository.rstrip('/')}/blob/{ref}/docs/spec.md#{rule_id.lower()}"


def artifact_uri(path: str) -> str:
    """A repo-relative POSIX path as a relative URI reference (RFC 3986, percent-encoded)."""
    return quote(path, safe="/")


def rule_name(meta: RuleMeta | None, rule_id: str) -> str:
    """A readable identifier for the rule: its title in PascalCase (``ModelNotDeprecated``).

    Strict PascalCase, as the SARIF multitool checks it (SARIF2012): no two capitals in a row,
    so articles are dropped ("has a budget" → ``HasBudget``) and acronyms capitalised once
    (``PII`` → ``Pii``).
    """
    words = re.findall(r"[A-Za-z0-9]+", meta.title if meta else "")
    words = [w for w in words if w.lower() not in ARTICLES]
    name = "".join(w[:1].upper() + (w[1:].lower() if w.isupper() else w[1:]) for w in words)
    return name if name and name != rule_id else re.sub(r"[^A-Za-z0-9]", "", rule_id)


def _tags(meta: RuleMeta) -> list[str]:
    tags = [SECURITY_COMPONENT] if meta.component == SECURITY_COMPONENT else []
    tags += [t for t in (meta.component, meta.stage, *meta.controls) if t]
    return list(dict.fromkeys(tags))[:MAX_TAGS]


def _help(meta: RuleMeta) -> Markdown:
    fix = meta.remediation.strip()
    text = fix or f"No remediation is recorded for {meta.id}; see the policy at {meta.source}."
    lines = [f"**{meta.title or meta.id}**", ""]
    if meta.description.strip() and meta.description.strip() != meta.title.strip():
        lines += [meta.description.strip(), ""]
    lines += [f"**Remediation:** {text}", ""]
    lines.append(
        f"Component: `{meta.component or '-'}` · stage: `{meta.stage or '-'}` · "
        f"waivable: {'yes' if meta.waivable else 'no'}"
    )
    if meta.controls:
        lines += ["", "Controls: " + ", ".join(f"`{c}`" for c in meta.controls)]
    lines += ["", f"Policy: `{meta.source}`"]
    return {"text": text, "markdown": "\n".join(lines)}


def _properties(meta: RuleMeta) -> dict[str, Any]:
    props: dict[str, Any] = {"tags": _tags(meta), "precision": "very-high"}
    if meta.component == SECURITY_COMPONENT:
        props["security-severity"] = SECURITY_SEVERITY.get(meta.severity, "5.0")
    else:
        props["problem.severity"] = PROBLEM_SEVERITY.get(meta.severity, "warning")
    props.update(
        component=meta.component,
        stage=meta.stage,
        waivable=meta.waivable,
        controls=list(meta.controls),
        policy=meta.source,
    )
    return props


def _unknown_rule(rule_id: str, severity: str) -> RuleMeta:
    """Metadata for a rule id a finding carries but the catalog lacks (no # METADATA)."""
    return RuleMeta(
        id=rule_id,
        title=rule_id,
        description="",
        severity=severity,
        component="",
        stage="",
        waivable=False,
        controls=(),
        remediation="",
        kinds=(),
        source="(no # METADATA)",
        package=None,
    )


def descriptor(meta: RuleMeta, help_link: str | None = None) -> Descriptor:
    title = meta.title.strip() or meta.id
    out: Descriptor = {
        "id": meta.id,
        "name": rule_name(meta, meta.id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": meta.description.strip() or title},
        "help": _help(meta),
        "defaultConfiguration": {"level": LEVELS.get(meta.severity, "warning")},
        "properties": _properties(meta),
    }
    if help_link:
        out["helpUri"] = help_link
    return out


def rule_table(result: CheckResult) -> list[RuleMeta]:
    rules: dict[str, RuleMeta] = dict(result.rules)
    for finding in result.findings:
        rules.setdefault(finding.rule, _unknown_rule(finding.rule, finding.severity))
    return [rules[rule_id] for rule_id in sorted(rules)]


def _location(finding: Finding) -> Location:
    region: Region = {"startLine": finding.line or 1}
    if finding.line is not None and finding.column is not None:
        region["startColumn"] = finding.column
    uri = artifact_uri(finding.file) if finding.file is not None else REPOSITORY_ANCHOR
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": uri, "uriBaseId": SRCROOT},
            "region": region,
        }
    }


def _message(finding: Finding, meta: RuleMeta) -> str:
    text = finding.message if finding.message.strip() else (meta.title or finding.rule)
    if finding.file is None:
        where = " ".join(x for x in (finding.ref, finding.path) if x)
        text = f"{text} ({where or 'repository'})"
    return text


def _result(finding: Finding, index: int, meta: RuleMeta, occurrence: int) -> Result:
    out: Result = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": _message(finding, meta)},
        "locations": [_location(finding)],
        "partialFingerprints": {
            "govctl/v1": finding.fingerprint,
            "primaryLocationLineHash": f"{finding.fingerprint}:{occurrence}",
        },
    }
    if finding.waived:
        out["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"Waived by {finding.waiver}",
                "properties": {"waiver": finding.waiver or ""},
            }
        ]
    out["properties"] = {
        "ref": finding.ref,
        "path": finding.path,
        "severity": finding.severity,
        "controls": list(finding.controls),
    }
    return out


def _results(result: CheckResult, rules: list[RuleMeta]) -> list[Result]:
    index = {meta.id: i for i, meta in enumerate(rules)}
    seen: dict[str, int] = {}
    out = []
    for finding in result.findings:
        seen[finding.fingerprint] = seen.get(finding.fingerprint, 0) + 1
        i = index[finding.rule]
        out.append(_result(finding, i, rules[i], seen[finding.fingerprint]))
    return out


def _driver(result: CheckResult, rules: list[RuleMeta]) -> dict[str, Any]:
    driver: dict[str, Any] = {
        "name": "govctl",
        "version": result.govctl_version,
        "semanticVersion": result.govctl_version,
    }
    uri = information_uri()
    if uri:
        driver["informationUri"] = uri
    repository = _project_urls().get("repository", uri)
    driver["rules"] = [
        descriptor(meta, help_uri(meta.id, result.govctl_version, repository)) for meta in rules
    ]
    return driver


def _run_properties(result: CheckResult) -> Mapping[str, Any]:
    return {
        "now": result.now,
        "registryDigest": result.registry_digest,
        "policyDigest": result.policy_digest,
        "engine": {"name": result.engine, "version": result.engine_version},
        "failOn": result.fail_on,
        "summary": result.summary.as_json(),
    }


def to_sarif(result: CheckResult) -> SarifLog:
    rules = rule_table(result)
    run: dict[str, Any] = {
        "tool": {"driver": _driver(result, rules)},
        "automationDetails": {"id": AUTOMATION_ID},
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {
                    "text": "The root of the governance repository (the folder of govctl.yaml)."
                }
            }
        },
        "invocations": [{"executionSuccessful": True, "exitCode": result.exit_code}],
        "columnKind": "unicodeCodePoints",
        "results": _results(result, rules),
        "properties": dict(_run_properties(result)),
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render(result: CheckResult) -> str:
    return json.dumps(to_sarif(result), indent=2, ensure_ascii=False) + "\n"
