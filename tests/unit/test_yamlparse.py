"""The strict YAML reader: YAML 1.2 core types, dates, bounds, positions."""

from __future__ import annotations

import pytest

from govctl.loader.yamlparse import YamlLimits, YamlProblem, decode_utf8, parse_yaml, resolve_plain


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("42", 42),
        ("-7", -7),
        ("0o17", 15),
        ("0x1F", 31),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("", None),
        # YAML 1.1 booleans and sexagesimals are plain strings in 1.2.
        ("yes", "yes"),
        ("on", "on"),
        ("1:30", "1:30"),
        ("2026-12-31", "2026-12-31"),
        ("2026-11-20T10:00:00Z", "2026-11-20T10:00:00Z"),
        ("2026-11-20 10:00:00", "2026-11-20T10:00:00Z"),
        ("2026-11-20T10:00:00+00:00", "2026-11-20T10:00:00Z"),
        ("2026-11-20T10:00:00.250+02:00", "2026-11-20T10:00:00.250+02:00"),
        ("2026-11-20t10:00:00-0530", "2026-11-20T10:00:00-05:30"),
        ("gpt-4o", "gpt-4o"),
        ("1.4.0", "1.4.0"),
    ],
)
def test_plain_scalars(text, value):
    assert resolve_plain(text) == value and type(resolve_plain(text)) is type(value)


@pytest.mark.parametrize("text", [".inf", "-.Inf", ".nan", "2026-02-30", "2026-13-01T00:00:00Z"])
def test_scalars_json_cannot_hold(text):
    with pytest.raises(ValueError):
        resolve_plain(text)


def test_quoted_scalars_stay_strings_and_keys_are_source_text():
    doc = parse_yaml("a: \"42\"\nb: 'true'\n1: x\ntrue: y\nc: !!str 7\n").documents[0].value
    assert doc == {"a": "42", "b": "true", "1": "x", "true": "y", "c": "7"}


def test_positions_of_keys_and_items():
    text = "metadata:\n  name: x\nspec:\n  fallbacks:\n    - a@1\n    - {b: 2}\n"
    doc = parse_yaml(text, positions=True).documents[0]
    assert doc.positions[("spec", "fallbacks")] == (4, 3)
    assert doc.positions[("spec", "fallbacks", 1)] == (6, 7)
    assert doc.positions[("spec", "fallbacks", 1, "b")] == (6, 8)
    assert parse_yaml(text).documents[0].positions == {}


def test_multi_document_keeps_documents_before_an_error():
    result = parse_yaml("a: 1\n---\nb: 2\n---\nc: [\n")
    assert [d.value for d in result.documents] == [{"a": 1}, {"b": 2}]
    assert result.problem is not None and result.problem.line == 6


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a'", 3),
        ("a: *nowhere\n", "unknown alias", 1),
        ("? [x]\n: 1\n", "mapping keys must be plain scalars", 1),
        ("a: !include other.yaml\n", "unsupported tag", 1),
        ("a: !!int abc\n", "not a valid int", 1),
        ("x:\n" + "  " * 1 + "- " * 70 + "1\n", "nesting deeper than", 2),
    ],
)
def test_problems_are_located(text, message, line):
    problem = parse_yaml(text).problem
    assert problem is not None and message in problem.message and problem.line == line


def test_alias_expansion_is_bounded_not_the_text_size():
    text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a, *a]\n"
    assert parse_yaml(text, YamlLimits(max_nodes=60)).problem is not None
    assert parse_yaml(text, YamlLimits(max_nodes=80)).problem is None


def test_document_count_is_bounded():
    assert parse_yaml("---\na: 1\n" * 5, YamlLimits(max_documents=3)).problem is not None


def test_decode_reports_line_and_column_of_bad_byte():
    with pytest.raises(YamlProblem) as info:
        decode_utf8(b"a: 1\nb: x\xffy\n")
    assert (info.value.line, info.value.column) == (2, 5)
    assert decode_utf8(b"\xef\xbb\xbfa: 1\n") == "a: 1\n"
