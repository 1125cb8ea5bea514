"""Impact report formats: ``json`` (docs/spec.md §5), ``markdown`` (pull-request comment),
``text``."""

from __future__ import annotations

from collections.abc import Callable

from govctl.errors import UsageError
from govctl.impact import render_json, render_markdown, render_text
from govctl.impact.report import ImpactReport
from govctl.source_links import SourceLinks

RENDERERS: dict[str, Callable[[ImpactReport], str]] = {
    "markdown": render_markdown.render,
    "json": render_json.render,
    "text": render_text.render,
}
FORMATS = tuple(RENDERERS)


def render(
    report: ImpactReport, fmt: str, links: SourceLinks | None = None, width: int | None = None
) -> str:
    """Render ``report``; ``links`` (file links at the head commit) only affect Markdown,
    ``width`` (wrap long lines at this many columns) only text."""
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise UsageError(f"unknown impact format {fmt!r} (choose from {', '.join(FORMATS)})")
    if fmt == "markdown":
        return render_markdown.render(report, links)
    if fmt == "text":
        return render_text.render(report, width)
    return renderer(report)
