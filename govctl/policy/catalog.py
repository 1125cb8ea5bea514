"""Which policies a repository evaluates: its configured paths plus govctl's built-in catalog.

The built-in catalog ships inside the package (``govctl/catalog``). A repository adds its own
policies under ``policy.paths``, can switch the built-ins off (``policy.builtin: false``) and can
disable individual rules by id (``policy.disabled``). When a configured path *is* the built-in
catalog folder, it is loaded once.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from govctl.models.config import Config
from govctl.native_rules import NATIVE_RULES
from govctl.policy.bundle import PolicyBundle, load_bundle
from govctl.rules import RuleMeta

BUILTIN_PREFIX = "govctl:catalog"


def builtin_catalog_dir() -> Path | None:
    """``govctl/catalog``: the built-in catalog shipped inside the package (a real folder, apart
    from any repository's own ``policies/``)."""
    bundled = Path(__file__).resolve().parent.parent / "catalog"
    return bundled if bundled.is_dir() else None


def policy_folders(root: Path, config: Config) -> list[tuple[Path, str]]:
    folders: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for entry in config.policy.paths:
        folder = (root / entry).resolve()
        folders.append((folder, entry.rstrip("/")))
        seen.add(folder)
    builtin = builtin_catalog_dir()
    if config.policy.builtin and builtin is not None and builtin.resolve() not in seen:
        folders.append((builtin, BUILTIN_PREFIX))
    return folders


def load_policies(root: Path, config: Config) -> PolicyBundle:
    return load_bundle(policy_folders(root, config), trusted=builtin_catalog_dir(), repo=root)


def rule_catalog(bundle: PolicyBundle) -> Mapping[str, RuleMeta]:
    """Every rule govctl knows: the bundle's annotated rules and the native ones."""
    return {**bundle.rules, **NATIVE_RULES}
