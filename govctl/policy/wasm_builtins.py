"""Builtins the host provides to OPA's Wasm modules, in Python.

OPA compiles most builtins into the module itself; the ones it does not (its ``builtins``
export lists them) are called back on the host. govctl provides those its catalog and the
catalog's tests need, each following OPA's Go implementation (and tested against OPA's
conformance cases for that builtin). A module that needs one missing here is refused when it
is loaded, naming the builtin — never evaluated with a builtin silently undefined.

Errors: a builtin raises ``BuiltinFailure``, and the evaluation stops with an error (as OPA does
with strict builtin errors, which govctl always uses).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import Any

from govctl.policy.wasm_builtins_base import BuiltinFailure, type_name
from govctl.policy.wasm_json_patch import json_patch
from govctl.policy.wasm_semver import semver_compare, semver_is_valid
from govctl.policy.wasm_sprintf import sprintf

# Go's time.Parse(time.RFC3339, ...) as OPA uses it: upper-case T and Z, any number of fraction
# digits (nanoseconds kept), a numeric offset with a colon.
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))\Z"
)
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_EPOCH = datetime.date(1970, 1, 1).toordinal()


def parse_rfc3339_ns(value: Any) -> int:
    if not isinstance(value, str):
        raise BuiltinFailure(f"operand 1 must be string but got {type_name(value)}")
    match = _RFC3339.match(value)
    if match is None:
        raise BuiltinFailure(f'parsing time "{value}" as RFC 3339: cannot parse')
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    fraction, zulu, sign, off_h, off_m = match.group(7, 8, 9, 10, 11)
    try:
        date = datetime.date(year, month, day)
    except ValueError as exc:
        raise BuiltinFailure(f'parsing time "{value}": {exc}') from None
    if hour > 23 or minute > 59 or second > 59:
        raise BuiltinFailure(f'parsing time "{value}": time out of range')
    offset = 0
    if not zulu:
        if int(off_h) > 23 or int(off_m) > 59:
            raise BuiltinFailure(f'parsing time "{value}": time zone offset out of range')
        offset = (int(off_h) * 3600 + int(off_m) * 60) * (1 if sign == "+" else -1)
    nanos = int((fraction or "0")[:9].ljust(9, "0"))
    seconds = (date.toordinal() - _EPOCH) * 86400 + hour * 3600 + minute * 60 + second - offset
    result = seconds * 1_000_000_000 + nanos
    if not _INT64_MIN <= result <= _INT64_MAX:
        raise BuiltinFailure("time outside of valid range")  # Go's time.Time.UnixNano range
    return result


HOST_BUILTINS: Mapping[str, Callable[..., Any]] = {
    "time.parse_rfc3339_ns": parse_rfc3339_ns,
    "sprintf": sprintf,
    "json.patch": json_patch,
    "semver.compare": semver_compare,
    "semver.is_valid": semver_is_valid,
}

__all__ = ["HOST_BUILTINS", "BuiltinFailure"]
