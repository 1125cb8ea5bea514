"""Renderers for check results: one module per format, registered explicitly here."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from govctl.check import CheckResult
from govctl.output import github, json_format, junit, markdown, sarif, text
from govctl.source_links import SourceLinks

Renderer = Callable[[CheckResult], str]

RENDERERS: Mapping[str, Renderer] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "github": github.render,
    "markdown": markdown.render,
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
    if fmt == "text":
        return text.render(result, color=color, width=width, compact=compact)
    if fmt == "markdown":
        return markdown.render(result, links=links)
    return RENDERERS[fmt](result)
