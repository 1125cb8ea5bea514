"""``govctl check``: validate the registry against the policy library (docs/spec.md §7)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from govctl import api
from govctl.cli import progress as progress_display
from govctl.cli import terminal
from govctl.cli.context import CliContext, resolved
from govctl.cli.output import emit
from govctl.errors import UsageError
from govctl.output import FORMATS, messages, render
from govctl.output.text import summary_lines


def _repo_relative(paths: tuple[Path, ...], root: Path) -> tuple[str, ...]:
    out = []
    for path in paths:
        full = resolved(path, "path")
        try:
            out.append(full.relative_to(root).as_posix() or ".")
        except ValueError:
            raise UsageError(f"{path} is outside the repository {root}") from None
        if not full.exists():
            raise UsageError(f"{path} does not exist")
    return tuple("" if p == "." else p for p in out if p != ".") if "." not in out else ()


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--base", metavar="REF", help="Git ref to compare against (feeds input.change).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE."
)
@click.option("--engine", type=click.Choice(["embedded", "opa"]), help="Default: govctl.yaml.")
@click.option("--opa-url", metavar="URL", help="OPA server for --engine opa.")
@click.option(
    "--fail-on", type=click.Choice(["error", "warning", "never"]), help="Default: govctl.yaml."
)
@click.option("--now", metavar="TIME", help="Evaluate as of TIME (RFC 3339 or YYYY-MM-DD).")
@click.option("--no-audit", is_flag=True, help="Do not append an event to the audit trail.")
@click.option("--no-cache", is_flag=True, help="Ignore and do not update .govctl-cache.")
@click.option(
    "--workers", type=click.IntRange(min=0), default=0, help="Worker processes (0: one per CPU)."
)
@click.option("--stats", is_flag=True, help="Print stage timings to stderr.")
@click.option(
    "--quiet", "-q", is_flag=True, help="Print only the summary line (and no progress display)."
)
@click.option("--compact", is_flag=True, help="Text format: one line per finding.")
@click.option(
    "--color",
    type=click.Choice(terminal.COLOR_CHOICES),
    default="auto",
    show_default=True,
    help="Colour the text format (auto: on a terminal, honouring NO_COLOR and FORCE_COLOR).",
)
@click.pass_obj
def check_command(
    ctx: CliContext,
    paths: tuple[Path, ...],
    base: str | None,
    fmt: str,
    output: Path | None,
    engine: str | None,
    opa_url: str | None,
    fail_on: str | None,
    now: str | None,
    no_audit: bool,
    no_cache: bool,
    workers: int,
    stats: bool,
    quiet: bool,
    compact: bool,
    color: str,
) -> int:
    """Validate artifacts against the policy library; exit 1 on findings at or above --fail-on.

    A progress line is shown on stderr while it runs, when stderr is a terminal (not in CI, not
    with --quiet). With --output the report goes to FILE and the summary line to stderr."""
    root = ctx.root()
    options = api.CheckOptions(
        root=root,
        paths=_repo_relative(paths, root),
        base=base,
        engine=engine,
        opa_url=opa_url,
        fail_on=fail_on,
        now=now,
        audit=not no_audit,
        use_cache=not no_cache,
        workers=workers,
        config_path=ctx.config_option,
        actor=ctx.env.actor(),
    )
    display = progress_display.for_stderr(sys.stderr, quiet, ctx.env.variables)
    try:
        result = api.check(options, progress=display)
    finally:
        display.close()
    if "fallback" in result.engine:
        click.echo(messages.engine_fallback(result.engine, result.engine_version), err=True)
    _report(ctx, result, fmt, output, quiet, compact, color, root)
    if stats:
        text = messages.check_stats(result.timings, result.evaluated, result.cached)
        click.echo(text, err=True)
    return result.exit_code


def _report(
    ctx: CliContext,
    result: api.CheckResult,
    fmt: str,
    output: Path | None,
    quiet: bool,
    compact: bool,
    color: str,
    root: Path,
) -> None:
    env = ctx.env.variables
    stream = sys.stdout if output is None else sys.stderr
    paint = terminal.use_color(color, stream, env)
    width = terminal.width(stream, env)
    if output is not None:
        links = api.source_links(root, env) if fmt == "markdown" else None
        emit(render(result, fmt, links=links), output)
        lines = [*summary_lines(result, paint, width), messages.wrote_format(fmt, output)]
        click.echo("\n".join(lines), err=True, color=paint)
    elif quiet and fmt == "text":
        click.echo("\n".join(summary_lines(result, paint, width)), color=paint)
    else:
        links = api.source_links(root, env) if fmt == "markdown" else None
        text = render(result, fmt, color=paint, links=links, width=width, compact=compact)
        emit(text, None, color=paint)
