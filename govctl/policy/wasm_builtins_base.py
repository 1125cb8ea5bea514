"""What every host builtin shares: the error it raises and OPA's names of JSON types."""

from __future__ import annotations

from typing import Any


class BuiltinFailure(Exception):
    """The builtin's operands are invalid (OPA: a builtin error)."""


class NumberText(str):
    """A number too large for a float64, kept as its text (OPA keeps numbers as text)."""


def parse_float(text: str) -> float | NumberText:
    value = float(text)
    return NumberText(text) if value in (float("inf"), float("-inf")) else value


def type_name(value: Any) -> str:
    """OPA's name of a value's type in builtin error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, NumberText)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
