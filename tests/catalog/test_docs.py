"""docs/policies.md lists every parameter of the built-in catalog with its default."""

from __future__ import annotations

from govctl.policy.catalog import BUILTIN_PREFIX, builtin_catalog_dir
from govctl.policy.parameters import builtin_declarations
from tests.conftest import REPO_ROOT


def test_every_parameter_is_documented_with_its_default() -> None:
    catalog = builtin_catalog_dir()
    assert catalog is not None
    declared = builtin_declarations(catalog, BUILTIN_PREFIX)
    assert len([p for ps in declared.values() for p in ps]) >= 10
    doc = (REPO_ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
    for rule, params in declared.items():
        for name, spec in params.items():
            default = spec.default
            shown = "[" + ", ".join(default) + "]" if isinstance(default, list) else str(default)
            assert f"| {rule} | `{name}` | `{shown}` | {spec.type}" in doc, (rule, name)
