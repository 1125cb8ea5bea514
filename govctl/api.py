"""govctl's library API: every command's work, returning frozen results with an ``exit_code``.

The CLI (``govctl.cli``) only parses arguments, calls these and renders what they return.
This module serves check, impact, readiness, cost, codeowners and init; each other command
group has its own module, re-exported here under a short name and imported on first use
(``SUBMODULES``): ``api.audit`` (audit log, query, asof, report, export, verify, keys,
record-release), ``api.policy`` (policy test, list, show, eject, lint), ``api.registry``
(registry list, show, graph; ``load_registry``), ``api.baseline`` (baseline create, prune;
waiver new), ``api.gateway`` (gateway render, diff), ``api.schema`` (schema export),
``api.site`` (site build, serve) and ``api.opa`` (opa serve).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from govctl import __version__
from govctl.api_registry import load_registry
from govctl.check import CheckOptions, CheckResult, run_check
from govctl.codeowners import DEFAULT_PATH, CodeownersSettings, CodeownersStatus, codeowners_text
from govctl.config import CONFIG_FILENAME, load_config
from govctl.errors import EXIT_CLEAN, EXIT_FINDINGS, GitError, InfraError
from govctl.gitio import GitRepository
from govctl.impact.render_json import to_json as impact_json
from govctl.impact.report import ImpactOptions, ImpactReport, run_impact
from govctl.loader.source import WorkTreeSource
from govctl.models.config import Config
from govctl.pinning import PYPI_JSON_API, GovctlPin, pin_from_files, pin_from_index
from govctl.progress import SILENT, Progress
from govctl.reports import CostReport, Scorecard, cost_reports, scorecard, select_deployments
from govctl.scaffold import ScaffoldOptions, ScaffoldResult, scaffold
from govctl.source_links import SourceLinks, from_environment

if TYPE_CHECKING:
    from govctl import api_audit as audit
    from govctl import api_baseline as baseline
    from govctl import api_gateway as gateway
    from govctl import api_opa as opa
    from govctl import api_policy as policy
    from govctl import api_registry as registry
    from govctl import api_schema as schema
    from govctl import api_site as site
    from govctl.audit.api import RecordResult

# The audit modules (DuckDB) are imported only when an event is recorded: a process that loads
# DuckDB before forking regopy workers makes those workers grow without bound (measured: 1.5 GB
# each on a 10k-artifact check), so policy evaluation must never share a process with DuckDB.

# Loaded on first use: ``api.audit`` brings DuckDB, which ``check`` must not have loaded.
SUBMODULES = {
    "audit": "govctl.api_audit",
    "baseline": "govctl.api_baseline",
    "gateway": "govctl.api_gateway",
    "opa": "govctl.api_opa",
    "policy": "govctl.api_policy",
    "registry": "govctl.api_registry",
    "schema": "govctl.api_schema",
    "site": "govctl.api_site",
}


def __getattr__(name: str) -> ModuleType:
    if name in SUBMODULES:
        module = import_module(SUBMODULES[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_PATH",
    "PYPI_JSON_API",
    "CheckOptions",
    "CheckResult",
    "CodeownersSettings",
    "CostReport",
    "CostResult",
    "GovctlPin",
    "ImpactOptions",
    "ImpactReport",
    "ReadinessResult",
    "ScaffoldOptions",
    "Scorecard",
    "SourceLinks",
    "audit",
    "baseline",
    "check",
    "codeowners",
    "cost",
    "gateway",
    "govctl_pin",
    "impact",
    "init",
    "links_at",
    "load_config",
    "load_registry",
    "opa",
    "policy",
    "readiness",
    "registry",
    "schema",
    "site",
    "source_links",
]


def check(options: CheckOptions, progress: Progress = SILENT) -> CheckResult:
    """Run ``govctl check``: validate the registry against the policy library.

    With ``options.base`` the head registry is compared with that git ref (``input.change``).
    With ``options.audit`` one ``check`` event is appended to the audit trail — only after the
    run succeeded: a run that fails (engine down, bad input) writes nothing.
    """
    result = run_check(options, progress=progress)
    if options.audit:
        progress.stage("recording the audit event")
        record_check(options, result)
    return result


def impact(options: ImpactOptions) -> ImpactReport:
    """Run ``govctl impact``; with ``options.audit``, append one ``impact`` event after it
    succeeded (as ``check`` does with ``CheckOptions``)."""
    report = run_impact(options)
    if options.audit:
        record_impact(options, report, options.actor or "unknown")
    return report


def record_impact(options: ImpactOptions, report: ImpactReport, actor: str) -> RecordResult:
    """Append the ``impact`` event (decision: risk, approvals, findings delta) (docs/spec.md §6)."""
    from govctl.audit.api import EventDraft, record_events

    data = impact_json(report)
    config = load_config(options.config_path or options.root.resolve() / CONFIG_FILENAME)
    _, ref = _git_position(options.root)
    event = EventDraft(
        type="impact",
        actor=actor,
        commit=report.head.sha,
        ref=ref,
        registry_digest=report.head.registry_digest,
        policy_digest=report.policy_digest,
        engine_name=report.engine,
        engine_version=report.engine_version,
        now=report.now,
        decision={
            "base": data["base"],
            "head": data["head"],
            "risk": data["risk"],
            "approvals": data["approvals"],
            "changes": [{"ref": c["ref"], "type": c["type"]} for c in data["changes"]],
            "affected": [a["ref"] for a in data["affected"]],
            "findings": {
                "introduced": len(data["findings"]["introduced"]),
                "resolved": len(data["findings"]["resolved"]),
                "unchanged": data["findings"]["unchanged"],
            },
        },
        findings=list(data["findings"]["introduced"]),
        artifacts=[c["ref"] for c in data["changes"]],
    )
    return record_events(config.audit, options.root.resolve(), [event])


def _git_position(root: Path) -> tuple[str | None, str | None]:
    try:
        with GitRepository(root) as repository:
            return repository.head_sha(), repository.head_ref()
    except GitError:
        return None, None


def record_check(options: CheckOptions, result: CheckResult) -> RecordResult:
    """Append the ``check`` event of a finished run (docs/spec.md §6)."""
    from govctl.audit.api import EventDraft, record_events

    assert result.registry is not None
    commit, ref = _git_position(options.root)
    event = EventDraft(
        type="check",
        actor=options.actor or "unknown",
        commit=commit,
        ref=ref,
        registry_digest=result.registry_digest,
        policy_digest=result.policy_digest,
        engine_name=result.engine,
        engine_version=result.engine_version,
        now=result.now,
        decision={
            "exitCode": result.exit_code,
            "failOn": result.fail_on,
            "base": options.base,
            "summary": result.summary.as_json(),
        },
        findings=[dict(f.as_json()) for f in result.findings],
    )
    return record_events(result.registry.config.audit, options.root.resolve(), [event])


def codeowners(
    root: Path, config: Config, settings: CodeownersSettings, target: Path
) -> CodeownersStatus:
    """``govctl codeowners``: the CODEOWNERS the registry gives, and the file at ``target``."""
    wanted = codeowners_text(load_registry(root, config), WorkTreeSource(root.resolve()), settings)
    try:
        current = target.read_text(encoding="utf-8") if target.is_file() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise InfraError(f"cannot read {target}: {exc}") from None
    return CodeownersStatus(wanted, current)


def govctl_pin(dists: Sequence[Path] = (), index_url: str = PYPI_JSON_API) -> GovctlPin:
    """The pin of this govctl version ``init`` writes: the hashes of ``dists`` (wheel or sdist
    files), else of its files on the package index whose JSON API is ``index_url``."""
    if dists:
        return pin_from_files(tuple(dists), __version__)
    return pin_from_index(__version__, index_url)


def source_links(root: Path, env: Mapping[str, str]) -> SourceLinks | None:
    """``file:line`` links to the checked-out commit when ``env`` names the repository (GitHub
    Actions); ``None`` otherwise, or when ``root`` is not a checkout (plain locations)."""
    if not env.get("GITHUB_REPOSITORY"):
        return None
    try:
        with GitRepository(root) as repo:
            return from_environment(env, repo.head_sha())
    except GitError:
        return None


def links_at(env: Mapping[str, str], commit: str | None) -> SourceLinks | None:
    """``file:line`` links to ``commit`` when ``env`` names the repository (GitHub Actions)."""
    return from_environment(env, commit)


def init(options: ScaffoldOptions) -> ScaffoldResult:
    """``govctl init``: scaffold a governance repository (nothing overwritten unless ``force``)."""
    return scaffold(options)


@dataclass(frozen=True)
class ReadinessResult:
    """Scorecards of the selected deployments; exit 0 when every one is ready to go live (all
    baseline cells pass), 1 if not."""

    cards: tuple[Scorecard, ...]

    @property
    def exit_code(self) -> int:
        return EXIT_CLEAN if all(c.ready for c in self.cards) else EXIT_FINDINGS


@dataclass(frozen=True)
class CostResult:
    """Cost projections of the selected deployments; exit 1 when a primary model's x1
    projection exceeds its ceiling."""

    reports: tuple[CostReport, ...]

    @property
    def exit_code(self) -> int:
        return EXIT_FINDINGS if any(r.over_ceiling for r in self.reports) else EXIT_CLEAN


def readiness(options: CheckOptions, deployment: str | None = None) -> ReadinessResult:
    """Per-deployment scorecards (components × baseline/full) from a check run."""
    result = run_check(options)
    assert result.registry is not None
    selected = select_deployments(result.registry, deployment)
    return ReadinessResult(tuple(scorecard(d, result) for d in selected))


def cost(root: Path, deployment: str | None = None) -> CostResult:
    """Projected monthly cost at x1/x10/x50/x100 for primary and fallback models."""
    registry = load_registry(root)
    return CostResult(tuple(cost_reports(registry, select_deployments(registry, deployment))))
