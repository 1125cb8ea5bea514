"""Writing command output: stdout, or a file replaced atomically (never half-written)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import click

from govctl.errors import InfraError


def emit(text: str, output: Path | None, color: bool | None = None) -> None:
    """``color``: keep ANSI sequences on stdout even when it is not a terminal (FORCE_COLOR)."""
    if output is None:
        click.echo(text, nl=False, color=color)
        return
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise InfraError(f"cannot write {output}: {exc.strerror}") from None
