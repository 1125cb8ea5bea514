"""The rule catalog as ``govctl policy list`` and ``policy show`` present it: each rule with
what govctl.yaml changes about it (severity, disabled, parameters) and what replaces it."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from govctl.errors import EXIT_CLEAN, UsageError
from govctl.models.config import Config
from govctl.policy.catalog import load_catalog, rule_catalog
from govctl.policy.modules import RegoModule
from govctl.policy.parameters import EffectiveParameter
from govctl.rules import RuleMeta

Parameters = Mapping[str, EffectiveParameter]  # name → parameter of one rule


@dataclass(frozen=True)
class RuleListing:
    """The rule catalog with what govctl.yaml changes about each rule."""

    rules: tuple[RuleMeta, ...]  # sorted by id
    disabled: frozenset[str]
    severity: Mapping[str, str]  # rule → severity set in govctl.yaml
    overridden_by: Mapping[str, str]  # rule → repository module replacing its built-in package
    parameters: Mapping[str, Parameters]  # rule → its parameters
    exit_code: int = EXIT_CLEAN

    def level(self, rule: RuleMeta) -> str:
        return self.severity.get(rule.id, rule.severity)


@dataclass(frozen=True)
class RuleView:
    """``policy show``: one rule, its parameters and the module defining it."""

    rule: RuleMeta
    level: str  # the severity in effect
    overridden_by: str | None
    parameters: Parameters
    module: RegoModule | None
    exit_code: int = EXIT_CLEAN


def _overridden_by(rule: RuleMeta, overrides: Mapping[str, str]) -> str | None:
    return overrides.get(rule.package) if rule.package else None


def rule_listing(root: Path, config: Config) -> RuleListing:
    """The rule catalog with severities, stages, control mappings and parameters."""
    loaded = load_catalog(root, config)
    catalog = rule_catalog(loaded.bundle)
    rules = tuple(catalog[k] for k in sorted(catalog))
    overrides = loaded.bundle.overrides
    replaced = {r.id: o for r in rules if (o := _overridden_by(r, overrides)) is not None}
    return RuleListing(
        rules,
        frozenset(config.policy.disabled),
        dict(config.policy.severity),
        replaced,
        {r.id: loaded.parameters.get(r.id, {}) for r in rules},
    )


def rule_view(root: Path, config: Config, rule_id: str) -> RuleView:
    """One rule's metadata, parameters and Rego module."""
    loaded = load_catalog(root, config)
    catalog = rule_catalog(loaded.bundle)
    rule = catalog.get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, sorted(catalog), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UsageError(f"unknown rule {rule_id}{hint}; see `govctl policy list`")
    module = next(
        (m for m in loaded.bundle.modules if rule.package and m.package == rule.package), None
    )
    return RuleView(
        rule,
        config.policy.severity.get(rule.id, rule.severity),
        _overridden_by(rule, loaded.bundle.overrides),
        loaded.parameters.get(rule.id, {}),
        module,
    )
