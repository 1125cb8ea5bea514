"""``govctl init [DIR]``: scaffold a new governance repository (``govctl.scaffold``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from govctl import __version__
from govctl.errors import EXIT_CLEAN
from govctl.scaffold import ScaffoldOptions, scaffold

NEXT_STEPS = """\
next steps:{cd}
  git init -b main && git add -A && git commit -m "govctl init"
  govctl check                      # the examples pass the built-in policy catalog{codeowners}
  pre-commit install                # govctl-check on every commit (.pre-commit-config.yaml)
Replace the examples under registry/ and prompts/ with your own systems; see README.md."""
# Only without --github-org: with it, .github/CODEOWNERS already names the organisation.
CODEOWNERS_STEP = """
  govctl codeowners --org <your GitHub org>   # then commit .github/CODEOWNERS"""
DEFAULT_ORG = "your-org"


@click.command("init")
@click.argument(
    "directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option(
    "--github-org",
    default=DEFAULT_ORG,
    show_default=True,
    metavar="ORG",
    help="GitHub organisation for CODEOWNERS (team T → @ORG/T).",
)
@click.option(
    "--requirement",
    default=f"govctl=={__version__}",
    show_default=True,
    metavar="SPEC",
    help="What the CI workflows `pip install` to get govctl.",
)
@click.option("--name", metavar="NAME", help="metadata.name in govctl.yaml (default: DIR's name).")
def init_command(
    directory: Path, force: bool, github_org: str, requirement: str, name: str | None
) -> int:
    """Scaffold a governance repository in DIR (default: here) that passes `govctl check`."""
    options = ScaffoldOptions(
        target=directory,
        now=dt.datetime.now(dt.UTC).replace(microsecond=0),
        force=force,
        requirement=requirement,
        github_org=github_org,
        name=name,
    )
    result = scaffold(options)
    click.echo(f"wrote {len(result.written)} files in {result.root}")
    for path in result.overwritten:
        click.echo(f"  overwrote {path}")
    here = directory.resolve() == Path.cwd().resolve()
    codeowners = CODEOWNERS_STEP if github_org == DEFAULT_ORG else ""
    click.echo(NEXT_STEPS.format(cd="" if here else f"\n  cd {directory}", codeowners=codeowners))
    return EXIT_CLEAN
