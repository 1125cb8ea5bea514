"""Writing command output: stdout, or a user-named file through ``govctl.fileio.write_output``
(atomic over regular files, written through devices and FIFOs, never replacing a symlink)."""

from __future__ import annotations

from pathlib import Path

import click

from govctl.fileio import write_output


def emit(text: str, output: Path | None, color: bool | None = None) -> None:
    """``color``: keep ANSI sequences on stdout even when it is not a terminal (FORCE_COLOR)."""
    if output is None:
        click.echo(text, nl=False, color=color)
        return
    write_output(output, text)
