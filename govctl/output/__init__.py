"""Renderers for check results: one module per format, registered explicitly here.

The format modules are imported when a result is rendered, not with this package: commands
that only use the package's other renderers (audit, policy, registry) skip their imports."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govctl.check import CheckResult
    from govctl.source_links import SourceLinks

# format → the module under govctl.output whose ``render(result)`` produces it
RENDERERS: dict[str, str] = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "junit": "junit",
    "github": "github",
    "markdown": "markdown",
}

FORMATS = tuple(RENDERERS)


def render(
    result: CheckResult,
    fmt: str,
    *,
    color: bool = False,
    links: SourceLinks | None = None,
    width: int | None = None,
    compact: bool = False,
) -> str:
    """Render ``result``. ``color``, ``width`` (wrap at this many columns) and ``compact`` (one
    line per finding) only affect the text format; ``links`` (file links at a commit) only the
    Markdown format."""
    module = import_module(f"govctl.output.{RENDERERS[fmt]}")
    if fmt == "text":
        return str(module.render(result, color=color, width=width, compact=compact))
    if fmt == "markdown":
        return str(module.render(result, links=links))
    return str(module.render(result))
