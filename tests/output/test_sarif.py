"""The ``sarif`` renderer: valid against the official SARIF 2.1.0 schema, and within what GitHub
code scanning accepts (its documented limits and the checks its ingestion is known to apply)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from govctl.output import sarif
from tests.output.builders import CATALOG, HOSTILE, edge_result, finding, result, rule

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "sarif-schema-2.1.0.json"
# RFC 3986 relative-ref made of path characters only (no scheme, no authority, no query).
RELATIVE_URI = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=@/]|%[0-9A-F]{2})+$")


@cache
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def schema_errors(doc: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(doc)]


def github_violations(doc: dict[str, Any]) -> list[str]:
    """GitHub code scanning's SARIF requirements (docs: "SARIF support for code scanning" and
    "SARIF results exceed limits"; the upload fails on results without a location)."""
    bad: list[str] = []
    if not doc.get("$schema", "").endswith("sarif-schema-2.1.0.json"):
        bad.append("$schema must name the final 2.1.0 schema")
    if len(doc["runs"]) > 20:
        bad.append("more than 20 runs")
    for run in doc["runs"]:
        rules = run["tool"]["driver"]["rules"]
        if len(rules) > 25_000 or len(run["results"]) > 25_000:
            bad.append("more than 25,000 rules or results in a run")
        ids = [r["id"] for r in rules]
        if len(ids) != len(set(ids)):
            bad.append("duplicate rule ids")
        for r in rules:
            for key in ("shortDescription", "fullDescription", "help"):
                if not r.get(key, {}).get("text", "").strip():
                    bad.append(f"{r['id']}: {key}.text missing")
            tags = r.get("properties", {}).get("tags", [])
            if len(tags) > 20 or len(tags) != len(set(tags)):
                bad.append(f"{r['id']}: tags over 20 or repeated")
            sev = r.get("properties", {}).get("security-severity")
            if sev is not None and ("security" not in tags or not 0.0 <= float(sev) <= 10.0):
                bad.append(f"{r['id']}: security-severity without the security tag or out of range")
        for i, res in enumerate(run["results"]):
            if not res.get("message", {}).get("text", "").strip():
                bad.append(f"result {i}: no message text")
            if rules[res["ruleIndex"]]["id"] != res["ruleId"]:
                bad.append(f"result {i}: ruleIndex does not point at ruleId")
            if not res.get("partialFingerprints"):
                bad.append(f"result {i}: no partialFingerprints")
            locations = res.get("locations") or []
            if not 1 <= len(locations) <= 1000:
                bad.append(f"result {i}: expected at least one location")
            for loc in locations:
                phys = loc.get("physicalLocation", {})
                uri = phys.get("artifactLocation", {}).get("uri", "")
                if not RELATIVE_URI.match(uri) or uri.startswith("/") or ":" in uri.split("/")[0]:
                    bad.append(f"result {i}: {uri!r} is not a relative URI reference")
                if phys.get("region", {}).get("startLine", 0) < 1:
                    bad.append(f"result {i}: region.startLine missing")
    return bad


def render_json(res: Any) -> dict[str, Any]:
    return json.loads(sarif.render(res))


def test_the_stored_schema_is_the_sarif_2_1_0_schema() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    assert len(schema["definitions"]) == 52


def test_the_validator_rejects_broken_sarif() -> None:
    doc = render_json(edge_result())
    doc["runs"][0]["results"][0]["level"] = "fatal"
    doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    del doc["runs"][0]["tool"]["driver"]["name"]
    assert len(schema_errors(doc)) == 3


@pytest.mark.parametrize("res", [edge_result(), result([], CATALOG), result([], [])],
                         ids=["edge", "empty", "no-rules"])
def test_schema_valid_and_github_compliant(res: Any) -> None:
    doc = render_json(res)
    assert schema_errors(doc) == []
    assert github_violations(doc) == []


def test_one_run_with_driver_and_one_descriptor_per_rule_sorted() -> None:
    doc = render_json(edge_result())
    assert doc["version"] == "2.1.0" and len(doc["runs"]) == 1
    driver = doc["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("govctl", "0.1.0")
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted({r.id for r in CATALOG} | {"CUSTOM-001"})


def test_descriptor_fields() -> None:
    doc = render_json(edge_result())
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    res = rules["GOV-RES-002"]
    assert res["name"] == "FallbackModelOutsideAllowedResidency"
    assert res["shortDescription"]["text"] == "Fallback model outside allowed residency"
    assert res["help"]["text"] == "Use a fallback hosted in an allowed region."
    assert "`EU-AI-ACT:Art.10`" in res["help"]["markdown"]
    assert res["defaultConfiguration"]["level"] == "error"
    props = res["properties"]
    assert props["tags"] == ["security", "baseline", "EU-AI-ACT:Art.10", "ISO-42001:A.7.4"]
    assert props["security-severity"] == "8.0"
    assert props["controls"] == ["EU-AI-ACT:Art.10", "ISO-42001:A.7.4"]
    assert rules["GOV-PRM-004"]["defaultConfiguration"]["level"] == "warning"
    assert rules["GOV-DAT-001"]["defaultConfiguration"]["level"] == "note"
    assert "security-severity" not in rules["GOV-PRM-004"]["properties"]
    # a rule id without metadata still gets a complete descriptor
    assert rules["CUSTOM-001"]["shortDescription"]["text"] == "CUSTOM-001"
    assert rules["CUSTOM-001"]["help"]["text"].strip()


def test_results_levels_locations_and_fingerprints() -> None:
    res = edge_result()
    doc = render_json(res)
    results = doc["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == [f.rule for f in res.findings]
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels["GOV-RES-002"] == "error"
    assert levels["GOV-PRM-004"] == "warning"
    assert levels["GOV-DAT-001"] == "note"
    by_rule = {r["ruleId"]: r for r in results}
    loc = by_rule["GOV-RES-002"]["locations"][0]["physicalLocation"]
    assert loc == {
        "artifactLocation": {"uri": "registry/deployments/app.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 14, "startColumn": 5},
    }
    special = by_rule["GOV-DAT-001"]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert special["uri"] == "registry/dir%20with%20space/b%2Cc%3Ad%25.yaml"
    fp = next(f.fingerprint for f in res.findings if f.rule == "GOV-RES-002")
    assert by_rule["GOV-RES-002"]["partialFingerprints"] == {
        "govctl/v1": fp,
        "primaryLocationLineHash": f"{fp}:1",
    }
    assert by_rule["GOV-RES-002"]["message"]["text"] == HOSTILE


def test_file_level_and_repository_level_findings_still_have_a_location() -> None:
    by_rule = {r["ruleId"]: r for r in render_json(edge_result())["runs"][0]["results"]}
    file_level = by_rule["GOV-REG-001"]["locations"][0]["physicalLocation"]
    assert file_level["artifactLocation"]["uri"] == "registry/bad.yaml"
    assert file_level["region"] == {"startLine": 1}
    repo_level = by_rule["GOV-REG-002"]
    phys = repo_level["locations"][0]["physicalLocation"]
    assert phys["artifactLocation"]["uri"] == "govctl.yaml" and phys["region"] == {"startLine": 1}
    assert repo_level["message"]["text"].endswith("(Deployment/ghost spec.model)")


def test_waived_finding_is_suppressed_externally_with_its_waiver() -> None:
    by_rule = {r["ruleId"]: r for r in render_json(edge_result())["runs"][0]["results"]}
    assert by_rule["GOV-EVL-002"]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "Waived by Waiver/eval-migration",
            "properties": {"waiver": "Waiver/eval-migration"},
        }
    ]
    assert "suppressions" not in by_rule["GOV-RES-002"]


def test_findings_sharing_a_fingerprint_stay_distinct_alerts() -> None:
    twins = [
        finding("GOV-RES-002", "outside rule A", fp="f" * 32),
        finding("GOV-RES-002", "outside rule B", fp="f" * 32),
    ]
    results = render_json(result(twins, CATALOG))["runs"][0]["results"]
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert hashes == ["f" * 32 + ":1", "f" * 32 + ":2"]


def test_tags_are_capped_at_githubs_limit() -> None:
    many = rule("GOV-X-001", "Many controls", component="security",
                controls=tuple(f"FW:C{i}" for i in range(40)))
    doc = render_json(result([finding("GOV-X-001")], [many]))
    assert schema_errors(doc) == [] and github_violations(doc) == []
    assert len(doc["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["tags"]) == 20


def test_empty_message_falls_back_to_the_rule_title() -> None:
    doc = render_json(result([finding("GOV-RES-002", "  ")], CATALOG))
    assert doc["runs"][0]["results"][0]["message"]["text"] == "Fallback model outside allowed residency"


def test_unicode_is_kept_verbatim() -> None:
    out = sarif.render(edge_result())
    assert "modèle 日本語 — ✓" in out
    by_rule = {r["ruleId"]: r for r in json.loads(out)["runs"][0]["results"]}
    assert by_rule["GOV-PRM-004"]["message"]["text"].startswith("modèle 日本語 — ✓ \u202eevil")


def test_run_records_digests_engine_and_exit_code() -> None:
    run = render_json(edge_result())["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]
    assert run["properties"]["registryDigest"] == "sha256:" + "a" * 64
    assert run["properties"]["engine"] == {"name": "embedded", "version": "regopy 1.5.2"}
    assert run["properties"]["summary"]["waived"] == 1
    assert run["columnKind"] == "unicodeCodePoints"


def test_deterministic() -> None:
    assert sarif.render(edge_result()) == sarif.render(edge_result())
