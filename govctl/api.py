"""govctl's library API: every command's work, returning frozen results.

The CLI (``govctl.cli``) only parses arguments, calls these and renders what they return.
"""

from __future__ import annotations

from pathlib import Path

from govctl.check import CheckOptions, CheckResult, run_check
from govctl.config import CONFIG_FILENAME, load_config
from govctl.loader.load import LoadSettings
from govctl.loader.load import load_registry as _load_registry
from govctl.loader.source import WorkTreeSource
from govctl.models.config import Config
from govctl.registry import Registry
from govctl.reports import CostReport, Scorecard, cost_reports, scorecard, select_deployments

__all__ = [
    "CheckOptions",
    "CheckResult",
    "CostReport",
    "Scorecard",
    "check",
    "cost",
    "load_registry",
    "readiness",
]


def check(options: CheckOptions) -> CheckResult:
    """Run ``govctl check``: validate the registry against the policy library."""
    return run_check(options)


def load_registry(root: Path, config: Config | None = None) -> Registry:
    """Load the registry of the repository at ``root`` (no policies, no cache)."""
    root = root.resolve()
    config = config or load_config(root / CONFIG_FILENAME, CONFIG_FILENAME)
    return _load_registry(WorkTreeSource(root), config, LoadSettings()).registry


def readiness(options: CheckOptions, deployment: str | None = None) -> list[Scorecard]:
    """Per-deployment scorecards (components × baseline/full) from a check run."""
    result = run_check(options)
    assert result.registry is not None
    return [scorecard(d, result) for d in select_deployments(result.registry, deployment)]


def cost(root: Path, deployment: str | None = None) -> list[CostReport]:
    """Projected monthly cost at x1/x10/x50/x100 for primary and fallback models."""
    registry = load_registry(root)
    return cost_reports(registry, select_deployments(registry, deployment))
