"""Word-level differences of changed long strings."""

from __future__ import annotations

from govctl.impact.render_worddiff import (
    CONTEXT,
    as_markdown,
    as_text,
    counts,
    is_long,
    word_diff,
)


def test_only_long_or_multiline_text_is_diffed() -> None:
    assert not is_long("short", "also short")
    assert not is_long(["a"] * 100, None)  # lists keep before → after
    assert is_long("x" * 61, "y")
    assert is_long("one\ntwo", "one")
    assert is_long(None, "z" * 100)


def test_changes_keep_context_and_elide_the_rest() -> None:
    before = " ".join(f"w{i}" for i in range(100))
    after = before.replace("w50", "W50")
    runs = word_diff(before, after)
    assert counts(runs) == (1, 1)
    shown = as_text(runs)
    assert shown == (
        "… " + " ".join(f"w{i}" for i in range(50 - CONTEXT, 50)) + " [-w50-] {+W50+} "
        + " ".join(f"w{i}" for i in range(51, 51 + CONTEXT)) + " …"
    )


def test_markdown_escapes_data_and_marks_changes() -> None:
    runs = word_diff(
        "Never quote support-reply@2.3.0 or eu-* and keep answers at most 150 words please",
        "Never quote support-reply@2.3.0 or eu-* and keep answers at most 200 words please",
    )
    out = as_markdown(runs)
    assert "`support-reply@2.3.0`" in out and "`eu-*`" in out
    assert "<del>150</del> <ins>200</ins>" in out


def test_line_breaks_are_words_of_their_own() -> None:
    runs = word_diff("first line\nsecond line", "first line\nsecond line\nthird line")
    assert counts(runs) == (0, 2)
    assert as_text(runs) == "first line ⏎ second line {+⏎ third line+}"
    assert as_markdown(runs) == "first line<br>second line <ins><br>third line</ins>"
