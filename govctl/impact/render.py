"""Impact report formats: ``json`` (docs/spec.md §5), ``markdown`` (PR comment), ``text``."""

from __future__ import annotations

from collections.abc import Callable

from govctl.errors import UsageError
from govctl.impact import render_json, render_markdown, render_text
from govctl.impact.report import ImpactReport

RENDERERS: dict[str, Callable[[ImpactReport], str]] = {
    "markdown": render_markdown.render,
    "json": render_json.render,
    "text": render_text.render,
}
FORMATS = tuple(RENDERERS)


def render(report: ImpactReport, fmt: str) -> str:
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise UsageError(f"unknown impact format {fmt!r} (choose from {', '.join(FORMATS)})")
    return renderer(report)
