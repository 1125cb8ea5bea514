"""`govctl check` (placeholder until the pipeline lands)."""

from __future__ import annotations

import click


@click.command("check")
def check_command() -> int:
    """Validate the registry against the policy library."""
    click.echo("not implemented yet", err=True)
    return 3
