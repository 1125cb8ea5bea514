"""Parity, three ways: the embedded engine on OPA's Wasm (its default), regopy (its fallback) and
a real OPA server give identical `check --format json` output, except the engine field — for the
reference registry, every rule fixture and random valid registries. The OPA server runs with
strict builtin errors, so these runs also prove the catalog never relies on a builtin error
(which Wasm would treat as undefined)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from govctl.errors import GovctlError
from tests.conftest import NOW, REPO_ROOT
from tests.opa.helpers import assert_same, check_json
from tests.opa.registries import registries, write_registry
from tests.test_rule_fixtures import _build, _case_config, _cases

pytestmark = pytest.mark.opa

# At least 200 in CI (the default); GOVCTL_PARITY_EXAMPLES lowers or raises it locally.
EXAMPLES = int(os.environ.get("GOVCTL_PARITY_EXAMPLES", "200"))


def _outcome(root: Path, engine: str, url: str | None, base: str | None = None,
             now: str = NOW) -> Any:
    """The JSON output, or the class of the error the run failed with (both must fail alike)."""
    try:
        return check_json(root, engine, url, base=base, now=now)
    except GovctlError as exc:
        return f"failed: {type(exc).__name__}"


EMBEDDED = ("embedded", "regopy")  # OPA's Wasm (the default), and the fallback on its own


@pytest.mark.parametrize("engine", EMBEDDED)
def test_reference_registry(opa_url: str, engine: str) -> None:
    if not (REPO_ROOT / "govctl.yaml").exists():
        pytest.skip("the reference registry (govctl.yaml at the repository root) is not there yet")
    embedded = _outcome(REPO_ROOT, engine, None)
    assert isinstance(embedded, dict), embedded
    assert_same(embedded, _outcome(REPO_ROOT, "opa", opa_url), f"reference registry ({engine})")


@pytest.mark.parametrize("engine", EMBEDDED)
@pytest.mark.parametrize(("rule", "outcome", "case"), _cases())
def test_rule_fixture(
    tmp_path: Path, opa_url: str, rule: str, outcome: str, case: Path, engine: str
) -> None:
    config = _case_config(case)
    root, base_ref = _build(tmp_path, case, config)
    now = str(config.get("now") or NOW)
    embedded = _outcome(root, engine, None, base_ref, now)
    assert isinstance(embedded, dict), f"{rule}/{outcome} ({engine}): {embedded}"
    label = f"{rule}/{outcome} ({engine})"
    assert_same(embedded, _outcome(root, "opa", opa_url, base_ref, now), label)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(files=registries())
def test_random_registries(opa_url: str, files: dict[str, Any]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="govctl-parity-"))
    try:
        root = write_registry(folder / "repo", files)
        opa = _outcome(root, "opa", opa_url)
        for engine in EMBEDDED:
            embedded = _outcome(root, engine, None)
            if isinstance(embedded, dict) and isinstance(opa, dict):
                assert_same(embedded, opa, f"random registry ({engine})")
            else:
                assert embedded == opa, engine
    finally:
        shutil.rmtree(folder, ignore_errors=True)
