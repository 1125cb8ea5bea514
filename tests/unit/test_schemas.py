"""The shipped JSON Schemas are exactly what the models generate, and jsonschema (what editors
and the loader use) and pydantic (the models) agree on valid and invalid documents."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from govctl.loader.validate import validate_document
from govctl.models.kinds import ARTIFACT_MODELS
from govctl.schema import PACKAGED_DIR, all_schemas, render
from tests.conftest import run_cli

MODEL = {
    "apiVersion": "govctl/v1",
    "kind": "Model",
    "metadata": {"name": "gpt-4o", "version": "2024-08-06", "owner": "ml-platform"},
    "spec": {
        "provider": "azure-openai",
        "providerModelId": "gpt-4o-2024-08-06",
        "status": "approved",
        "sunset": "2027-06-30",
        "hosting": {"regions": ["westeurope"], "jurisdictions": ["EU"]},
        "dataHandling": {"trainsOnInputs": False, "retentionDays": 0},
        "pricing": {"currency": "USD", "inputPer1M": 2.5, "outputPer1M": 10},
        "limits": {"contextWindow": 128000, "maxOutputTokens": 16384},
    },
}


def test_packaged_schemas_are_up_to_date():
    for name, schema in all_schemas().items():
        packaged = (PACKAGED_DIR / name).read_text(encoding="utf-8")
        assert packaged == render(schema), (
            f"{name} is stale: run `govctl schema export govctl/schemas`"
        )


def test_schemas_are_valid_draft_2020_12():
    for schema in all_schemas().values():
        jsonschema.Draft202012Validator.check_schema(schema)


def _pydantic_ok(kind: str, doc: dict) -> bool:
    try:
        ARTIFACT_MODELS[kind].model_validate(doc)
    except ValidationError:
        return False
    return True


MUTATIONS = [
    ("valid", lambda d: None),
    ("unknown field", lambda d: d["spec"].update(colour="red")),
    ("wrong type", lambda d: d["spec"]["pricing"].update(inputPer1M="cheap")),
    ("bad enum", lambda d: d["spec"].update(status="retired")),
    ("missing required", lambda d: d["spec"].pop("hosting")),
    ("bad date", lambda d: d["spec"].update(sunset="30/06/2027")),
    ("bad name", lambda d: d["metadata"].update(name="GPT_4o")),
    ("empty list", lambda d: d["spec"]["hosting"].update(regions=[])),
    ("negative price", lambda d: d["spec"]["pricing"].update(outputPer1M=-1)),
    ("bool for int", lambda d: d["spec"]["limits"].update(contextWindow=True)),
    ("float for int", lambda d: d["spec"]["limits"].update(contextWindow=1.5)),
]


@pytest.mark.parametrize(("label", "mutate"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_jsonschema_and_pydantic_agree(label, mutate):
    doc = json.loads(json.dumps(MODEL))
    mutate(doc)
    schema_ok = not validate_document("Model", doc)
    assert schema_ok == _pydantic_ok("Model", doc) == (label == "valid")


def test_prompt_needs_exactly_one_of_messages_or_template():
    base = {
        "apiVersion": "govctl/v1",
        "kind": "Prompt",
        "metadata": {"name": "p", "version": "1.0.0", "owner": "t"},
        "spec": {"riskTier": "minimal"},
    }
    both = json.loads(json.dumps(base))
    both["spec"].update(messages=[{"role": "user", "content": "x"}], templateFile="p.md")
    for doc in (base, both):
        violations = validate_document("Prompt", doc)
        assert violations and "exactly one of: messages, templateFile" in violations[0].message
        assert not _pydantic_ok("Prompt", doc)


def test_schema_export_command(tmp_path: Path):
    proc = run_cli("schema", "export", str(tmp_path / "schemas"))
    assert proc.returncode == 0, proc.stderr
    names = {p.name for p in (tmp_path / "schemas").iterdir()}
    assert {"Deployment.schema.json", "Config.schema.json", "govctl.schema.json"} <= names
    combined = json.loads((tmp_path / "schemas" / "govctl.schema.json").read_text())
    # Bundled: the combined schema validates alone, with no other file and no network.
    validator = jsonschema.Draft202012Validator(combined)
    assert validator.is_valid(MODEL)
    bad = json.loads(json.dumps(MODEL))
    bad["spec"]["status"] = "retired"
    assert not validator.is_valid(bad)
