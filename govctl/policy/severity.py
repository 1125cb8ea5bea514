"""Severity overrides (``policy.severity`` in govctl.yaml): a rule's findings raised or lowered.

An override sets the severity of every finding of the rule (a rule with an error and a warning
part, such as GOV-MDL-002, reports both at the new severity). The security floor: a rule that is
not waivable (``waivable: false`` in its METADATA, and govctl's native registry and waiver
rules) cannot be lowered below its declared severity — those findings must be fixed, and a
severity of ``info`` would let them pass just as a waiver would. Raising is always allowed.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Mapping

from govctl.errors import ConfigError
from govctl.findings import SEVERITY_RANK, RawFinding
from govctl.models.config import Config
from govctl.policy.bundle import RuleMeta
from govctl.policy.parameters import LineOf


def severity_overrides(
    config: Config, rules: Mapping[str, RuleMeta], line_of: LineOf, config_file: str
) -> dict[str, str]:
    """The validated overrides: rule id → severity."""
    out: dict[str, str] = {}
    for rule_id, severity in config.policy.severity.items():
        keys = ("policy", "severity", rule_id)
        meta = rules.get(rule_id)
        if meta is None:
            close = difflib.get_close_matches(rule_id, sorted(rules), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ConfigError(
                f"policy.severity.{rule_id}: unknown rule{hint}",
                file=config_file,
                line=line_of(keys),
            )
        if not meta.waivable and SEVERITY_RANK[severity] < SEVERITY_RANK[meta.severity]:
            raise ConfigError(
                f"policy.severity.{rule_id}: {rule_id} is not waivable and cannot go below "
                f"{meta.severity} (its security floor); raise it or fix the findings",
                file=config_file,
                line=line_of(keys),
            )
        out[rule_id] = severity
    return out


def apply_severity(raws: Iterable[RawFinding], overrides: Mapping[str, str]) -> list[RawFinding]:
    if not overrides:
        return list(raws)
    return [
        dataclasses.replace(r, severity=overrides[r.rule]) if r.rule in overrides else r
        for r in raws
    ]


def rules_with_severity(
    rules: Mapping[str, RuleMeta], overrides: Mapping[str, str]
) -> dict[str, RuleMeta]:
    """The rule catalog as configured: each overridden rule with its new severity."""
    return {
        rule_id: dataclasses.replace(meta, severity=overrides[rule_id])
        if rule_id in overrides
        else meta
        for rule_id, meta in rules.items()
    }
