"""Data as GitHub-flavoured Markdown that renders as written: the one escaping step of every
Markdown writer (check, impact, readiness, policy list).

Text from the registry (names, refs, regions, messages quoting YAML) must never turn into
emphasis, links, HTML, headings or extra table columns. GitHub autolinks more than CommonMark
does (``support-reply@2.3.0`` becomes a ``mailto:`` link, ``www.x.y`` a web link) and a backslash
does not stop its e-mail autolinks, so words that look like references (they hold ``@``, ``*``,
``_``, ``/``, ``~``, ``://`` or ``www.``) are put in code spans, where nothing is interpreted;
the rest gets a backslash before each character with a Markdown meaning. Control and bidi
characters are shown as escapes first (``printable``), so a terminal or a reviewer never sees
them raw.

- ``md_text``: prose (a list item, a paragraph); one line.
- ``md_cell``: the content of a GFM table cell: also escapes ``|`` inside code spans (GFM splits
  cells before it parses code spans) and keeps line breaks as ``<br>``.
- ``md_code``: a whole value as one code span.
"""

from __future__ import annotations

import re

from govctl.escape import printable

# Characters with a meaning somewhere in CommonMark/GFM inline syntax or in HTML.
_PUNCT = re.compile(r"([\\`*_\[\]<>|~&])")
# A word that a GFM renderer could read as a link or emphasis: a code span makes it inert.
_REFERENCE = re.compile(r"[@*_/~]|://|www\.|\A(mailto|xmpp):", re.IGNORECASE)
# Quotes and sentence punctuation around a reference stay outside its code span.
_AROUND = re.compile(r"\A([\"'(\[{«“‘]*)(.*?)([\"')\]}»”’.,;:!?]*)\Z", re.DOTALL)
# Block syntax a line must not start with: a list item, a heading, an ordered list item.
# (Markers count only when followed by a space or the end: `551.23` and `-x` are plain text.)
_ORDERED = re.compile(r"\A\d{1,9}(?=[.)](?:\s|\Z))")
_BULLET = re.compile(r"\A[-+#](?=\s|\Z)")


def md_code(text: str, *, table: bool = False) -> str:
    """``text`` as one inline code span, on one line (``""`` for empty text)."""
    text = " ".join(printable(text).split())
    if not text:
        return ""
    if table:
        text = text.replace("|", "\\|")
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _word(word: str, table: bool) -> str:
    if not _REFERENCE.search(word):
        return _PUNCT.sub(r"\\\1", word)
    match = _AROUND.match(word)
    assert match is not None  # the pattern matches every string
    lead, core, trail = match.groups()
    if not core:
        return _PUNCT.sub(r"\\\1", word)
    return _PUNCT.sub(r"\\\1", lead) + md_code(core, table=table) + _PUNCT.sub(r"\\\1", trail)


def _line(text: str, table: bool) -> str:
    out = " ".join(_word(w, table) for w in text.split())
    # A leading `-`, `+`, `#` or `1.` would start a list or a heading.
    ordered = _ORDERED.match(out)
    if ordered:
        return f"{ordered.group()}\\{out[ordered.end() :]}"
    return "\\" + out if _BULLET.match(out) else out


def md_text(text: str) -> str:
    """Free text as inline Markdown on one line: references in code spans, the rest escaped."""
    return _line(printable(text), table=False)


def md_cell(text: str, limit: int | None = None) -> str:
    """Free text as a GFM table cell; lines joined with ``<br>``, cut at ``limit`` characters."""
    text = printable(text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    lines = [_line(line, table=True) for line in text.split("\n")]
    return "<br>".join(line for line in lines if line)


def md_row(cells: list[str]) -> str:
    """One GFM table row of cells that are already Markdown (``md_cell``/``md_code`` output)."""
    return "| " + " | ".join(cells) + " |"


def md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A GFM table: ``header`` is plain text (escaped here), ``rows`` already Markdown."""
    return [md_row([md_cell(h) for h in header]), "|" + "---|" * len(header)] + [
        md_row(row) for row in rows
    ]
