"""Findings: the one shape every rule reports in, their fingerprints and their locations.

Policies (and native rules) report ``ref`` (an identity) and ``path`` (a field path such as
``spec.fallbacks[0]``); govctl turns them into file:line:column by re-reading only the files that
have findings, with positions (the hot path parses without them).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypedDict

from govctl.loader.source import FileSource, SourceProblem
from govctl.loader.yamlparse import ParsedDocument, YamlLimits, YamlProblem, decode_utf8, parse_yaml
from govctl.registry import Registry

SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
_PATH_TOKEN = re.compile(r'\.?([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')


class FindingJSON(TypedDict):
    rule: str
    severity: str
    message: str
    ref: str | None
    path: str
    file: str | None
    line: int | None
    column: int | None
    waived: bool
    waiver: str | None
    fingerprint: str
    controls: list[str]


@dataclass(frozen=True, slots=True)
class RawFinding:
    """A finding before location and waivers; explicit file/line when known (load problems)."""

    rule: str
    severity: str
    message: str
    ref: str | None
    path: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    doc_index: int | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: str
    message: str
    ref: str | None
    path: str
    file: str | None
    line: int | None
    column: int | None
    waived: bool
    waiver: str | None
    fingerprint: str
    controls: tuple[str, ...]

    def as_json(self) -> FindingJSON:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "ref": self.ref,
            "path": self.path,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "waived": self.waived,
            "waiver": self.waiver,
            "fingerprint": self.fingerprint,
            "controls": list(self.controls),
        }

    def waive(self, waiver: str) -> Finding:
        return replace(self, waived=True, waiver=waiver)


def fingerprint(rule: str, ref: str | None, path: str, file: str | None = None) -> str:
    """Stable across line moves: rule, identity and field path (file only without identity)."""
    anchor = ref if ref is not None else f"file:{file}"
    return hashlib.sha256(f"{rule}|{anchor}|{path}".encode()).hexdigest()[:32]


def sort_key(finding: Finding) -> tuple[Any, ...]:
    return (
        finding.file or "~",
        finding.line or 0,
        finding.rule,
        finding.column or 0,
        finding.ref or "",
        finding.path,
        finding.message,
    )


def parse_path(path: str) -> tuple[str | int, ...]:
    """``spec.fallbacks[0]`` → ``("spec", "fallbacks", 0)``; unparsable tails are dropped."""
    out: list[str | int] = []
    pos = 0
    while pos < len(path):
        match = _PATH_TOKEN.match(path, pos)
        if not match or match.end() == pos:
            break
        name, index, quoted = match.groups()
        if name is not None:
            out.append(name)
        elif index is not None:
            out.append(int(index))
        else:
            out.append(re.sub(r"\\(.)", r"\1", quoted))
        pos = match.end()
    return tuple(out)


class PositionCache(Protocol):
    def get_position(self, key: str) -> tuple[int, int] | None: ...

    def put_position(self, key: str, position: tuple[int | None, int | None]) -> None: ...


class Locator:
    """Resolves (file, document, field path) to line and column, parsing each file at most once."""

    def __init__(
        self,
        source: FileSource,
        registry: Registry,
        limits: YamlLimits,
        hashes: Mapping[str, str] | None = None,
        cache: PositionCache | None = None,
    ) -> None:
        self.source = source
        self.registry = registry
        self.limits = limits
        self.hashes = hashes or {}
        self.cache = cache
        self._documents: dict[str, tuple[ParsedDocument, ...]] = {}

    def _parsed(self, file: str) -> tuple[ParsedDocument, ...]:
        if file not in self._documents:
            try:
                text = decode_utf8(self.source.read_bytes(file, self.limits.max_bytes))
                self._documents[file] = parse_yaml(text, self.limits, positions=True).documents
            except (SourceProblem, YamlProblem):
                self._documents[file] = ()
        return self._documents[file]

    def position(self, file: str, doc_index: int, path: str) -> tuple[int | None, int | None]:
        # A position is a function of the file's bytes, the document and the path: cached by
        # the file's SHA-256, so a warm run never re-parses files to locate findings.
        sha = self.hashes.get(file)
        key = f"{sha}|{doc_index}|{path}" if sha and self.cache else None
        if key is not None:
            assert self.cache is not None
            hit = self.cache.get_position(key)
            if hit is not None:
                return hit
        found = self._position(file, doc_index, path)
        if key is not None and found[0] is not None:
            assert self.cache is not None
            self.cache.put_position(key, found)
        return found

    def _position(self, file: str, doc_index: int, path: str) -> tuple[int | None, int | None]:
        docs = self._parsed(file)
        if doc_index >= len(docs):
            return None, None
        doc = docs[doc_index]
        keys = parse_path(path)
        if keys[:2] == ("spec", "template") and ("spec", "templateFile") in doc.positions:
            keys = ("spec", "templateFile")
        for n in range(len(keys), 0, -1):
            found = doc.positions.get(keys[:n])
            if found:
                return found
        first = min(doc.positions.values(), default=None)
        return first if first else (doc.line, 1)

    def locate(self, raw: RawFinding) -> tuple[str | None, int | None, int | None]:
        if raw.file is not None:
            if raw.doc_index is not None and (raw.line is None or raw.path):
                return (raw.file, *self.position(raw.file, raw.doc_index, raw.path))
            return raw.file, raw.line, raw.column
        artifact = self.registry.get(raw.ref) if raw.ref else None
        if artifact is None:
            return None, None, None
        return (artifact.path, *self.position(artifact.path, artifact.index, raw.path))
