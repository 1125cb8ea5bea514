"""Which policies a repository evaluates: its configured paths plus govctl's built-in catalog.

The built-in catalog ships inside the package (``govctl/catalog``). A repository adds its own
policies under ``policy.paths``, can switch the built-ins off (``policy.builtin: false``) and can
disable individual rules by id (``policy.disabled``). When a configured path *is* the built-in
catalog folder, it is loaded once.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

from govctl.errors import ConfigError
from govctl.loader.yamlparse import parse_yaml
from govctl.errors import PolicyError
from govctl.fileio import NotReadable, resolve_inside
from govctl.models.config import Config
from govctl.native_rules import NATIVE_RULES
from govctl.policy.bundle import PolicyBundle, RuleMeta, load_bundle

BUILTIN_PREFIX = "govctl:catalog"
# The registry integrity rules: every other rule reads what they vouch for, so switching one off
# would hide a file no rule could check (a broken YAML file simply vanishing from the run).
INTEGRITY_RULES: Mapping[str, str] = {
    "GOV-REG-001": "schema",
    "GOV-REG-002": "references",
    "GOV-REG-003": "duplicates",
    "GOV-REG-004": "owners",
}


def builtin_catalog_dir() -> Path | None:
    """``govctl/catalog``: the built-in catalog shipped inside the package (a real folder, apart
    from any repository's own ``policies/``)."""
    bundled = Path(__file__).resolve().parent.parent / "catalog"
    return bundled if bundled.is_dir() else None


def policy_folders(root: Path, config: Config) -> list[tuple[Path, str]]:
    folders: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for entry in config.policy.paths:
        try:
            folder = resolve_inside(root / entry)
        except NotReadable as exc:  # a symlink loop: exit 3 naming the path, not a traceback
            raise PolicyError(exc.message, file=entry) from None
        folders.append((folder, entry.rstrip("/")))
        seen.add(folder)
    builtin = builtin_catalog_dir()
    if config.policy.builtin and builtin is not None and builtin.resolve() not in seen:
        folders.append((builtin, BUILTIN_PREFIX))
    return folders


def load_policies(root: Path, config: Config, *, lenient: bool = False) -> PolicyBundle:
    """The repository's bundle; a policy problem raises ``PolicyError`` unless ``lenient``."""
    return load_bundle(
        policy_folders(root, config), trusted=builtin_catalog_dir(), repo=root, lenient=lenient
    )


def rule_catalog(bundle: PolicyBundle) -> Mapping[str, RuleMeta]:
    """Every rule govctl knows: the bundle's annotated rules and the native ones."""
    return {**bundle.rules, **NATIVE_RULES}


def _disabled_line(config_path: Path, index: int) -> int | None:
    """The line of ``policy.disabled[index]`` in govctl.yaml (errors name it)."""
    try:
        text = config_path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    parsed = parse_yaml(text, positions=True)
    docs = [d for d in parsed.documents if d.value is not None]
    if parsed.problem or not docs:
        return None
    position = docs[0].positions.get(("policy", "disabled", index))
    return position[0] if position else None


def _active_packages(bundle: PolicyBundle, disabled: set[str]) -> int:
    """Packages with finding rules of which at least one rule id is still enabled."""
    packages = {m.package for m in bundle.modules if m.finding_rules}
    return sum(
        1
        for package in packages
        if not bundle.package_ids.get(package) or set(bundle.package_ids[package]) - disabled
    )


def check_policy_settings(
    bundle: PolicyBundle, config: Config, config_path: Path, config_file: str
) -> None:
    """Refuse settings that would make a check pass without evaluating (docs/fail-closed.md):
    disabling an unknown rule id or an integrity rule, and a bundle with no finding rule left."""
    known = sorted(rule_catalog(bundle))
    for index, rule_id in enumerate(config.policy.disabled):
        line = _disabled_line(config_path, index)
        if rule_id in INTEGRITY_RULES:
            raise ConfigError(
                f"policy.disabled: {rule_id} ({INTEGRITY_RULES[rule_id]}) cannot be disabled: "
                "GOV-REG-001..004 check what every other rule reads, and a file they cannot "
                "vouch for would silently drop out of the run; fix the finding instead",
                file=config_file,
                line=line,
            )
        if rule_id not in known:
            close = difflib.get_close_matches(rule_id, known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ConfigError(
                f"policy.disabled: no rule has the id {rule_id!r}{hint}; "
                "`govctl policy list` shows every rule id",
                file=config_file,
                line=line,
            )
    if _active_packages(bundle, set(config.policy.disabled)) == 0:
        where = ", ".join(config.policy.paths) or "(none)"
        builtin = "" if config.policy.builtin else " and policy.builtin is false"
        raise ConfigError(
            f"no policy rule would be evaluated: the policy paths ({where}) hold no finding rule"
            f"{builtin}, or policy.disabled switches every one off; add policies, set "
            "policy.builtin: true, or enable a rule",
            file=config_file,
        )
