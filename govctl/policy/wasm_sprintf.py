"""OPA's ``sprintf`` for the Wasm host: Go's ``fmt.Sprintf`` over OPA's argument conversion.

OPA (topdown ``builtinSprintf``) converts each argument before formatting: a number written
with a fraction or an exponent becomes a float64, any other number an int64 (or a big.Int), a
string stays a string, and every other value becomes its Rego text (``["a", 1]``). This module
follows Go's ``fmt`` for the verbs policies use (``%s %v %d %f %F %e %E %g %G %x %X %o %b %q
%t %c %%``, flags ``-+ #0``, width and precision); a verb that does not fit the argument gives
Go's ``%!d(string=x)`` text, a missing argument ``%!d(MISSING)``, extra arguments
``%!(EXTRA ...)`` — as OPA prints them.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

from govctl.policy.wasm_builtins_base import BuiltinFailure, NumberText, type_name

_SPEC = re.compile(r"%([-+# 0]*)(\d+|\*)?(?:\.(\d*|\*))?([a-zA-Z%])")
_INT64 = (-(2**63), 2**63 - 1)


def rego_text(value: Any) -> str:
    """A value's Rego text, as OPA's ``Value.String()`` writes it (``{"a": 1}``, ``[1, "b"]``)."""
    if isinstance(value, NumberText):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(rego_text(v) for v in value) + "]"
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ", ".join(f"{rego_text(k)}: {rego_text(v)}" for k, v in items) + "}"
    return str(value)


def _number_text(value: int | float) -> str:
    # OPA keeps a number's JSON text; Python's repr is the closest text of a parsed float.
    return str(value) if isinstance(value, int) else repr(value)


class _Arg:
    """One converted argument: its Go type name and value."""

    def __init__(self, value: Any) -> None:
        self.kind: str
        self.value: Any
        if isinstance(value, NumberText):
            self.kind, self.value = "string", str(value)
        elif isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
            self.kind, self.value = "string", rego_text(value)
        elif isinstance(value, float):
            self.kind, self.value = "float64", value
        elif isinstance(value, int):
            in_range = _INT64[0] <= value <= _INT64[1]
            self.kind, self.value = ("int64" if in_range else "*big.Int"), value
        else:
            self.kind, self.value = "string", str(value)

    def bad(self, verb: str) -> str:
        shown = _go_g(self.value, None) if self.kind == "float64" else str(self.value)
        return f"%!{verb}({self.kind}={shown})"


def _go_g(value: float, precision: int | None) -> str:
    """Go's %v / %g for a float64 (strconv 'g': %e when the exponent is < -4 or >= the
    precision, 6 for the shortest representation)."""
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if precision is None:
        digits_text = repr(value)
        dec = Decimal(digits_text)
        threshold = 6
    else:
        p = max(precision, 1)
        dec = Decimal(f"{value:.{p - 1}e}")
        threshold = p
    sign, digits, exponent = dec.as_tuple()
    assert isinstance(exponent, int)
    digit_text = "".join(str(d) for d in digits).rstrip("0") or "0"
    x = len(digits) + exponent - 1 if any(digits) else 0
    prefix = "-" if sign else ""
    if x < -4 or x >= threshold:
        mantissa = digit_text[0] + ("." + digit_text[1:] if len(digit_text) > 1 else "")
        return f"{prefix}{mantissa}e{'-' if x < 0 else '+'}{abs(x):02d}"
    if x >= 0:
        whole = digit_text[: x + 1].ljust(x + 1, "0")
        frac = digit_text[x + 1 :]
    else:
        whole, frac = "0", "0" * (-x - 1) + digit_text
    return prefix + whole + ("." + frac if frac else "")


def _pad(text: str, flags: str, width: int | None, numeric: bool) -> str:
    if width is None or len(text) >= width:
        return text
    if "-" in flags:
        return text.ljust(width)
    if "0" in flags and numeric:
        sign = text[0] if text[:1] in "+-" else ""
        return sign + text[len(sign) :].rjust(width - len(sign), "0")
    return text.rjust(width)


def _signed(text: str, value: float, flags: str) -> str:
    if value >= 0 and not text.startswith("-"):
        if "+" in flags:
            return "+" + text
        if " " in flags:
            return " " + text
    return text


def _format_one(verb: str, flags: str, width: int | None, prec: int | None, arg: _Arg) -> str:
    v, kind = arg.value, arg.kind
    if verb in "sv" and kind == "string":
        text = v if prec is None else v[:prec]
        return _pad(text, flags, width, False)
    if verb == "q" and kind == "string":
        return _pad(json.dumps(v, ensure_ascii=False), flags, width, False)
    if verb in "xX" and kind == "string":
        text = v.encode("utf-8").hex()
        return _pad(text.upper() if verb == "X" else text, flags, width, False)
    if kind in ("int64", "*big.Int"):
        if verb in "vd" or (verb == "s" and kind == "*big.Int"):  # big.Int formats %s too
            return _pad(_signed(str(v), v, flags), flags, width, True)
        bases = {"x": "x", "X": "X", "o": "o", "b": "b"}
        if verb in bases:
            text = format(abs(v), bases[verb])
            if "#" in flags and verb in "xXo":
                text = {"x": "0x", "X": "0X", "o": "0"}[verb] + text
            text = ("-" if v < 0 else "") + text
            return _pad(_signed(text, v, flags), flags, width, True)
        if verb == "c" and kind == "int64":
            return _pad(chr(v), flags, width, False)
        if verb == "q" and kind == "int64":
            return _pad("'" + chr(v) + "'", flags, width, False)
        return arg.bad(verb)
    if kind == "float64":
        if verb in "fF":
            text = f"{v:.{6 if prec is None else prec}f}"
        elif verb in "eE":
            mantissa, _, exp = f"{v:.{6 if prec is None else prec}e}".partition("e")
            text = f"{mantissa}e{exp[0]}{int(exp[1:]):02d}"
            text = text.upper() if verb == "E" else text
        elif verb in "gGv":
            text = _go_g(v, prec)
            text = text.upper() if verb == "G" else text
        else:
            return arg.bad(verb)
        return _pad(_signed(text, v, flags), flags, width, True)
    return arg.bad(verb)


def sprintf(fmt: Any, values: Any) -> str:
    if not isinstance(fmt, str):
        raise BuiltinFailure(f"operand 1 must be string but got {type_name(fmt)}")
    if not isinstance(values, list):
        raise BuiltinFailure(f"operand 2 must be array but got {type_name(values)}")
    args = [_Arg(v) for v in values]
    out: list[str] = []
    used = 0
    position = 0
    for match in _SPEC.finditer(fmt):
        out.append(fmt[position : match.start()])
        position = match.end()
        flags, width_text, prec_text, verb = match.groups()
        if verb == "%":
            out.append("%")
            continue
        width = int(width_text) if width_text and width_text != "*" else None
        prec = int(prec_text) if prec_text not in (None, "*") and prec_text != "" else None
        if prec_text == "":
            prec = 0
        if used >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        out.append(_format_one(verb, flags, width, prec, args[used]))
        used += 1
    out.append(fmt[position:])
    if used < len(args):
        extra = ", ".join(f"{a.kind}={a.value}" for a in args[used:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)
