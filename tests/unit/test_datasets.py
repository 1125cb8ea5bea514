"""Dataset measurement (distinct JSONL cases, tag counts, invalid, repeated and empty lines): pure
function tests."""

from __future__ import annotations

import json

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from govctl.loader.load import DatasetStats, measure_dataset


def float_constant(name: str) -> float:
    raise ValueError(name)


class RepeatedKey(ValueError):
    pass


def unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
    if len({k for k, _ in pairs}) != len(pairs):
        raise RepeatedKey
    return dict(pairs)


def reference(data: bytes) -> tuple[int, dict[str, int], tuple[int, ...]]:
    """The definition: every line with non-whitespace bytes is one JSON object (strict JSON, no
    repeated key); a case counts once however often it appears (RFC 8785 canonical form), and an
    object with nothing besides tags does not count."""
    seen: set[bytes] = set()
    tags: dict[str, int] = {}
    invalid = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            case = json.loads(raw, parse_constant=float_constant, object_pairs_hook=unique)
        except ValueError:
            invalid.append(number)
            continue
        if not isinstance(case, dict):
            invalid.append(number)
            continue
        if all(v in (None, "", [], {}) for k, v in case.items() if k != "tags"):
            continue
        try:
            key = rfc8785.dumps(case)
        except rfc8785.CanonicalizationError:  # 1e999 (inf), integers past 2**53: exact text
            key = json.dumps(case, sort_keys=True, separators=(",", ":")).encode()
        if key in seen:
            continue
        seen.add(key)
        for tag in {t for t in case.get("tags") or [] if isinstance(t, str)}:
            tags[tag] = tags.get(tag, 0) + 1
    return len(seen), tags, tuple(invalid)


def measured(data: bytes) -> tuple[int, dict[str, int], tuple[int, ...]]:
    stats = measure_dataset(data)
    return stats.cases, dict(stats.tag_counts), stats.invalid_lines


def test_cases_tags_and_invalid_lines() -> None:
    data = b'{"q": 1, "tags": ["pii", "pii", "en"]}\n\n[1]\n{"q": 2, "tags": ["en"]}\nnope\n'
    assert measured(data) == (2, {"pii": 1, "en": 2}, (3, 5))


def test_padding_does_not_count_duplicates_and_empty_cases_are_reported() -> None:
    lines = [
        '{"q": "a", "tags": ["edge_case"]}',
        '{"tags": ["edge_case"], "q": "a"}',  # the same case, keys in another order
        '{"q": "a", "tags": ["edge_case"]}',
        "{}",
        '{"q": "", "expected": null, "tags": ["adversarial"]}',  # nothing but tags
        '{"q": "b"}',
        '{"q": 1.0}',
        '{"q": 1}',  # the same number as 1.0 in canonical JSON
    ]
    stats = measure_dataset("\n".join(lines).encode())
    assert (stats.cases, dict(stats.tag_counts)) == (3, {"edge_case": 1})
    assert stats.duplicate_count == 3
    assert stats.duplicate_lines == ((2, 1), (3, 1), (8, 7))
    assert (stats.empty_count, stats.empty_lines) == (2, (4, 5))


def test_a_line_with_a_repeated_key_is_invalid() -> None:
    stats = measure_dataset(b'{"q": "a", "q": "b"}\n{"q": {"x": 1, "x": 2}}\n{"q": "c"}\n')
    assert (stats.cases, stats.invalid_lines, stats.duplicate_key_lines) == (1, (1, 2), (1, 2))


def test_many_duplicates_count_and_only_the_first_lines_are_listed() -> None:
    stats = measure_dataset(b'{"q": 1}\n' * 200)
    assert (stats.cases, stats.duplicate_count, len(stats.duplicate_lines)) == (1, 199, 20)


def test_stats_survive_the_cache_encoding() -> None:
    stats = measure_dataset(b'{"q": 1, "tags": ["a"]}\n{"q": 1, "tags": ["a"]}\n{}\nx\n')
    assert DatasetStats.decode(stats.encode()) == stats
    assert DatasetStats.decode(stats.encode()[:4]) is None  # an entry of an older shape


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
