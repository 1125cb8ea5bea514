"""OPA's ``json.patch`` (RFC 6902) for the Wasm host, following OPA's edit-tree semantics.

Paths are JSON pointers (``/a/0/b``, ``~0``/``~1`` escapes) or arrays of keys. ``add`` inserts
into arrays (``-`` appends) and sets object keys; ``remove``/``replace``/``move``/``copy`` need
the path to exist; ``test`` needs the value to be equal. Any failure is a builtin error.
The catalog's own tests derive failing fixtures with it. Sets reach the host as JSON arrays, so
patching a set by member (OPA's set semantics) is not supported here.
"""

from __future__ import annotations

import copy
from typing import Any

from govctl.policy.wasm_builtins_base import BuiltinFailure, type_name


def _parse_path(raw: Any) -> list[str]:
    if isinstance(raw, str):
        if raw == "":
            return []
        # As OPA: leading slashes are optional (``foo/d`` is ``/foo/d``).
        return [p.replace("~1", "/").replace("~0", "~") for p in raw.lstrip("/").split("/")]
    if isinstance(raw, list):
        return [str(p) for p in raw]
    raise BuiltinFailure(f"path must be a string or an array but found: {type_name(raw)}")


def _index(key: str, length: int, inserting: bool) -> int:
    if inserting and key == "-":
        return length
    if not key.isdigit() or (len(key) > 1 and key.startswith("0")):
        raise BuiltinFailure(f"invalid array index {key!r}")
    index = int(key)
    if index > length or (index == length and not inserting):
        raise BuiltinFailure(f"array index {index} out of range")
    return index


def _parent(doc: Any, path: list[str]) -> Any:
    node = doc
    for key in path[:-1]:
        if isinstance(node, dict):
            if key not in node:
                raise BuiltinFailure(f"path {'/'.join(path)} does not exist")
            node = node[key]
        elif isinstance(node, list):
            node = node[_index(key, len(node), False)]
        else:
            raise BuiltinFailure(f"path {'/'.join(path)} goes through a {type_name(node)}")
    return node


def _get(doc: Any, path: list[str]) -> Any:
    if not path:
        return doc
    parent, key = _parent(doc, path), path[-1]
    if isinstance(parent, dict):
        if key not in parent:
            raise BuiltinFailure(f"path /{'/'.join(path)} does not exist")
        return parent[key]
    if isinstance(parent, list):
        return parent[_index(key, len(parent), False)]
    raise BuiltinFailure(f"path /{'/'.join(path)} does not exist")


def _add(doc: Any, path: list[str], value: Any) -> Any:
    if not path:
        return value
    parent, key = _parent(doc, path), path[-1]
    if isinstance(parent, dict):
        parent[key] = value
    elif isinstance(parent, list):
        parent.insert(_index(key, len(parent), True), value)
    else:
        raise BuiltinFailure(f"cannot add under a {type_name(parent)}")
    return doc


def _remove(doc: Any, path: list[str]) -> Any:
    if not path:
        return None
    parent, key = _parent(doc, path), path[-1]
    if isinstance(parent, dict):
        if key not in parent:
            raise BuiltinFailure(f"path /{'/'.join(path)} does not exist")
        del parent[key]
    elif isinstance(parent, list):
        del parent[_index(key, len(parent), False)]
    else:
        raise BuiltinFailure(f"path /{'/'.join(path)} does not exist")
    return doc


def _required(op: dict[str, Any], name: str) -> Any:
    if name not in op:
        raise BuiltinFailure(f"missing required attribute '{name}'")
    return op[name]


def json_patch(doc: Any, operations: Any) -> Any:
    if not isinstance(operations, list):
        raise BuiltinFailure(f"operand 2 must be array but got {type_name(operations)}")
    doc = copy.deepcopy(doc)
    for op in operations:
        if not isinstance(op, dict):
            raise BuiltinFailure(
                "must be an array of JSON-Patch objects, but at least one element is not an object"
            )
        path = _parse_path(_required(op, "path"))
        kind = _required(op, "op")
        if not isinstance(kind, str):
            raise BuiltinFailure(f"attribute 'op' must be a string but found: {type_name(kind)}")
        if kind == "add":
            doc = _add(doc, path, copy.deepcopy(_required(op, "value")))
        elif kind == "remove":
            doc = _remove(doc, path)
        elif kind == "replace":
            _get(doc, path)
            doc = _remove(doc, path) if path else doc
            doc = _add(doc, path, copy.deepcopy(_required(op, "value")))
        elif kind in ("move", "copy"):
            source = _parse_path(_required(op, "from"))
            value = copy.deepcopy(_get(doc, source))
            if kind == "move":
                doc = _remove(doc, source)
            doc = _add(doc, path, value)
        elif kind == "test":
            if _get(doc, path) != _required(op, "value"):
                raise BuiltinFailure(f"value mismatch at /{'/'.join(path)}")
        else:
            raise BuiltinFailure(f"unrecognized op {kind!r}")
    return doc
