"""Semantic diff of two artifact documents: changed field paths with before and after values.

Paths use the finding path syntax (``spec.input[0].threshold``, ``metadata.labels["a.b/c"]``), so
a change locates in the file like a finding does. Rules:
- mappings are compared key by key; a key present on one side only is reported with ``None``
  (JSON null) on the other side;
- a list of scalars (regions, fallbacks, data classes …) is one value: it is reported whole, so a
  reviewer reads ``[westeurope] → [westeurope, us-east-1]`` rather than index arithmetic;
- lists of objects are compared item by item. Lists whose items have a natural key are matched by
  that key, not by position (``KEYED_LISTS``): guardrail checks by ``type``, eval metrics and prompt
  variables by ``name``. Reordering such a list is not a change. A matched item's path carries its
  index on the head side (where the value now lives); a removed item's path carries its index on
  the base side. When keys are missing or repeat, items are matched by position instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*\Z")

# (kind, list path without indices) → the key naming an item.
KEYED_LISTS: Mapping[tuple[str, str], str] = {
    ("GuardrailPolicy", "spec.input"): "type",
    ("GuardrailPolicy", "spec.output"): "type",
    ("EvalSuite", "spec.metrics"): "name",
    ("Prompt", "spec.variables"): "name",
}


class _Absent:
    """A key missing on one side (reported as JSON null)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


@dataclass(frozen=True, slots=True)
class FieldChange:
    path: str
    before: Any  # JSON value; None when absent
    after: Any


def same(a: Any, b: Any) -> bool:
    """JSON equality: ``True`` is not ``1``; ``1`` equals ``1.0`` (RFC 8785 writes both as 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _IDENT.match(key):
        return f"{path}.{key}" if path else key
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'{path}["{escaped}"]'


def _pattern(path: str) -> str:
    """``spec.input[2]`` → ``spec.input`` (the shape used by ``KEYED_LISTS``)."""
    return re.sub(r"\[\d+\]", "", path)


def _is_scalar_list(value: list[Any]) -> bool:
    return all(not isinstance(item, dict | list) for item in value)


def keyed_items(items: list[Any], key: str) -> dict[str, tuple[int, Any]] | None:
    """Items by their key value with their index, or None when keys are missing or repeat."""
    out: dict[str, tuple[int, Any]] = {}
    for index, item in enumerate(items):
        name = item.get(key) if isinstance(item, dict) else None
        if not isinstance(name, str) or name in out:
            return None
        out[name] = (index, item)
    return out


class Differ:
    def __init__(self, kind: str) -> None:
        self.kind = kind

    def diff(self, before: Any, after: Any, path: str = "") -> Iterator[FieldChange]:
        if same(before, after) or (_null_or_absent(before) and _null_or_absent(after)):
            return  # `key: null` and a missing key mean the same thing to every rule
        if isinstance(before, dict) and isinstance(after, dict):
            for key in [*before, *(k for k in after if k not in before)]:
                old, new = before.get(key, ABSENT), after.get(key, ABSENT)
                yield from self.diff(old, new, child(path, key))
            return
        if (
            isinstance(before, list)
            and isinstance(after, list)
            and not (_is_scalar_list(before) and _is_scalar_list(after))
        ):
            yield from self._lists(before, after, path)
            return
        yield FieldChange(path, _json(before), _json(after))

    def _lists(self, before: list[Any], after: list[Any], path: str) -> Iterator[FieldChange]:
        key = KEYED_LISTS.get((self.kind, _pattern(path)))
        old = keyed_items(before, key) if key else None
        new = keyed_items(after, key) if key else None
        if old is None or new is None:
            for index in range(max(len(before), len(after))):
                yield from self.diff(
                    before[index] if index < len(before) else ABSENT,
                    after[index] if index < len(after) else ABSENT,
                    child(path, index),
                )
            return
        for name, (index, item) in new.items():
            yield from self.diff(old[name][1] if name in old else ABSENT, item, child(path, index))
        for name, (index, item) in old.items():
            if name not in new:
                yield FieldChange(child(path, index), item, None)


def _null_or_absent(value: Any) -> bool:
    return value is None or value is ABSENT


def _json(value: Any) -> Any:
    return None if value is ABSENT else value


def diff_documents(
    kind: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[FieldChange]:
    """Changed fields between two artifact documents (metadata and spec, in document order)."""
    return list(Differ(kind).diff(dict(before), dict(after)))
