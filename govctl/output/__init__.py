"""Renderers for check results: one module per format, registered explicitly here."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from govctl.check import CheckResult
from govctl.output import github, json_format, junit, markdown, sarif, text

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


def render(result: CheckResult, fmt: str, *, color: bool = False) -> str:
    """Render ``result``; ``color`` only affects the text format (ANSI colours for a terminal)."""
    if fmt == "text":
        return text.render(result, color=color)
    return RENDERERS[fmt](result)
