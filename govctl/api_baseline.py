"""Library API of ``govctl baseline create | prune`` and ``govctl waiver new``: accepting
existing findings."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from govctl.baselines import (
    entries_for,
    load_baseline,
    new_baseline,
    pruned,
    render_baseline,
    write_atomically,
)
from govctl.check import CheckOptions, CheckResult, run_check
from govctl.clock import normalise_now, now_date
from govctl.errors import EXIT_CLEAN, UsageError
from govctl.findings import Finding
from govctl.models.config import Config

__all__ = [
    "BaselineCreated",
    "BaselinePruned",
    "BaselineRequest",
    "Repository",
    "WaiverRequest",
    "WaiverWritten",
    "create_baseline",
    "new_waiver",
    "prune_baseline",
]


@dataclass(frozen=True)
class Repository:
    """The repository a command works on: its root, configuration, and the configuration file
    when not ``<root>/govctl.yaml``; ``now`` (RFC 3339 or a date) evaluates at that time."""

    root: Path
    config: Config
    config_path: Path | None = None
    now: str | None = None


@dataclass(frozen=True)
class BaselineRequest:
    approved_by: str
    justification: str
    expires: str | None = None  # YYYY-MM-DD; default: today + waivers.maxDays
    ticket: str | None = None
    name: str = "adoption"
    replace: bool = False


@dataclass(frozen=True)
class BaselineCreated:
    file: str  # policy.baseline, as configured
    baselined: int
    left_open: int  # findings of non-waivable rules: they must be fixed
    exit_code: int = EXIT_CLEAN


@dataclass(frozen=True)
class BaselinePruned:
    file: str
    removed: int
    remaining: int
    exit_code: int = EXIT_CLEAN


@dataclass(frozen=True)
class WaiverRequest:
    """One current finding (``fingerprint`` prefix, or ``rule`` and ``ref``) and the waiver."""

    fingerprint: str | None = None
    rule: str | None = None
    ref: str | None = None
    approved_by: str = "TODO-approver"
    justification: str = "TODO: why this finding is accepted"
    ticket: str | None = None
    expires: str | None = None
    output: Path | None = None  # default: <first root>/waivers/<name>.yaml


@dataclass(frozen=True)
class WaiverWritten:
    path: Path
    exit_code: int = EXIT_CLEAN


def _run_check(repo: Repository) -> CheckResult:
    return run_check(
        CheckOptions(
            root=repo.root,
            now=repo.now,
            audit=False,
            config_path=repo.config_path,
            use_cache=True,
        )
    )


def _expiry(repo: Repository, expires: str | None) -> str:
    today = now_date(normalise_now(repo.now))
    limit = today + dt.timedelta(days=repo.config.waivers.maxDays)
    if expires is None:
        return limit.isoformat()
    try:
        chosen = dt.date.fromisoformat(expires)
    except ValueError:
        raise UsageError(f"--expires {expires!r} is not a YYYY-MM-DD date") from None
    if chosen > limit or chosen < today:
        raise UsageError(f"--expires must lie between {today} and {limit} (waivers.maxDays)")
    return chosen.isoformat()


def create_baseline(repo: Repository, request: BaselineRequest) -> BaselineCreated:
    """Write policy.baseline with every open finding of a waivable rule; non-waivable
    findings stay open. An existing file is replaced only with ``request.replace``."""
    config = repo.config
    target = repo.root / config.policy.baseline
    if target.exists() and not request.replace:
        raise UsageError(f"{config.policy.baseline} exists; prune it, or pass --replace")
    result = _run_check(repo)
    entries = entries_for(
        (f for f in result.findings if not f.rule.startswith("GOV-WVR-")), result.rules
    )
    baseline = new_baseline(
        entries,
        name=request.name,
        owner=config.metadata.owner if config.metadata else None,
        approved_by=request.approved_by,
        justification=request.justification,
        expires=_expiry(repo, request.expires),
        ticket=request.ticket,
    )
    write_atomically(target, render_baseline(baseline))
    recorded = {e.fingerprint for e in entries}
    left = [f for f in result.findings if not f.waived and f.fingerprint not in recorded]
    return BaselineCreated(config.policy.baseline, len(entries), len(left))


def prune_baseline(repo: Repository) -> BaselinePruned:
    """Remove the baseline entries whose findings no longer occur."""
    file = repo.config.policy.baseline
    loaded = load_baseline(repo.root, file)
    if loaded is None:
        raise UsageError(f"no baseline file ({file})")
    result = _run_check(repo)
    current = {f.fingerprint for f in result.findings}
    baseline, removed = pruned(loaded.baseline, current)
    if removed:
        write_atomically(repo.root / file, render_baseline(baseline))
    return BaselinePruned(file, removed, len(baseline.spec.findings))


def _find(result: CheckResult, request: WaiverRequest) -> Finding:
    if request.fingerprint:
        key = request.fingerprint
        matches = [f for f in result.findings if f.fingerprint.startswith(key)]
    elif request.rule and request.ref:
        matches = [f for f in result.findings if f.rule == request.rule and f.ref == request.ref]
    else:
        raise UsageError("name a finding: FINGERPRINT, or --rule RULE --ref KIND/NAME")
    if not matches:
        raise UsageError("no current finding matches (see `govctl check --format json`)")
    return matches[0]


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def new_waiver(repo: Repository, request: WaiverRequest) -> WaiverWritten:
    """Write a Waiver for one current finding, its expiry at most waivers.maxDays away; never
    over an existing file."""
    result = _run_check(repo)
    finding = _find(result, request)
    if finding.ref is None:
        raise UsageError(f"{finding.rule} on {finding.file} names no artifact: it cannot be waived")
    meta = result.rules.get(finding.rule)
    if meta is not None and not meta.waivable:
        raise UsageError(f"{finding.rule} is not waivable: fix the finding instead")
    artifact = result.registry.get(finding.ref) if result.registry else None
    owner = str((artifact.metadata.get("owner") if artifact is not None else None) or "TODO-owner")
    slug = re.sub(r"[^a-z0-9]+", "-", f"{finding.rule}-{finding.ref.split('/', 1)[-1]}".lower())
    name = slug.strip("-")[:63].strip("-")
    target = request.output or repo.root / repo.config.roots[0] / "waivers" / f"{name}.yaml"
    if target.exists():
        raise UsageError(f"{target} exists: refusing to overwrite it")
    text = (
        "apiVersion: govctl/v1\nkind: Waiver\n"
        f"metadata:\n  name: {name}\n  owner: {owner}\n"
        f"  description: {_quote(finding.message)}\n"
        f"spec:\n  rule: {finding.rule}\n  target: {finding.ref}\n"
        f"  justification: {_quote(request.justification)}\n"
        f"  approvedBy: {_quote(request.approved_by)}\n"
        f"  expires: {_expiry(repo, request.expires)}\n"
        + (f"  ticket: {_quote(request.ticket)}\n" if request.ticket else "")
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as handle:  # "x": never replace a file
        handle.write(text)
    return WaiverWritten(target)
