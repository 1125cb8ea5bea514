"""Every construct `govctl policy lint` flags really evaluates differently on the two engines.

Each case runs a one-rule policy over one Model on regopy (the embedded engine's fallback) and on
a real OPA, and asserts the outcomes differ — and that lint flags the policy — while the embedded
engine's default, OPA's Wasm compilation, agrees with OPA. Should a regopy release fix one,
its case fails here: the lint code can then be retired (docs/engines.md lists them all).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from govctl.api import CheckOptions, check
from govctl.policy.lint import lint_modules
from tests.conftest import NOW
from tests.opa.helpers import small_repo

pytestmark = pytest.mark.opa

HEAD = """\
# METADATA
# custom:
#   id: GOV-DIV-001
#   kinds: [Model]
package govctl.rules.div

import rego.v1

"""

# (lint code, policy body producing `deny`; the subject's description is `He said "hi" — é`)
CASES = [
    ("GL101", 'a if input.subject.kind == "Model"\nb if a\n'
              'deny contains "replaced" if { b with input as {"subject": {"kind": "Model"}} }\n'),
    ("GL102", 'kind := "Prompt"\na if input.subject.kind == "Prompt"\nb if a\n'
              'deny contains "path" if { b with input.subject.kind as kind }\n'),
    ("GL103", 'deny contains "pre-release ordered" if '
              'semver.compare("1.0.0-alpha.10", "1.0.0-alpha.9") == 1\n'),
    ("GL104", 'deny contains sprintf("%q", ["a"])\n'),
    ("GL105", 'deny contains sprintf("%v", [2500000.5])\n'),
    ("GL106", 'deny contains sprintf("%s!", [concat("", ["a", "b"])])\n'),
    ("GL107", 'deny contains "parsed" if time.parse_rfc3339_ns("2026-01-01T00:00:00Z") > 0\n'),
    ("GL108", "deny contains format_int(count(input.subject.metadata.description), 10)\n"),
    ("GL109", 'deny contains "in range" if net.cidr_contains("10.0.0.0/8", "10.1.2.3")\n'),
    ("GL110", 'deny contains concat(",", sort([k | some k, v in input.subject.spec.limits]))\n'),
    ("GL111", 'deny contains concat(",", {"b", "a", "c"})\n'),
]

DESCRIBED = {"registry/m0.yaml": """\
apiVersion: govctl/v1
kind: Model
metadata: {name: m0, version: 2024-08-06, owner: team-a, description: 'He said "hi" — é'}
spec:
  provider: openai
  providerModelId: m0
  status: approved
  hosting: {regions: [eastus], jurisdictions: [US]}
  dataHandling: {trainsOnInputs: false}
  pricing: {inputPer1M: 2.5, outputPer1M: 10}
  limits: {contextWindow: 128000, maxOutputTokens: 16384}
"""}


def _outcome(root: Path, engine: str, url: str | None) -> Any:
    try:
        result = check(CheckOptions(root=root, engine=engine, opa_url=url, now=NOW,
                                    use_cache=False, audit=False))
    except Exception as exc:  # regopy fails in several ways on these
        return f"failed: {type(exc).__name__}"
    return sorted(f.message for f in result.findings if f.rule == "GOV-DIV-001")


WASM_DIVERGES = {"GL111"}  # constructs OPA's Wasm also evaluates differently (docs/engines.md)


@pytest.mark.parametrize(("code", "body"), CASES, ids=[c[0] for c in CASES])
def test_flagged_construct_diverges(tmp_path: Path, opa_url: str, code: str, body: str) -> None:
    policy = HEAD + body
    root = small_repo(tmp_path / "repo", policy, models=0, extra=DESCRIBED)
    assert code in {i.code for i in lint_modules([SimpleNamespace(path="p.rego", source=policy)])}
    regopy, opa = _outcome(root, "regopy", None), _outcome(root, "opa", opa_url)
    assert isinstance(opa, list) and opa, f"OPA should decide: {opa}"
    assert regopy != opa, f"{code}: the engines agree now ({opa}); retire the lint code?"
    # The default embedded engine runs OPA's own Wasm compilation: it agrees with OPA, except
    # where OPA's Wasm itself differs (its sets iterate in no fixed order: GL111).
    wasm = _outcome(root, "embedded", None)
    assert (wasm != opa) if code in WASM_DIVERGES else (wasm == opa), (code, wasm, opa)


# Divergences no lint code covers: the catalog avoids them (lib.num, lib.int_str, is_number
# guards) and docs/engines.md tells policy authors how.
UNLINTED = [
    ("format_int of a negative fraction", 'deny contains format_int(-2.5, 10)\n'),
    ("null ordered above numbers", 'deny contains "null above" if null > 0\n'),
    ("lower of non-ASCII", 'deny contains lower("É")\n'),
]


@pytest.mark.parametrize(("name", "body"), UNLINTED, ids=[c[0] for c in UNLINTED])
def test_documented_divergences(tmp_path: Path, opa_url: str, name: str, body: str) -> None:
    root = small_repo(tmp_path / "repo", HEAD + body, models=0, extra=DESCRIBED)
    opa = _outcome(root, "opa", opa_url)
    assert _outcome(root, "regopy", None) != opa, name
    assert _outcome(root, "embedded", None) == opa, name
