"""OPA's own conformance cases (from the pinned OPA Go module) on the default engine.

- Every case of the builtins govctl's Wasm host provides (sprintf, time.parse_rfc3339_ns) passes.
- Every builtin the built-in catalog calls passes its cases: a representative sample here (the
  first few cases of each), all of them with ``GOVCTL_CONFORMANCE_FULL=1``; the whole suite with
  figures per failure class is ``python benchmarks/conformance.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from benchmarks.conformance import Case, cases_calling, cases_dir, load_cases, run_case_detail
from govctl.policy.catalog import builtin_catalog_dir
from govctl.policy.wasm_builtins import HOST_BUILTINS

pytestmark = pytest.mark.opa
SAMPLE = 0 if os.environ.get("GOVCTL_CONFORMANCE_FULL") == "1" else 2


@pytest.fixture(scope="module")
def suite() -> list[Case]:
    try:
        return load_cases(cases_dir())
    except FileNotFoundError as exc:
        if os.environ.get("GOVCTL_REQUIRE_OPA") == "1":
            pytest.fail(f"GOVCTL_REQUIRE_OPA=1 but {exc}", pytrace=False)
        pytest.skip(f"OPA CONFORMANCE TESTS SKIPPED: {exc}")


def _catalog_builtins(opa: Path) -> list[str]:
    capabilities = json.loads(
        subprocess.run(
            [str(opa), "capabilities", "--current"], capture_output=True, text=True, check=True
        ).stdout
    )
    names = {b["name"] for b in capabilities["builtins"]}
    catalog = builtin_catalog_dir()
    assert catalog is not None
    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in catalog.rglob("*.rego")
        if not p.name.endswith("_test.rego")
    )
    return sorted(n for n in names if re.search(rf"(?<![\w.]){re.escape(n)}\s*\(", source))


# Sets reach host builtins as JSON arrays: json.patch cannot patch a set by member (docs/engines.md).
KNOWN = {
    "jsonpatch/set-success basic-remove",
    "jsonpatch/set-success basic-add",
    "jsonpatch/set-success add-to-nested-array",
}


def _failures(cases: list[Case], opa: Path, builtin: str) -> list[str]:
    failures = []
    for case in cases:
        status, detail = run_case_detail("wasm", case, str(opa))
        if status in ("pass", "unsupported case") or case.note in KNOWN:
            continue
        if status == "missing builtin" and builtin not in detail.split(", "):
            continue  # the case also calls another builtin, one the catalog does not use
        failures.append(f"{case.folder}: {case.note}: {status} {detail}".strip())
    return failures


@pytest.mark.parametrize("builtin", sorted(HOST_BUILTINS))
def test_host_builtin_passes_every_conformance_case(
    suite: list[Case], opa_binary: Path, builtin: str
) -> None:
    cases = cases_calling(suite, builtin)
    assert cases, f"no conformance case calls {builtin}"
    assert _failures(cases, opa_binary, builtin) == []


def test_catalog_builtins_pass_their_conformance_cases(
    suite: list[Case], opa_binary: Path
) -> None:
    used = _catalog_builtins(opa_binary)
    assert "time.parse_rfc3339_ns" in used and "regex.match" in used
    failures = []
    for builtin in used:
        cases = cases_calling(suite, builtin)
        failures += _failures(cases[:SAMPLE] if SAMPLE else cases, opa_binary, builtin)
    assert failures == []
