"""The shipped JSON Schemas work offline, for editors and for check-jsonschema, with readable
titles: the reference repository validates with the real check-jsonschema CLI and no network."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from govctl.models.common import human_title

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "govctl" / "schemas"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def _walk(node: Any) -> list[tuple[str, Any]]:
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            out.append((key, value))
            out += _walk(value)
    elif isinstance(node, list):
        for item in node:
            out += _walk(item)
    return out


def _reference_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "govctl.yaml", "registry", "prompts"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout.split()
    files = [REPO / p for p in listed if p.endswith((".yaml", ".yml"))]
    assert len(files) > 50
    return files


def _check_jsonschema(schema: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    if not CHECK_JSONSCHEMA.exists():
        pytest.fail("check-jsonschema is missing: pip install -e '.[dev]' (a dev dependency)")
    # An unroutable proxy: any attempt to fetch a schema over the network fails the run.
    env = {"PATH": "/usr/bin:/bin", "HTTPS_PROXY": "http://127.0.0.1:9",
           "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}
    return subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(schema), *map(str, files)],
                          capture_output=True, text=True, timeout=300, env=env)


def test_no_schema_refers_to_a_web_address() -> None:
    for path in SCHEMAS.glob("*.json"):
        for key, value in _walk(json.loads(path.read_text())):
            if key in ("$ref", "$id"):
                assert not re.match(r"[a-z]+://", str(value)), f"{path.name}: {key} {value}"


def test_the_reference_repository_validates_with_check_jsonschema_offline() -> None:
    result = _check_jsonschema(SCHEMAS / "govctl.schema.json", _reference_files())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_check_jsonschema_names_the_broken_file(tmp_path: Path) -> None:
    model = next(p for p in _reference_files() if "/models/" in p.as_posix())
    broken = tmp_path / "model.yaml"
    broken.write_text(re.sub(r"status: \w+", "status: retired", model.read_text(), count=1))
    assert broken.read_text() != model.read_text()
    for schema in ("govctl.schema.json", "Model.schema.json"):
        result = _check_jsonschema(SCHEMAS / schema, [broken])
        assert result.returncode == 1, result.stdout + result.stderr
        assert "model.yaml" in result.stdout and "retired" in result.stdout


def test_property_titles_are_words_and_fields_say_what_they_mean() -> None:
    schema = json.loads((SCHEMAS / "govctl.schema.json").read_text())
    properties = [(name, sub) for key, value in _walk(schema) if key == "properties"
                  for name, sub in value.items() if isinstance(sub, dict)]
    assert properties
    for name, sub in properties:
        assert sub.get("title") in (None, human_title(name)), (name, sub.get("title"))
    assert human_title("costPerRequestUSD") == "Cost per request USD"
    assert human_title("inputPer1M") == "Input per 1M"
    assert human_title("p95LatencyMs") == "P95 latency ms"


def _declared_properties(node: Any) -> list[tuple[str, Any]]:
    """Every property a schema declares; an ``if`` only tests a value, it declares nothing."""
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                out += list(value.items())
            if key != "if":
                out += _declared_properties(value)
    elif isinstance(node, list):
        for item in node:
            out += _declared_properties(item)
    return out


def test_the_property_walk_skips_conditions_only() -> None:
    schema = {"properties": {"a": {}}, "$defs": {"X": {"properties": {"b": {}}}},
              "allOf": [{"if": {"properties": {"kind": {}}}, "then": {"properties": {"c": {}}}}]}
    assert [name for name, _ in _declared_properties(schema)] == ["a", "b", "c"]


def test_every_field_has_a_description_for_editor_hover() -> None:
    # Every exported schema: the artifact kinds, govctl.yaml (Config), Baseline and the bundle.
    paths = sorted(SCHEMAS.glob("*.schema.json"))
    assert {"Config.schema.json", "govctl.schema.json", "Deployment.schema.json"} <= {
        p.name for p in paths
    }
    for path in paths:
        properties = _declared_properties(json.loads(path.read_text()))
        missing = sorted({name for name, sub in properties if not sub.get("description")})
        assert properties and missing == [], f"{path.name}: no description for {missing}"
