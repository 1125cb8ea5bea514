"""Library API of ``govctl policy test | list | show | eject | lint``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govctl.errors import EXIT_CLEAN, EXIT_FINDINGS
from govctl.models.config import Config
from govctl.native_rules import NATIVE_RULES
from govctl.policy.bundle import policy_problems
from govctl.policy.catalog import load_catalog, load_policies, rule_catalog
from govctl.policy.lint import LintIssue, lint_modules, problem_issues
from govctl.policy.rule_listing import RuleListing, RuleView, rule_listing, rule_view
from govctl.policy.testing import PolicyTestReport, run_tests

__all__ = [
    "EjectResult",
    "LintResult",
    "PolicyTestResult",
    "RuleListing",
    "RuleView",
    "eject",
    "lint",
    "listing",
    "show",
    "unit_tests",
]


@dataclass(frozen=True)
class PolicyTestResult:
    report: PolicyTestReport

    @property
    def exit_code(self) -> int:
        # A failing test is a finding (exit 1), and so is a run that tested nothing: never a
        # pass that was not evaluated.
        failed = self.report.failed or not self.report.outcomes
        return EXIT_FINDINGS if failed else EXIT_CLEAN


@dataclass(frozen=True)
class EjectResult:
    package: str
    rules: tuple[str, ...]
    written: tuple[Path, ...]
    target: Path
    under_policy_paths: bool  # False: the copy does not replace the built-in package yet
    exit_code: int = EXIT_CLEAN


@dataclass(frozen=True)
class LintResult:
    issues: tuple[LintIssue, ...]

    @property
    def exit_code(self) -> int:
        return EXIT_FINDINGS if self.issues else EXIT_CLEAN


def unit_tests(root: Path, config: Config, pattern: str | None = None) -> PolicyTestResult:
    """Run the Rego unit tests (``test_*`` rules) on the embedded engine, with every parameter
    at its default (as ``opa test`` sees them)."""
    loaded = load_catalog(root, config)
    catalog = rule_catalog(loaded.bundle)
    report = run_tests(
        loaded.bundle,
        sorted(catalog),
        sorted(NATIVE_RULES),
        pattern,
        root,
        data=loaded.default_data(),
    )
    return PolicyTestResult(report)


def eject(root: Path, config: Config, name: str, directory: Path | None = None) -> EjectResult:
    """Copy a built-in package (with its tests and fixtures) into ``directory`` (absolute;
    default: the first of policy.paths), where it replaces the built-in package."""
    from govctl.policy.eject import eject as write_copies
    from govctl.policy.eject import plan_eject

    bundle = load_policies(root, config)
    default = config.policy.paths[0] if config.policy.paths else "policies"
    target = directory if directory is not None else root / default
    plan = plan_eject(bundle, name, target.resolve(), root)
    written = write_copies(plan)
    loaded_from = [(root / p).resolve() for p in config.policy.paths]
    under = any(target.resolve().is_relative_to(p) for p in loaded_from)
    return EjectResult(plan.package, tuple(plan.rules), tuple(written), target, under)


def lint(root: Path, config: Config) -> LintResult:
    """Policies govctl refuses to evaluate (GL100) and constructs the embedded engine evaluates
    differently from OPA."""
    bundle = load_policies(root, config, lenient=True)
    modules = [*bundle.modules, *bundle.tests]
    issues = sorted({*lint_modules(modules), *problem_issues(policy_problems(modules))})
    return LintResult(tuple(issues))


def listing(root: Path, config: Config) -> RuleListing:
    """The rule catalog with severities, stages, control mappings and parameters."""
    return rule_listing(root, config)


def show(root: Path, config: Config, rule_id: str) -> RuleView:
    """One rule's metadata, parameters and Rego module."""
    return rule_view(root, config, rule_id)
