"""Policy ``data`` (``PolicyBundle.data``, e.g. catalog parameters) reaches every embedded
backend as OPA ``data``: the Wasm module through opa_eval's data argument, regopy once per
worker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govctl.policy.bundle import PolicyBundle, build_bundle
from govctl.policy.engine import EngineSettings, EvalRequest
from govctl.policy.engines import create_engine, prepare_engine
from govctl.policy.modules import parse_module

pytestmark = pytest.mark.opa

POLICY = """\
# METADATA
# custom:
#   id: TST-DATA-001
#   kinds: [Model]
package data_test

import rego.v1

deny contains {"rule": "TST-DATA-001", "msg": sprintf("limit %d", [limit])} if {
\tlimit := data.govctl.parameters.limit
\tinput.subject.spec.size > limit
}
"""


def _bundle(data: dict[str, Any]) -> PolicyBundle:
    return build_bundle([parse_module("policies/data.rego", POLICY)]).with_data(data)


@pytest.mark.parametrize("engine_name", ["embedded", "regopy"])
def test_bundle_data_is_loaded_as_opa_data(with_opa: Path, engine_name: str) -> None:
    bundle = _bundle({"govctl": {"parameters": {"limit": 3}}})
    engine = create_engine(engine_name, EngineSettings(workers=1))
    label = prepare_engine(engine, bundle)
    assert "fallback" not in label
    doc = {"subject": {"identity": "Model/m", "kind": "Model", "spec": {"size": 5}}}
    try:
        raw = engine.evaluate(bundle, [EvalRequest("Model/m", "Model", json.dumps(doc))])
    finally:
        engine.close()
    assert [f.value["msg"] for f in raw["Model/m"]] == ["limit 3"]
