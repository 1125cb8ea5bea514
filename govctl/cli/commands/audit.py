"""``govctl audit ...``: the auditor's commands over the DuckDB audit trail (docs/spec.md §6).

Reads open the store read-only. Commands that write to the store (record-release, checkpoint,
and verify unless --no-record) append events through ``govctl.audit.api.record_events``, which
also writes the run's checkpoint file. The environment is read here and only here:
``GOVCTL_ACTOR`` (else ``GITHUB_ACTOR``, else the login name) names the actor, and
``GOVCTL_AUDIT_SIGNING_KEY`` may point at the signing key (CI secrets), overriding
``audit.signingKey``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from govctl.audit import auditor, render
from govctl.audit.api import EventDraft, RecordResult, record_events, utc_now, verify_audit
from govctl.audit.checkpoints import generate_keypair
from govctl.audit.export import EXPORT_FORMATS, export_events
from govctl.audit.keys import rotate_signing_key
from govctl.audit.paths import AuditPaths, audit_paths
from govctl.audit.query import LogFilter, parse_time_bound, read_log, run_query
from govctl.audit.release import ReleaseInfo, release_events
from govctl.audit.store import reading
from govctl.audit.verify import VerifyReport
from govctl.cli.actor import default_actor
from govctl.cli.context import CliContext
from govctl.errors import EXIT_CLEAN, UsageError
from govctl.hints import did_you_mean

FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
ACTOR_OPTION = click.option(
    "--actor", metavar="NAME", help="Who acts (default: $GOVCTL_ACTOR, $GITHUB_ACTOR, login name)."
)


LOCAL_OPTION = click.option(
    "--local",
    is_flag=True,
    help="Read the personal trail of local runs, not the authoritative one.",
)


def _env_key() -> Path | None:
    env_key = os.environ.get("GOVCTL_AUDIT_SIGNING_KEY")
    return Path(env_key).expanduser() if env_key else None


def _paths(ctx: CliContext, local: bool = False) -> AuditPaths:
    return audit_paths(
        ctx.config().audit,
        ctx.root(),
        signing_key_path=_env_key(),
        trail="local" if local else "authoritative",
    )


def _record(ctx: CliContext, drafts: list[EventDraft]) -> RecordResult:
    return record_events(ctx.config().audit, ctx.root(), drafts, signing_key_path=_env_key())


def _recorded_line(result: RecordResult) -> str:
    signed = "signed" if result.signed else "unsigned"
    where = " in the local trail" if result.trail == "local" else ""
    return (
        f"recorded events {result.first_seq}..{result.last_seq}{where}, head "
        f"{result.head[:16]}; {signed} checkpoint {result.checkpoint_file.name}"
    )


@click.group("audit")
def audit_group() -> None:
    """Query, verify and export the tamper-evident audit trail."""


@audit_group.command("log")
@click.option(
    "--type",
    "types",
    multiple=True,
    metavar="TYPE",
    help="check|impact|release|waiver|checkpoint|verify|gateway (repeatable).",
)
@click.option("--artifact", metavar="REF", help="Events touching this artifact (identity or name).")
@click.option("--actor", metavar="NAME")
@click.option("--since", metavar="TIME", help="From TIME (YYYY-MM-DD or RFC 3339), inclusive.")
@click.option("--until", metavar="TIME", help="Up to TIME, inclusive (a date: the whole day).")
@click.option("--limit", type=click.IntRange(min=1), help="Only the newest N events.")
@FORMAT_OPTION
@LOCAL_OPTION
@click.pass_obj
def log_command(
    ctx: CliContext,
    types: tuple[str, ...],
    artifact: str | None,
    actor: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
    fmt: str,
    local: bool,
) -> int:
    """List events, oldest first."""
    paths = _paths(ctx, local)
    flt = LogFilter(
        types,
        artifact,
        actor,
        parse_time_bound(since, what="--since") if since else None,
        parse_time_bound(until, end=True, what="--until") if until else None,
        limit,
    )
    with reading(paths.db, shown=paths.db_shown, timeout=paths.lock_timeout) as con:
        entries = read_log(con, flt)
    click.echo(render.log_json(entries) if fmt == "json" else render.log_text(entries))
    return EXIT_CLEAN


@audit_group.command("query")
@click.argument("sql")
@FORMAT_OPTION
@LOCAL_OPTION
@click.pass_obj
def query_command(ctx: CliContext, sql: str, fmt: str, local: bool) -> int:
    """Run one read-only SELECT (tables: events, event_log, checkpoints, audit_meta)."""
    paths = _paths(ctx, local)
    result = run_query(paths.db, shown=paths.db_shown, timeout=paths.lock_timeout, sql=sql)
    click.echo(render.query_json(result) if fmt == "json" else render.query_text(result))
    return EXIT_CLEAN


def _no_such_deployment(everything: auditor.AsOf, deployment: str, at: str) -> None:
    """A deployment the release live at ``at`` does not hold: a typo gets a did-you-mean."""
    if everything.release is None:
        return  # nothing recorded yet: the report says so
    known = [*everything.deployments, *(i.partition("/")[2] for i in everything.deployments)]
    if deployment in known:
        raise UsageError(f"deployment {deployment!r} was not live at {at}")
    raise UsageError(f"no such deployment {deployment!r} at {at}{did_you_mean(deployment, known)}")


@audit_group.command("asof")
@click.argument("time")
@click.option("--deployment", metavar="NAME", help="Only this deployment.")
@FORMAT_OPTION
@LOCAL_OPTION
@click.pass_obj
def asof_command(ctx: CliContext, time: str, deployment: str | None, fmt: str, local: bool) -> int:
    """What was live at TIME, who approved it, and which policies decided."""
    paths = _paths(ctx, local)
    at = parse_time_bound(time, end=True, what="TIME")
    with reading(paths.db, shown=paths.db_shown, timeout=paths.lock_timeout) as con:
        result = auditor.as_of(con, at, deployment)
        if deployment and not result.deployments:
            _no_such_deployment(auditor.as_of(con, at, None), deployment, at)
    click.echo(
        render.to_json(render.asof_json(result)) if fmt == "json" else render.asof_text(result)
    )
    return EXIT_CLEAN


@audit_group.command("report")
@click.argument("name", type=click.Choice(auditor.REPORTS))
@FORMAT_OPTION
@LOCAL_OPTION
@click.pass_obj
def report_command(ctx: CliContext, name: str, fmt: str, local: bool) -> int:
    """Canned auditor reports (one row per release or per waiver, with counts)."""
    paths = _paths(ctx, local)
    with reading(paths.db, shown=paths.db_shown, timeout=paths.lock_timeout) as con:
        rows = auditor.REPORT_FUNCTIONS[name](con)
    click.echo(
        render.to_json({"report": name, "rows": rows})
        if fmt == "json"
        else render.report_text(name, rows)
    )
    return EXIT_CLEAN


@audit_group.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="parquet", show_default=True
)
@click.option("--since", metavar="TIME")
@click.option("--until", metavar="TIME")
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to create (default: <audit.exports>/<timestamp>-<format>).",
)
@LOCAL_OPTION
@click.pass_obj
def export_command(
    ctx: CliContext,
    fmt: str,
    since: str | None,
    until: str | None,
    output: Path | None,
    local: bool,
) -> int:
    """Export whole runs of events with a manifest bound to the checkpoint they end at."""
    paths = _paths(ctx, local)
    now = utc_now()
    out = output or paths.exports / f"{now.strftime('%Y%m%dT%H%M%S%fZ')}-{fmt}"
    result = export_events(
        paths.db,
        shown=paths.db_shown,
        timeout=paths.lock_timeout,
        out_dir=out,
        fmt=fmt,
        since=parse_time_bound(since, what="--since") if since else None,
        until=parse_time_bound(until, end=True, what="--until") if until else None,
        created_at=now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    )
    span = f"events {result.first_seq}..{result.last_seq}" if result.rows else "no events"
    click.echo(
        f"exported {span} to {paths.shown(result.directory)} (manifest {result.manifest.name})"
    )
    return EXIT_CLEAN


def _show_report(report: VerifyReport, fmt: str) -> None:
    if fmt == "json":
        click.echo(render.to_json(render.verify_json(report)))
    else:
        click.echo(render.verify_text(report))


@audit_group.command("verify")
@click.option(
    "--export",
    "export_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Verify an export folder offline instead of the database.",
)
@click.option("--no-record", is_flag=True, help="Do not append a verify event (read-only use).")
@click.option(
    "--no-git",
    is_flag=True,
    help="Check against the work tree's checkpoint files only (git history is the anchor).",
)
@LOCAL_OPTION
@ACTOR_OPTION
@FORMAT_OPTION
@click.pass_obj
def verify_command(
    ctx: CliContext,
    export_dir: Path | None,
    no_record: bool,
    no_git: bool,
    local: bool,
    actor: str | None,
    fmt: str,
) -> int:
    """Check the chain (SQL and Python) and every checkpoint committed in git; exit 4 on
    tampering."""
    report = verify_audit(ctx.config().audit, ctx.root(), export_dir, no_git=no_git, local=local)
    _show_report(report, fmt)
    report.raise_if_failed()
    if export_dir is None and not no_record and report.sql is not None:
        # A failed verification never extends the chain it found broken (raised above). The
        # event goes to the trail this run writes (the local one unless this is the recorder).
        details: dict[str, Any] = {
            "result": "ok",
            "trail": "local" if local else "authoritative",
            "size": report.size,
            "head": report.head,
            "checkpointsChecked": report.checkpoints_checked,
            "verifiers": ["sql", "python"],
        }
        result = _record(
            ctx,
            [
                EventDraft(
                    type="verify",
                    actor=default_actor(actor),
                    decision={"result": "ok"},
                    details=details,
                )
            ],
        )
        if fmt == "text":
            click.echo(_recorded_line(result))
    return EXIT_CLEAN  # a failed verification raised above (exit 4)


@audit_group.command("checkpoint")
@ACTOR_OPTION
@click.pass_obj
def checkpoint_command(ctx: CliContext, actor: str | None) -> int:
    """Append a checkpoint event and write a (signed) checkpoint of the new head."""
    result = _record(
        ctx,
        [
            EventDraft(
                type="checkpoint", actor=default_actor(actor), details={"reason": "requested"}
            )
        ],
    )
    click.echo(_recorded_line(result))
    return EXIT_CLEAN


@audit_group.command("keygen")
@click.option(
    "--private-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Default: audit.signingKey, else ~/.config/govctl/audit-signing-key.pem.",
)
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Default: audit.publicKey, else audits/audit-signing-key.pub.pem.",
)
@click.option("--force", is_flag=True, help="Replace existing key files.")
@click.pass_obj
def keygen_command(
    ctx: CliContext, private_key: Path | None, public_key: Path | None, force: bool
) -> int:
    """Write an Ed25519 key pair: the private key stays out of git, the public key is committed."""
    paths = _paths(ctx)
    private = (
        private_key
        or paths.signing_key
        or (Path.home() / ".config" / "govctl" / "audit-signing-key.pem")
    )
    public = public_key or paths.public_key or (paths.root / "audits" / "audit-signing-key.pub.pem")
    if private.resolve().is_relative_to(paths.root):
        click.echo(
            f"warning: {paths.shown(private)} is inside the repository: make sure git "
            "ignores it (never commit a private key)",
            err=True,
        )
    key_id = generate_keypair(private, public, force=force)
    click.echo(
        f"wrote {key_id}\n  private key: {private} (mode 0600; keep it secret)\n"
        f"  public key:  {paths.shown(public)} (commit it)\n"
        f"configure govctl.yaml:\n  audit:\n    signingKey: {private}\n"
        f"    publicKey: {paths.shown(public)}"
    )
    return EXIT_CLEAN


@audit_group.command("rotate-key")
@click.option(
    "--new-private-key",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the new private key (mode 0600; outside the repository).",
)
@click.pass_obj
def rotate_key_command(ctx: CliContext, new_private_key: Path) -> int:
    """Replace the signing key: the previous key signs a statement that introduces the new one."""
    paths = _paths(ctx)
    if paths.signing_key is None or paths.public_key is None:
        raise UsageError(
            "rotate-key needs the current key: set audit.signingKey (or "
            "$GOVCTL_AUDIT_SIGNING_KEY) and audit.publicKey"
        )
    result = rotate_signing_key(paths, new_private_key, utc_now())
    click.echo(
        f"rotated {result.previous_key_id} -> {result.new_key_id}\n"
        f"  new private key: {new_private_key} (mode 0600; keep it secret, update CI's secret)\n"
        f"  public key:      {paths.shown(paths.public_key)} (commit it)\n"
        f"  statement:       {paths.shown(result.statement)} (commit it)"
    )
    return EXIT_CLEAN


@audit_group.command("record-release")
@click.option("--commit", metavar="SHA", help="Merged commit (default: $GITHUB_SHA).")
@click.option("--ref", "git_ref", metavar="REF", help="Branch or tag (default: $GITHUB_REF).")
@click.option("--pr", metavar="N", help="Pull request number or URL.")
@click.option("--author", required=True, metavar="NAME", help="Author of the change.")
@click.option(
    "--approver", "approvers", multiple=True, metavar="NAME", help="Who approved it (repeatable)."
)
@click.option("--policy-digest", metavar="DIGEST", help="Policy bundle digest that decided.")
@ACTOR_OPTION
@click.pass_obj
def record_release_command(
    ctx: CliContext,
    commit: str | None,
    git_ref: str | None,
    pr: str | None,
    author: str,
    approvers: tuple[str, ...],
    policy_digest: str | None,
    actor: str | None,
) -> int:
    """Record what went live with a merge (run post-merge, e.g. in CI)."""
    from govctl.api import load_registry  # the loader is heavy: only this command needs it

    commit = commit or os.environ.get("GITHUB_SHA")
    if not commit:
        raise UsageError("pass --commit SHA (or set GITHUB_SHA)")
    info = ReleaseInfo(
        actor=default_actor(actor),
        commit=commit,
        ref=git_ref or os.environ.get("GITHUB_REF"),
        pr=pr,
        author=author,
        approvers=tuple(approvers),
        policy_digest=policy_digest,
    )
    registry = load_registry(ctx.root(), ctx.config())
    paths = _paths(ctx)
    before: dict[str, Any] = {}
    if paths.db.exists():
        with reading(paths.db, shown=paths.db_shown, timeout=paths.lock_timeout) as con:
            before = auditor.previous_waivers(con)
    result = _record(ctx, list(release_events(info, registry, before)))
    click.echo(_recorded_line(result))
    return EXIT_CLEAN
