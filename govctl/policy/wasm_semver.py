"""OPA's ``semver.compare`` and ``semver.is_valid`` for the Wasm host, following OPA's own
semver package (SemVer 2.0.0: an optional leading ``v``; build metadata ignored; a release above
its pre-releases; numeric pre-release identifiers below alphanumeric ones, compared as numbers;
a longer pre-release above its prefix)."""

from __future__ import annotations

import re
from typing import Any

from govctl.policy.wasm_builtins_base import BuiltinFailure, type_name

_IDENTIFIERS = re.compile(r"[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*\Z")


def _numeric(text: str) -> int | None:
    if text == "" or text[0] in "+-" or (len(text) > 1 and text[0] == "0"):
        return None
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value < 2**63 else None


def parse(version: str) -> tuple[int, int, int, str] | None:
    """(major, minor, patch, pre-release) or None when ``version`` is not SemVer."""
    version = version.removeprefix("v")
    version, plus, metadata = version.partition("+")
    if plus and not _IDENTIFIERS.match(metadata):
        return None
    version, dash, pre = version.partition("-")
    if dash:
        if not _IDENTIFIERS.match(pre):
            return None
        if any(len(i) > 1 and i[0] == "0" and i.isdigit() for i in pre.split(".")):
            return None
    parts = version.split(".")
    if len(parts) != 3:
        return None
    numbers = [_numeric(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    major, minor, patch = (int(n) for n in numbers if n is not None)
    return major, minor, patch, pre


def _compare_pre(a: str, b: str) -> int:
    if a == b:
        return 0
    if not a or not b:
        return 1 if not a else -1  # a release is above its pre-releases
    left, right = a.split("."), b.split(".")
    for x, y in zip(left, right, strict=False):
        x_num, y_num = x.isdigit(), y.isdigit()
        if x_num != y_num:
            return -1 if x_num else 1
        if x_num:
            if int(x) != int(y):
                return 1 if int(x) > int(y) else -1
        elif x != y:
            return 1 if x > y else -1
    return (len(left) > len(right)) - (len(left) < len(right))


def semver_compare(a: Any, b: Any) -> int:
    for position, value in ((1, a), (2, b)):
        if not isinstance(value, str):
            raise BuiltinFailure(f"operand {position} must be string but got {type_name(value)}")
    left, right = parse(a), parse(b)
    if left is None:
        raise BuiltinFailure(f"operand 1: string {a} is not a valid SemVer")
    if right is None:
        raise BuiltinFailure(f"operand 2: string {b} is not a valid SemVer")
    if left[:3] != right[:3]:
        return 1 if left[:3] > right[:3] else -1
    return _compare_pre(left[3], right[3])


def semver_is_valid(value: Any) -> bool:
    return isinstance(value, str) and parse(value) is not None
