"""Every Markdown writer, rendered by a CommonMark + GFM-tables renderer (markdown-it-py with
linkify): no emphasis, link, autolink or stray HTML may come from data.

GitHub autolinks more than linkify-it does (``support-reply@2.3.0`` becomes a ``mailto:`` link
there), so text outside code spans is also checked against GFM's own extended-autolink shapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from govctl.markdown_escape import md_table, md_text
from govctl.output import markdown
from govctl.output.policy_render import row as policy_row
from govctl.readiness_render import readiness_markdown
from govctl.reports import COMPONENTS, STAGES, Cell, Scorecard
from govctl.source_links import SourceLinks
from tests.output.builders import CATALOG, edge_result, finding, result, rule

GOLDEN = Path(__file__).parents[1] / "impact" / "golden"
DATA = [
    "eu-*, europe-*",
    "support-reply@2.3.0",
    "max_tokens_limit and _private_",
    "a | b",
    "*bold* **strong** ~~gone~~",
    "see www.example.com or https://example.com/x_y",
    "mail ops_team@example.com",
    "<script>alert(1)</script> &amp; [link](http://x.y)",
    "# heading",
    "- item",
    "1. item",
    "`tick`",
]
# Our own emphasis: verdicts, section titles, role names, change labels.
OWN_EMPHASIS = re.compile(
    r"govctl check (failed|passed)|Why|(Introduced|Resolved) \(\d+\)|[a-z][a-z-]*|no|"
    r"(guardrail weakened|residency widened|eval threshold lowered|released prompt edited)|"
    r"Deployment/\S+|\d+ more [a-z ]+ not shown: see the JSON report\."
)
OWN_HTML = re.compile(r"</?(del|ins|br|sub|code|summary|details)>|<!-- govctl:check -->")
# GFM extended autolinks: www., scheme://, and e-mail addresses (domain with a dot).
GFM_AUTOLINK = re.compile(r"www\.|[a-z]+://|[\w.+-]+@[\w-]+(\.[\w-]+)+", re.IGNORECASE)

RENDERER = MarkdownIt("gfm-like")  # CommonMark + GFM tables, strikethrough and linkify


def walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def text_between(tokens: list[Token], open_type: str) -> list[str]:
    """The text inside every ``open_type`` (em_open, strong_open, link_open …) element."""
    out: list[str] = []
    flat = list(walk(tokens))
    close_type = open_type.replace("_open", "_close")
    for index, token in enumerate(flat):
        if token.type != open_type:
            continue
        depth, parts = 1, []
        for inner in flat[index + 1 :]:
            depth += (inner.type == open_type) - (inner.type == close_type)
            if depth == 0:
                break
            parts.append(inner.content)
        out.append("".join(parts))
    return out


def assert_inert(document: str, links: SourceLinks | None = None) -> None:
    tokens = RENDERER.parse(document)
    for kind in ("em_open", "strong_open"):
        for inside in text_between(tokens, kind):
            assert OWN_EMPHASIS.fullmatch(inside), f"{kind} produced from data: {inside!r}"
    assert not text_between(tokens, "s_open"), "strikethrough produced from data"
    for token in walk(tokens):
        if token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            assert links is not None and href.startswith(links.repository_url), href
        if token.type == "text":
            assert not GFM_AUTOLINK.search(token.content), f"autolink in text: {token.content!r}"
        if token.type in ("html_inline", "html_block"):
            for tag in re.findall(r"<[^>]*>", token.content):
                assert OWN_HTML.fullmatch(tag), f"HTML from data: {tag!r}"
        if token.type == "heading_open":
            assert token.tag in ("h3", "h4"), "a heading produced from data"


def test_the_checker_catches_what_github_would_do_with_raw_data() -> None:
    with pytest.raises(AssertionError):
        assert_inert("rules eu-*, europe-* apply")  # becomes italics
    with pytest.raises(AssertionError):
        assert_inert("uses support-reply@2.3.0")  # GitHub: a mailto: link
    with pytest.raises(AssertionError):
        assert_inert("| a |\n|---|\n| <b>x</b> |")


@pytest.mark.parametrize("data", DATA)
def test_escaped_text_is_inert_and_keeps_its_characters(data: str) -> None:
    escaped = md_text(data)
    assert_inert(f"- {escaped}")
    rendered = "".join(
        t.content for t in walk(RENDERER.parse(escaped)) if t.type in ("text", "code_inline")
    )
    assert " ".join(rendered.split()) == " ".join(data.split())


def test_check_markdown_is_inert() -> None:
    hostile = [
        finding("GOV-RES-002", data, line=i + 1, path=f"spec.x[{i}]") for i, data in enumerate(DATA)
    ]
    document = markdown.render(result(hostile, CATALOG))
    assert_inert(document)
    assert_inert(markdown.render(edge_result()))
    links = SourceLinks("https://github.com/acme/gov", "0123abc")
    assert_inert(markdown.render(edge_result(), links=links), links)
    table = [t for t in walk(RENDERER.parse(document)) if t.type == "tr_open"]
    assert len(table) == len(DATA) + 1  # header + one row per finding: no cell split a row


@pytest.mark.parametrize("size", [5, 50, 500])
def test_impact_markdown_is_inert(size: int) -> None:
    document = (GOLDEN / f"{size}.md").read_text(encoding="utf-8")
    assert_inert(document)
    codes = {t.content for t in walk(RENDERER.parse(document)) if t.type == "code_inline"}
    assert {"support-reply@2.3.0", "eu-*", "europe_north|2", "*-sovereign"} <= codes


def test_readiness_and_policy_list_markdown_are_inert() -> None:
    cells = tuple(
        Cell(component, stage, "fail", ("GOV-X",), tuple(f"GOV-X: {d}" for d in DATA))
        for component in COMPONENTS
        for stage in STAGES
    )
    card = Scorecard("Deployment/eu_*support@2.3.0", "prod_|eu", cells)
    assert_inert(readiness_markdown([card]))
    rules = [rule(f"GOV-{i}", title=d, controls=(d,)) for i, d in enumerate(DATA)]
    assert_inert("\n".join(md_table(["id", "title"], [policy_row(r)[:2] for r in rules])))
    assert_inert("\n".join(md_table(["id", "all"], [policy_row(r) for r in rules][:1])[:2]))
