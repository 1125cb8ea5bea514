"""Dataset measurement (JSONL cases, tag counts, invalid lines): pure function tests."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from govctl.loader.load import measure_dataset


def float_constant(name: str) -> float:
    raise ValueError(name)


def reference(data: bytes) -> tuple[int, dict[str, int], tuple[int, ...]]:
    """The definition: every line with non-whitespace bytes is one JSON object (strict JSON)."""
    cases, tags, invalid = 0, {}, []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            case = json.loads(raw, parse_constant=float_constant)
        except ValueError:
            invalid.append(number)
            continue
        if not isinstance(case, dict):
            invalid.append(number)
            continue
        cases += 1
        for tag in {t for t in case.get("tags") or [] if isinstance(t, str)}:
            tags[tag] = tags.get(tag, 0) + 1
    return cases, tags, tuple(invalid)


def measured(data: bytes) -> tuple[int, dict[str, int], tuple[int, ...]]:
    stats = measure_dataset(data)
    return stats.cases, dict(stats.tag_counts), stats.invalid_lines


def test_cases_tags_and_invalid_lines() -> None:
    data = b'{"q": 1, "tags": ["pii", "pii", "en"]}\n\n[1]\n{"q": 2, "tags": ["en"]}\nnope\n'
    assert measured(data) == (2, {"pii": 1, "en": 2}, (3, 5))


def test_a_byte_order_mark_is_accepted_on_any_line() -> None:
    data = '\ufeff{"a": 1}\n\ufeff{"b": 2}\n'.encode()
    assert measured(data) == (2, {}, ())


def test_a_line_of_unicode_space_is_not_blank() -> None:
    data = '{"a": 1}\n\u00a0\n'.encode()
    assert measured(data) == (1, {}, (2,))


def test_non_utf8_lines_are_invalid_and_the_rest_still_count() -> None:
    data = b'{"a": 1}\n{"b": "\xff"}\n{"c": 3}\n'
    assert measured(data) == (2, {}, (2,))


def test_nan_and_infinity_are_not_json() -> None:
    data = b'{"score": NaN}\n{"score": -Infinity}\n{"score": 1e5}\n'
    assert measured(data) == (1, {}, (1, 2))


def test_the_digest_is_of_the_bytes() -> None:
    assert measure_dataset(b"{}\n").digest.startswith("sha256:")
    assert measure_dataset(b"{}\n").digest != measure_dataset(b"{} \n").digest


LINES = st.one_of(
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=3).map(json.dumps),
    st.lists(st.sampled_from(["a", "b", "ü", 1]), max_size=3).map(
        lambda tags: json.dumps({"tags": tags}, ensure_ascii=False)
    ),
    st.text(max_size=6),
    st.sampled_from(["", " ", "\t", "\r", "\u00a0", "\ufeff{}", "[]", "null", "{", "\x0c"]),
    st.sampled_from(['{"a": NaN}', '{"a": Infinity}', '{"a": 1e999}', '{"a": -0.0}']),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, max_size=8), st.booleans())
def test_matches_the_definition(lines: list[str], latin1: bool) -> None:
    text = "\n".join(lines)
    data = text.encode("latin-1", "replace") if latin1 else text.encode("utf-8", "surrogatepass")
    assert measured(data) == reference(data)
