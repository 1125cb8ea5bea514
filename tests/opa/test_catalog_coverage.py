"""The catalog's own Rego unit tests cover every policy file: `opa test --coverage` on
govctl/catalog (with the real, pinned OPA) reports at least 95% for each module that is not a
test, and every unit test passes.

Without an OPA binary this is skipped loudly, unless GOVCTL_REQUIRE_OPA=1 (CI).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from govctl.policy.catalog import builtin_catalog_dir

pytestmark = pytest.mark.opa

MINIMUM = 95.0


def test_every_policy_file_of_the_catalog_is_covered_by_its_unit_tests(opa_binary: Path) -> None:
    catalog = builtin_catalog_dir()
    assert catalog is not None
    done = subprocess.run(
        [str(opa_binary), "test", "--coverage", "--format", "json", "."],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=catalog,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(done.stdout)
    covered = {
        name: float(entry.get("coverage", 0.0))
        for name, entry in report["files"].items()
        if not name.endswith("_test.rego")
    }
    policies = {
        str(p.relative_to(catalog))
        for p in catalog.rglob("*.rego")
        if not p.name.endswith("_test.rego")
    }
    assert {Path(name).as_posix().removeprefix("./") for name in covered} == policies
    below = {name: round(pct, 1) for name, pct in covered.items() if pct < MINIMUM}
    assert below == {}, f"catalog files below {MINIMUM}% coverage: {below}"
