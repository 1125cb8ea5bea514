"""``govctl init [DIR]``: scaffold a new governance repository (``govctl.scaffold``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from govctl import api
from govctl.output import messages

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
    "--govctl-dist",
    "dists",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="FILE",
    help="A wheel or sdist of this govctl version to pin by hash (repeatable). Default: the "
    "hashes of its files on PyPI.",
)
@click.option(
    "--pypi-json",
    default=api.PYPI_JSON_API,
    show_default=True,
    metavar="URL",
    help="The package index JSON API the hashes are read from (without --govctl-dist).",
)
@click.option(
    "--requirements-only",
    is_flag=True,
    help="Only (re)write .github/govctl-requirements.txt, e.g. after upgrading govctl.",
)
@click.option("--name", metavar="NAME", help="metadata.name in govctl.yaml (default: DIR's name).")
def init_command(
    directory: Path,
    force: bool,
    github_org: str,
    dists: tuple[Path, ...],
    pypi_json: str,
    requirements_only: bool,
    name: str | None,
) -> int:
    """Scaffold a governance repository in DIR (default: here) that passes `govctl check`."""
    options = api.ScaffoldOptions(
        target=directory,
        now=dt.datetime.now(dt.UTC).replace(microsecond=0),
        pin=api.govctl_pin(dists, pypi_json),
        force=force,
        requirements_only=requirements_only,
        github_org=github_org,
        name=name,
    )
    result = api.init(options)
    click.echo(
        messages.init_written(len(result.written), result.root, result.overwritten), nl=False
    )
    if requirements_only:
        return result.exit_code
    here = directory.resolve() == Path.cwd().resolve()
    steps = messages.init_next_steps(None if here else directory, github_org == DEFAULT_ORG)
    click.echo(steps)
    return result.exit_code
