"""Small real repositories and the two-engine comparison shared by the OPA tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from govctl.api import CheckOptions, check
from govctl.output.json_format import render
from tests.conftest import NOW, write_tree

CONFIG = """\
apiVersion: govctl/v1
kind: Config
teams: [team-a]
roots: [registry]
policy: {paths: [policies], builtin: false}
cache: {enabled: false}
"""

MODEL_POLICY = """\
# METADATA
# title: Model not deprecated
# custom:
#   id: GOV-TST-001
#   severity: error
#   kinds: [Model]
package govctl.rules.test

import rego.v1

deny contains {"rule": "GOV-TST-001", "msg": concat(" ", ["model", input.subject.identity, "is", input.subject.spec.status]), "path": "spec.status"} if {
	input.subject.spec.status == "deprecated"
}
"""


def model_yaml(name: str, status: str = "deprecated") -> str:
    return f"""\
apiVersion: govctl/v1
kind: Model
metadata: {{name: {name}, version: 2024-08-06, owner: team-a}}
spec:
  provider: openai
  providerModelId: {name}-2024-08-06
  status: {status}
  hosting: {{regions: [eastus], jurisdictions: [US]}}
  dataHandling: {{trainsOnInputs: false}}
  pricing: {{inputPer1M: 2.5, outputPer1M: 10}}
  limits: {{contextWindow: 128000, maxOutputTokens: 16384}}
"""


def small_repo(root: Path, policy: str = MODEL_POLICY, models: int = 3,
               extra: dict[str, str] | None = None) -> Path:
    files = {"govctl.yaml": CONFIG, "policies/test.rego": policy}
    files.update({f"registry/m{i}.yaml": model_yaml(f"m{i}") for i in range(models)})
    files.update(extra or {})
    root.mkdir(parents=True, exist_ok=True)
    return write_tree(root, files)


def check_json(root: Path, engine: str, opa_url: str | None = None, *, base: str | None = None,
               now: str = NOW) -> dict[str, Any]:
    """`govctl check --format json` as a dict, without the engine field (what parity compares)."""
    result = check(CheckOptions(root=root, engine=engine, opa_url=opa_url, now=now, base=base,
                                use_cache=False, audit=False))
    out: dict[str, Any] = json.loads(render(result))
    out.pop("engine")
    return out


def assert_same(embedded: dict[str, Any], opa: dict[str, Any], label: str) -> None:
    if embedded == opa:
        return
    only_e = [f for f in embedded["findings"] if f not in opa["findings"]]
    only_o = [f for f in opa["findings"] if f not in embedded["findings"]]
    order = next(
        (i for i, (a, b) in enumerate(zip(embedded["findings"], opa["findings"], strict=False)) if a != b), None
    )
    where = (
        f"\n  first difference at #{order}: embedded {embedded['findings'][order]}"
        f"\n  opa {opa['findings'][order]}" if order is not None else ""
    )
    other = sorted(k for k in embedded if k != "findings" and embedded[k] != opa.get(k))
    raise AssertionError(
        f"{label}: engines disagree\n  embedded only: {only_e[:5]}\n  opa only: {only_o[:5]}\n"
        f"  summary embedded {embedded['summary']} opa {opa['summary']}; other fields {other}"
        f"{where}"
    )
