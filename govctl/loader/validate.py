"""Schema validation of artifact documents with jsonschema, against the shipped JSON Schemas.

jsonschema's own messages are written for schema authors ("Additional properties are not
allowed"); these are rewritten for the person editing the YAML: the field path, what is wrong,
and what would be accepted (with a did-you-mean for misspelt field names).

Speed: jsonschema takes ~0.2-0.5 ms per document, half of the cold load. Each document is first
checked by a fastjsonschema validator compiled from the same schema (~16x faster); only a
document it rejects goes through jsonschema, which stays the authority: its errors (or its
acceptance, where fastjsonschema is stricter, e.g. ``$`` before a final newline) are the result.
The one way this could go wrong — fastjsonschema accepting what jsonschema rejects — is what
tests/unit/test_validate_fast.py looks for.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import fastjsonschema

if TYPE_CHECKING:  # jsonschema (~0.05 s to import) only explains documents that fail
    import jsonschema
    from jsonschema.exceptions import ValidationError

from govctl.models.kinds import KINDS
from govctl.schema import load_packaged

MAX_ERRORS_PER_DOCUMENT = 20
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


@dataclass(frozen=True)
class SchemaViolation:
    path: tuple[str | int, ...]
    message: str


def render_path(path: Iterable[str | int]) -> str:
    """``("spec", "fallbacks", 0)`` → ``spec.fallbacks[0]`` (odd keys as ``["a.b"]``)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT.match(part):
            out += f".{part}" if out else part
        else:
            out += '["' + part.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    return out


def inline_refs(schema: Any, defs: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """The same schema with local ``$ref``s replaced by their definitions.

    Validation semantics are unchanged: a ``$ref`` with sibling keywords becomes ``allOf`` of
    both, and a cycle keeps its ``$ref`` (``$defs`` stay in place). Resolving references through
    ``referencing`` was a quarter of validation time.
    """
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        name = ref.removeprefix("#/$defs/") if isinstance(ref, str) else ""
        if name and name in defs and name not in seen:
            target = inline_refs(defs[name], defs, (*seen, name))
            siblings = {k: inline_refs(v, defs, seen) for k, v in schema.items() if k != "$ref"}
            return {"allOf": [target], **siblings} if siblings else target
        return {k: inline_refs(v, defs, seen) for k, v in schema.items()}
    if isinstance(schema, list):
        return [inline_refs(item, defs, seen) for item in schema]
    return schema


@functools.cache
def validator_for(kind: str) -> jsonschema.protocols.Validator:
    import jsonschema.validators

    schema = load_packaged(kind)
    cls = jsonschema.validators.validator_for(schema)
    return cls(inline_refs(schema, schema.get("$defs", {})))


@functools.cache
def _accepts(kind: str) -> Callable[[Any], Any]:
    """The fastjsonschema check for ``kind``: returns, or raises JsonSchemaException."""
    schema = load_packaged(kind)
    inlined = dict(inline_refs(schema, schema.get("$defs", {})))
    # The keywords pydantic emits mean the same in draft 7, the newest fastjsonschema knows.
    inlined["$schema"] = "http://json-schema.org/draft-07/schema#"
    validate: Callable[[Any], Any] = fastjsonschema.compile(
        inlined,
        use_formats=False,
        use_default=False,  # never fill in defaults: it mutates
    )
    return validate


def fast_accepts(kind: str, document: Any) -> bool:
    try:
        _accepts(kind)(document)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}" if len(value) < 60 else "a string"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


def _pick_branch(error: ValidationError) -> ValidationError:
    """For ``anyOf [X, null]`` (optional fields) report why X failed, not the union."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        non_null = [e for e in error.context if e.schema != {"type": "null"}]
        if non_null:
            deepest = max(non_null, key=lambda e: len(e.absolute_path))
            return _pick_branch(deepest)
    return error


def _one_of_required(error: ValidationError) -> list[str] | None:
    """Field names when the failing schema is ``oneOf: [{required: [a]}, {required: [b]}]``."""
    branches = error.validator_value if error.validator == "oneOf" else None
    if not isinstance(branches, list) or not all(
        isinstance(b, dict) and list(b) == ["required"] for b in branches
    ):
        return None
    return [str(b["required"][0]) for b in branches]


def _violations(error: ValidationError) -> list[SchemaViolation]:
    exclusive = _one_of_required(error)
    if exclusive:
        where = render_path(error.absolute_path) or "document"
        return [
            SchemaViolation(
                tuple(error.absolute_path), f"{where} needs exactly one of: {', '.join(exclusive)}"
            )
        ]
    error = _pick_branch(error)
    path = tuple(error.absolute_path)
    kind, value, schema = error.validator, error.instance, error.schema
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        out = []
        for key in sorted(set(value) - set(allowed)):
            hint = difflib.get_close_matches(key, allowed, n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            out.append(
                SchemaViolation(
                    (*path, key),
                    f"unknown field {key!r}{suggestion}; allowed here: {', '.join(allowed)}",
                )
            )
        return out
    if kind == "required":
        missing = [k for k in error.validator_value if k not in value]
        return [SchemaViolation(path, f"missing required field {k!r}") for k in missing]
    where = render_path(path) or "document"
    if kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        want = " or ".join(_TYPE_WORDS.get(n, n) for n in names)
        return [SchemaViolation(path, f"{where} must be {want}, not {_describe(value)}")]
    if kind == "enum":
        options = ", ".join(map(str, error.validator_value))
        return [SchemaViolation(path, f"{where} must be one of {options}, not {_describe(value)}")]
    if kind == "const":
        return [
            SchemaViolation(
                path, f"{where} must be {error.validator_value!r}, not {_describe(value)}"
            )
        ]
    if kind == "pattern":
        what = schema.get("description") or f"text matching {error.validator_value}"
        return [SchemaViolation(path, f"{where}: {_describe(value)} is not a valid {what}")]
    if kind in ("minItems", "maxItems"):
        bound = "at least" if kind == "minItems" else "at most"
        n = error.validator_value
        return [SchemaViolation(path, f"{where} must have {bound} {n} item{'s' if n != 1 else ''}")]
    if kind == "minLength":
        return [SchemaViolation(path, f"{where} must not be empty")]
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        sign = {"minimum": "≥", "maximum": "≤", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
        return [
            SchemaViolation(
                path, f"{where} must be {sign[kind]} {error.validator_value}, not {value}"
            )
        ]
    return [SchemaViolation(path, f"{where}: {error.message}")]


def validate_document(kind: str, document: Any) -> list[SchemaViolation]:
    """Every schema violation of ``document`` (an artifact of ``kind``), sorted by path."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if fast_accepts(kind, document):
        return []
    errors = sorted(
        validator_for(kind).iter_errors(document), key=lambda e: list(map(str, e.absolute_path))
    )
    out: list[SchemaViolation] = []
    for error in errors:
        out.extend(_violations(error))
        if len(out) >= MAX_ERRORS_PER_DOCUMENT:
            break
    return out[:MAX_ERRORS_PER_DOCUMENT]
