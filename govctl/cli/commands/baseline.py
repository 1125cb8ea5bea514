"""``govctl baseline create | prune`` and ``govctl waiver new``: accepting existing findings."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from govctl import api
from govctl.baselines import (
    entries_for,
    load_baseline,
    new_baseline,
    pruned,
    render_baseline,
    write_atomically,
)
from govctl.check import CheckOptions, CheckResult
from govctl.cli.context import CliContext
from govctl.clock import normalise_now, now_date
from govctl.errors import UsageError
from govctl.findings import Finding


def _run_check(ctx: CliContext, now: str | None) -> CheckResult:
    return api.check(
        CheckOptions(
            root=ctx.root(), now=now, audit=False, config_path=ctx.config_option, use_cache=True
        )
    )


def _expiry(ctx: CliContext, expires: str | None, now: str | None) -> str:
    today = now_date(normalise_now(now))
    limit = today + dt.timedelta(days=ctx.config().waivers.maxDays)
    if expires is None:
        return limit.isoformat()
    try:
        chosen = dt.date.fromisoformat(expires)
    except ValueError:
        raise UsageError(f"--expires {expires!r} is not a YYYY-MM-DD date") from None
    if chosen > limit or chosen < today:
        raise UsageError(f"--expires must lie between {today} and {limit} (waivers.maxDays)")
    return chosen.isoformat()


@click.group("baseline")
def baseline_group() -> None:
    """Record today's findings so that only new ones fail (adopting govctl)."""


@click.command("create")
@click.option("--approved-by", required=True, help="Who accepted these findings.")
@click.option("--justification", required=True, help="Why they are accepted for now.")
@click.option("--expires", metavar="YYYY-MM-DD", help="Default: today + waivers.maxDays.")
@click.option("--ticket", help="Tracking reference for the remediation work.")
@click.option("--name", default="adoption", show_default=True, help="metadata.name.")
@click.option("--replace", is_flag=True, help="Replace an existing baseline file.")
@click.option("--now", metavar="TIME", help="Evaluate at this time (default: the clock).")
@click.pass_obj
def create_command(
    ctx: CliContext,
    approved_by: str,
    justification: str,
    expires: str | None,
    ticket: str | None,
    name: str,
    replace: bool,
    now: str | None,
) -> int:
    """Write policy.baseline (default govctl-baseline.yaml) with every open finding of a
    waivable rule; non-waivable findings stay open and must be fixed."""
    config = ctx.config()
    target = ctx.root() / config.policy.baseline
    if target.exists() and not replace:
        raise UsageError(f"{config.policy.baseline} exists; prune it, or pass --replace")
    result = _run_check(ctx, now)
    entries = entries_for(
        (f for f in result.findings if not f.rule.startswith("GOV-WVR-")), result.rules
    )
    baseline = new_baseline(
        entries,
        name=name,
        owner=config.metadata.owner if config.metadata else None,
        approved_by=approved_by,
        justification=justification,
        expires=_expiry(ctx, expires, now),
        ticket=ticket,
    )
    write_atomically(target, render_baseline(baseline))
    recorded = {e.fingerprint for e in entries}
    left = [f for f in result.findings if not f.waived and f.fingerprint not in recorded]
    click.echo(f"wrote {config.policy.baseline}: {len(entries)} findings baselined")
    if left:
        click.echo(f"{len(left)} findings of non-waivable rules stay open and must be fixed")
    return 0


@click.command("prune")
@click.option("--now", metavar="TIME", help="Evaluate at this time (default: the clock).")
@click.pass_obj
def prune_command(ctx: CliContext, now: str | None) -> int:
    """Remove the entries whose findings no longer occur."""
    config = ctx.config()
    loaded = load_baseline(ctx.root(), config.policy.baseline)
    if loaded is None:
        raise UsageError(f"no baseline file ({config.policy.baseline})")
    result = _run_check(ctx, now)
    current = {f.fingerprint for f in result.findings}
    baseline, removed = pruned(loaded.baseline, current)
    if removed:
        write_atomically(ctx.root() / config.policy.baseline, render_baseline(baseline))
    click.echo(
        f"{config.policy.baseline}: removed {removed} resolved findings, "
        f"{len(baseline.spec.findings)} remain"
    )
    return 0


@click.group("waiver")
def waiver_group() -> None:
    """Scaffold waivers."""


def _find(result: CheckResult, key: str | None, rule: str | None, ref: str | None) -> Finding:
    if key:
        matches = [f for f in result.findings if f.fingerprint.startswith(key)]
    elif rule and ref:
        matches = [f for f in result.findings if f.rule == rule and f.ref == ref]
    else:
        raise UsageError("name a finding: FINGERPRINT, or --rule RULE --ref KIND/NAME")
    if not matches:
        raise UsageError("no current finding matches (see `govctl check --format json`)")
    return matches[0]


@click.command("new")
@click.argument("fingerprint", required=False)
@click.option("--rule", help="Rule id (with --ref).")
@click.option("--ref", help="Artifact identity, e.g. Deployment/app-prod (with --rule).")
@click.option("--approved-by", default="TODO-approver", show_default=True)
@click.option("--justification", default="TODO: why this finding is accepted", show_default=True)
@click.option("--ticket", help="Tracking reference.")
@click.option("--expires", metavar="YYYY-MM-DD", help="Default: today + waivers.maxDays.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--now", metavar="TIME", help="Evaluate at this time (default: the clock).")
@click.pass_obj
def new_command(
    ctx: CliContext,
    fingerprint: str | None,
    rule: str | None,
    ref: str | None,
    approved_by: str,
    justification: str,
    ticket: str | None,
    expires: str | None,
    output: Path | None,
    now: str | None,
) -> int:
    """Write a Waiver for one current finding, its expiry at the waivers.maxDays limit."""
    result = _run_check(ctx, now)
    finding = _find(result, fingerprint, rule, ref)
    if finding.ref is None:
        raise UsageError(f"{finding.rule} on {finding.file} names no artifact: it cannot be waived")
    meta = result.rules.get(finding.rule)
    if meta is not None and not meta.waivable:
        raise UsageError(f"{finding.rule} is not waivable: fix the finding instead")
    artifact = result.registry.get(finding.ref) if result.registry else None
    owner = str((artifact.metadata.get("owner") if artifact is not None else None) or "TODO-owner")
    slug = re.sub(r"[^a-z0-9]+", "-", f"{finding.rule}-{finding.ref.split('/', 1)[-1]}".lower())
    name = slug.strip("-")[:63].strip("-")
    roots = ctx.config().roots
    target = output or ctx.root() / roots[0] / "waivers" / f"{name}.yaml"
    if target.exists():
        raise UsageError(f"{target} exists: refusing to overwrite it")
    text = (
        "apiVersion: govctl/v1\nkind: Waiver\n"
        f"metadata:\n  name: {name}\n  owner: {owner}\n"
        f"  description: {_quote(finding.message)}\n"
        f"spec:\n  rule: {finding.rule}\n  target: {finding.ref}\n"
        f"  justification: {_quote(justification)}\n  approvedBy: {_quote(approved_by)}\n"
        f"  expires: {_expiry(ctx, expires, now)}\n"
        + (f"  ticket: {_quote(ticket)}\n" if ticket else "")
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as handle:
        handle.write(text)
    click.echo(f"wrote {target}")
    return 0


def _quote(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


baseline_group.add_command(create_command)
baseline_group.add_command(prune_command)
waiver_group.add_command(new_command)
