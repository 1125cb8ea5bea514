"""Canonical JSON and digests (docs/spec.md §2).

- Canonical JSON is RFC 8785 (JCS), produced by the ``rfc8785`` package;
  ``json.dumps(sort_keys=True)``
  is *not* equivalent (number formatting such as ``1.0`` and ``-0.0``, key order of non-BMP text).
- An artifact digest is ``"sha256:" + hex(sha256(JCS(document)))`` over the whole YAML document as
  parsed (apiVersion, kind, metadata, spec), with YAML dates and timestamps already turned into
  strings by the loader.
- A file digest (datasets, template files) is ``"sha256:" + hex(sha256(bytes))``.
- The registry digest is ``"sha256:" + hex(sha256("\\n".join(sorted(f"{identity} {digest}"))))``:
  the sorted list of ``identity digest`` lines joined by newlines (UTF-8, no trailing newline).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import rfc8785

PREFIX = "sha256:"


def canonical_json(value: Any) -> bytes:
    """RFC 8785 canonical JSON bytes of ``value``."""
    return bytes(rfc8785.dumps(value))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_bytes(data: bytes) -> str:
    """``sha256:<hex>`` of raw bytes (datasets, template files, policy sources)."""
    return PREFIX + sha256_hex(data)


def digest_json(value: Any) -> str:
    """``sha256:<hex>`` of the RFC 8785 canonical JSON of ``value`` (artifact digests)."""
    return PREFIX + sha256_hex(canonical_json(value))


def registry_digest(pairs: Iterable[tuple[str, str]]) -> str:
    """Digest over sorted ``identity digest`` lines (docs/spec.md §2)."""
    lines = sorted(f"{identity} {digest}" for identity, digest in pairs)
    return PREFIX + sha256_hex("\n".join(lines).encode("utf-8"))
