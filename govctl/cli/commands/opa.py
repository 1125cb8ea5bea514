"""``govctl opa serve``: run a local OPA for ``govctl check --engine opa`` (docs/spec.md §8)."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from types import FrameType

import click

from govctl.cli.context import CliContext, resolved
from govctl.config import find_root
from govctl.errors import EXIT_CLEAN, InfraError, UsageError
from govctl.opa_server import PINNED_VERSION, OpaServer, cache_candidates, find_opa


@click.group("opa")
def opa_group() -> None:
    """Work with a local OPA server (the `opa` engine)."""


def _repo_root(ctx: CliContext) -> Path | None:
    if ctx.root_option is not None:
        return resolved(ctx.root_option, "-C")
    return find_root(Path.cwd())


@opa_group.command("serve")
@click.option(
    "--opa-bin",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="GOVCTL_OPA_BIN",
    help="OPA binary (default: `opa` on PATH, then .cache/opa/bin/opa of the repository).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port on 127.0.0.1 (0: a free one).",
)
@click.pass_obj
def serve_command(ctx: CliContext, opa_bin: Path | None, port: int) -> int:
    """Start OPA on a loopback port, print its URL, and stop it on Ctrl-C or SIGTERM."""
    root = _repo_root(ctx)
    binary = find_opa(
        opa_bin, cache_candidates(root) + cache_candidates(Path.cwd()), os.environ.get("PATH", "")
    )
    if binary is None:
        wanted = (
            f"{opa_bin} is not an executable file"
            if opa_bin
            else ("no `opa` on PATH or in .cache/opa/bin")
        )
        raise UsageError(
            f"{wanted}; build the pinned OPA {PINNED_VERSION} with "
            "scripts/install-opa.sh, or pass --opa-bin"
        )
    server = OpaServer(binary, port=port, show_output=True)
    stop = threading.Event()

    def on_term(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_term)
    server.start()
    try:
        click.echo(server.url)
        click.echo(
            f"govctl: OPA ({binary}) serving on {server.url}; use it with "
            f"`govctl check --engine opa --opa-url {server.url}`; Ctrl-C stops it",
            err=True,
        )
        while not stop.wait(0.2):
            if server.process is None or server.process.poll() is not None:
                raise InfraError(f"OPA at {server.url} exited unexpectedly")
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    click.echo("govctl: OPA stopped", err=True)
    return EXIT_CLEAN
