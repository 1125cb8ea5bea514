"""The one place that turns exceptions into exit codes and one-line messages.

Library code raises ``GovctlError`` subclasses; anything else is a bug, reported in one line with
a hint to rerun with ``GOVCTL_DEBUG=1`` for the traceback (exit 3: govctl fails closed).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable

import click

from govctl.errors import EXIT_CLEAN, EXIT_INFRA, EXIT_INTERRUPTED, EXIT_USAGE, GovctlError


def run_guarded(func: Callable[[], int], *, debug: bool = False) -> int:
    """Run a command body and return its exit code, whatever it raises (``debug``: print the
    traceback of an internal error, ``$GOVCTL_DEBUG``)."""
    try:
        return func()
    except GovctlError as exc:
        click.echo(f"govctl: error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except KeyboardInterrupt:
        click.echo("govctl: interrupted", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Output piped into `head` and closed: not an error worth a message.
        sys.stderr.close()
        return EXIT_CLEAN
    except Exception as exc:
        if debug:
            traceback.print_exc()
        click.echo(
            f"govctl: internal error: {type(exc).__name__}: {exc} "
            "(rerun with GOVCTL_DEBUG=1 for details)",
            err=True,
        )
        return EXIT_INFRA
