"""Canonical JSON (RFC 8785) and digests: what plain json.dumps would get wrong."""

from __future__ import annotations

import pytest
import rfc8785

from govctl.canonical import canonical_json, digest_json, registry_digest


def test_numbers_are_written_as_ecmascript_does() -> None:
    assert canonical_json({"b": 1.0, "a": -0.0, "c": 1e21}) == b'{"a":0,"b":1,"c":1e+21}'


def test_keys_sort_by_utf16_code_units() -> None:
    # U+1F600 is a surrogate pair (0xD83D...) and sorts before U+FB01 in UTF-16.
    assert canonical_json({"\ufb01": 1, "\U0001f600": 2}) == '{"😀":2,"ﬁ":1}'.encode()


def test_values_json_cannot_carry_are_refused() -> None:
    with pytest.raises(rfc8785.IntegerDomainError):
        canonical_json({"big": 2**53})
    with pytest.raises(rfc8785.CanonicalizationError):
        canonical_json({"s": "\ud800"})


def test_digests() -> None:
    assert digest_json({"a": 1, "b": 2}) == digest_json({"b": 2, "a": 1}) != digest_json({"a": 2})
    assert registry_digest([("B/x", "sha256:2"), ("A/y", "sha256:1")]) == registry_digest(
        [("A/y", "sha256:1"), ("B/x", "sha256:2")]
    )
