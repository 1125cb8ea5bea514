"""Word-level differences of changed long strings (prompt messages, templates, descriptions,
justifications), so a reviewer reads what a prompt edit says rather than two cut-off prefixes.

A change is "long" when either side is a string over ``LONG_CHARS`` characters or spans several
lines; shorter values keep the ``before → after`` form. Words are compared (``difflib`` on
whitespace-separated words, line breaks kept as words of their own); runs of unchanged words
longer than twice ``CONTEXT`` words are cut to ``CONTEXT`` words on each side of a change, with
``…`` in between. Rendered as ``[-old-]{+new+}`` for text (git's plain word-diff) and as
``<del>``/``<ins>`` for Markdown.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from govctl.escape import printable
from govctl.markdown_escape import md_text

LONG_CHARS = 60
CONTEXT = 8
NEWLINE = "\n"
_WORDS = re.compile(r"\n|[^\s]+")


@dataclass(frozen=True)
class Run:
    op: str  # "=" unchanged, "-" removed, "+" added, "…" elided unchanged words
    words: tuple[str, ...]


def is_long(before: Any, after: Any) -> bool:
    """Whether a field change is shown as a word diff (both sides text or absent, one long)."""
    sides = [v for v in (before, after) if v is not None]
    if not sides or not all(isinstance(v, str) for v in sides):
        return False
    return any(len(v) > LONG_CHARS or "\n" in v.strip() for v in sides)


def _words(text: str | None) -> list[str]:
    return _WORDS.findall(printable((text or "").strip()))


def _trim(words: Sequence[str], first: bool, last: bool) -> list[Run]:
    """An unchanged run, cut to ``CONTEXT`` words next to the changes around it."""
    keep_head = 0 if first else CONTEXT
    keep_tail = 0 if last else CONTEXT
    if len(words) <= keep_head + keep_tail + 1:
        return [Run("=", tuple(words))]
    runs = []
    if keep_head:
        runs.append(Run("=", tuple(words[:keep_head])))
    runs.append(Run("…", ()))
    if keep_tail:
        runs.append(Run("=", tuple(words[-keep_tail:])))
    return runs


def word_diff(before: str | None, after: str | None) -> list[Run]:
    """The runs that turn ``before`` into ``after``, unchanged stretches cut to context."""
    old, new = _words(before), _words(after)
    codes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    runs: list[Run] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag == "equal":
            runs += _trim(old[i1:i2], first=index == 0, last=index == len(codes) - 1)
            continue
        if i2 > i1:
            runs.append(Run("-", tuple(old[i1:i2])))
        if j2 > j1:
            runs.append(Run("+", tuple(new[j1:j2])))
    return runs


def counts(runs: Sequence[Run]) -> tuple[int, int]:
    """(words removed, words added), line breaks not counted."""
    removed = sum(len([w for w in r.words if w != NEWLINE]) for r in runs if r.op == "-")
    added = sum(len([w for w in r.words if w != NEWLINE]) for r in runs if r.op == "+")
    return removed, added


def _join(words: Sequence[str], newline: str, escape: Callable[[str], str]) -> str:
    lines = " ".join(words).split(NEWLINE)
    return newline.join(escape(" ".join(line.split())) for line in lines).strip()


def as_text(runs: Sequence[Run]) -> str:
    """``… at most [-150-]{+200+} words …`` on one logical line (``⏎`` marks line breaks)."""
    parts = []
    for run in runs:
        words = _join(run.words, " ⏎ ", lambda s: s)
        parts.append({"=": words, "-": f"[-{words}-]", "+": f"{{+{words}+}}", "…": "…"}[run.op])
    return " ".join(p for p in parts if p)


def as_markdown(runs: Sequence[Run]) -> str:
    """The runs as one Markdown paragraph: ``<del>``/``<ins>`` around changes, data escaped."""
    parts = []
    for run in runs:
        words = _join(run.words, "<br>", md_text)
        tag = {"-": "del", "+": "ins"}.get(run.op)
        if run.op == "…":
            parts.append("…")
        elif tag and words:
            parts.append(f"<{tag}>{words}</{tag}>")
        elif words:
            parts.append(words)
    return " ".join(parts)
