"""``govctl audit ...``: the auditor's commands over the DuckDB audit trail (docs/spec.md §6).

Each command parses its arguments, calls ``govctl.api_audit`` and prints what
``govctl.output.audit_render`` returns. From the environment (read once, ``govctl.cli.context``):
``GOVCTL_ACTOR`` (else ``GITHUB_ACTOR``, else the login name) names the actor,
``GOVCTL_AUDIT_SIGNING_KEY`` may point at the signing key (CI secrets), overriding
``audit.signingKey``, and ``record-release`` defaults to ``GITHUB_SHA`` and ``GITHUB_REF``.
"""

from __future__ import annotations

from pathlib import Path

import click

from govctl import api_audit
from govctl.api_audit import AuditTarget, LogQuery, ReleaseInfo
from govctl.cli.context import CliContext
from govctl.errors import UsageError
from govctl.output import audit_render

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


def _target(ctx: CliContext, local: bool = False) -> AuditTarget:
    return AuditTarget(ctx.root(), ctx.config(), signing_key=ctx.env.signing_key, local=local)


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
    request = LogQuery(types, artifact, actor, since, until, limit)
    result = api_audit.log(_target(ctx, local), request)
    click.echo(audit_render.log(result.entries, fmt))
    return result.exit_code


@audit_group.command("query")
@click.argument("sql")
@FORMAT_OPTION
@LOCAL_OPTION
@click.pass_obj
def query_command(ctx: CliContext, sql: str, fmt: str, local: bool) -> int:
    """Run one read-only SELECT (tables: events, event_log, checkpoints, audit_meta)."""
    result = api_audit.query(_target(ctx, local), sql)
    click.echo(audit_render.query(result.result, fmt))
    return result.exit_code


@audit_group.command("asof")
@click.argument("time")
@click.option("--deployment", metavar="NAME", help="Only this deployment.")
@FORMAT_OPTION
@LOCAL_OPTION
@click.pass_obj
def asof_command(ctx: CliContext, time: str, deployment: str | None, fmt: str, local: bool) -> int:
    """What was live at TIME, who approved it, and which policies decided."""
    result = api_audit.as_of(_target(ctx, local), time, deployment)
    click.echo(audit_render.as_of(result.result, fmt))
    return result.exit_code


@audit_group.command("report")
@click.argument("name", type=click.Choice(api_audit.REPORTS))
@FORMAT_OPTION
@LOCAL_OPTION
@click.pass_obj
def report_command(ctx: CliContext, name: str, fmt: str, local: bool) -> int:
    """Canned auditor reports (one row per release or per waiver, with counts)."""
    result = api_audit.report(_target(ctx, local), name)
    click.echo(audit_render.report(result.name, result.rows, fmt))
    return result.exit_code


@audit_group.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(api_audit.EXPORT_FORMATS),
    default="parquet",
    show_default=True,
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
    result = api_audit.export(_target(ctx, local), fmt, since=since, until=until, output=output)
    click.echo(audit_render.exported_line(result.export, result.directory_shown))
    return result.exit_code


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
    target = _target(ctx, local)
    result = api_audit.verify(target, export_dir=export_dir, no_git=no_git)
    click.echo(audit_render.verify(result.report, fmt))
    if result.failure is not None:
        raise result.failure  # exit 4, after the report
    if not no_record:
        recorded = api_audit.record_verification(target, result, ctx.env.actor(actor))
        if recorded is not None and fmt == "text":
            click.echo(audit_render.recorded_line(recorded.recorded))
    return result.exit_code


@audit_group.command("checkpoint")
@ACTOR_OPTION
@click.pass_obj
def checkpoint_command(ctx: CliContext, actor: str | None) -> int:
    """Append a checkpoint event and write a (signed) checkpoint of the new head."""
    result = api_audit.checkpoint(_target(ctx), ctx.env.actor(actor))
    click.echo(audit_render.recorded_line(result.recorded))
    return result.exit_code


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
    plan = api_audit.key_plan(_target(ctx), private_key, public_key)
    if plan.private_inside_repository:
        click.echo(audit_render.key_inside_repository_warning(plan.private_key_shown), err=True)
    result = api_audit.keygen(plan, force=force)
    click.echo(audit_render.keygen_text(result.key_id, plan.private_key, plan.public_key_shown))
    return result.exit_code


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
    result = api_audit.rotate_key(_target(ctx), new_private_key)
    click.echo(
        audit_render.rotate_text(
            result.rotation, result.new_private_key, result.public_key_shown, result.statement_shown
        )
    )
    return result.exit_code


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
    commit = commit or ctx.env.get("GITHUB_SHA")
    if not commit:
        raise UsageError("pass --commit SHA (or set GITHUB_SHA)")
    info = ReleaseInfo(
        actor=ctx.env.actor(actor),
        commit=commit,
        ref=git_ref or ctx.env.get("GITHUB_REF"),
        pr=pr,
        author=author,
        approvers=tuple(approvers),
        policy_digest=policy_digest,
    )
    result = api_audit.record_release(_target(ctx), info)
    click.echo(audit_render.recorded_line(result.recorded))
    return result.exit_code
