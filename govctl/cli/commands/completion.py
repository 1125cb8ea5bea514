"""``govctl completion bash|zsh|fish``: the shell completion script, from click's own support.

Load it once per shell, e.g. ``eval "$(govctl completion bash)"`` in ``~/.bashrc``; it completes
commands, options and choices (formats, engines) by asking govctl itself.
"""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from govctl.errors import EXIT_CLEAN


@click.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion_command(shell: str) -> int:
    """Print the completion script for SHELL (eval it in your shell's start-up file)."""
    from govctl.cli.main import cli  # the command tree being completed

    completion = get_completion_class(shell)
    assert completion is not None  # bash, zsh and fish are built into click
    click.echo(completion(cli, {}, "govctl", "_GOVCTL_COMPLETE").source())
    return EXIT_CLEAN
