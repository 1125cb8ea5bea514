"""Library API of ``govctl site build | serve``: the static governance portal (docs/site.md)."""

from __future__ import annotations

import contextlib
import functools
import http.server
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from govctl.errors import EXIT_CLEAN, UsageError
from govctl.site import DEFAULT_OUTPUT, SiteOptions, SiteResult, build_site
from govctl.site.write import MARKER

__all__ = ["DEFAULT_OUTPUT", "ServeResult", "SiteOptions", "SiteResult", "build", "serve"]


def build(options: SiteOptions) -> SiteResult:
    """Write the site; ``exit_code`` 4 when it is written but the audit trail fails
    verification."""
    return build_site(options)


@dataclass(frozen=True)
class ServeResult:
    folder: Path
    exit_code: int = EXIT_CLEAN


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def serve(folder: Path, port: int, ready: Callable[[str], None]) -> ServeResult:
    """Serve a built site on 127.0.0.1 until interrupted (Ctrl-C); ``ready`` gets the URL."""
    if not (folder / MARKER).is_file():
        raise UsageError(f"no site in {folder}: run `govctl site build` first")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    with server:
        ready(f"http://127.0.0.1:{server.server_address[1]}/")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return ServeResult(folder)
