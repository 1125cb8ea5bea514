"""One YAML file → its documents, classified, validated and hashed.

This is the unit of work that runs in worker processes and is cached by the SHA-256 of the file's
bytes, so it must not depend on the file's path or on anything outside the bytes: the same
content anywhere in any repository gives the same ``FileRecord``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from govctl.canonical import digest_bytes, digest_json
from govctl.loader.yamlparse import YamlLimits, YamlProblem, decode_utf8, parse_yaml
from govctl.models.common import API_VERSION
from govctl.models.names import KINDS, VERSIONED_KINDS


@dataclass(frozen=True, slots=True)
class Problem:
    """A GOV-REG-001 problem; ``path`` set when it concerns a field of a parsed document."""

    message: str
    line: int | None = None
    column: int | None = None
    path: str = ""
    doc_index: int | None = None


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    index: int
    line: int
    kind: str
    name: str | None
    version: str | None
    doc: dict[str, Any]
    digest: str | None  # None until a template file has been substituted (Prompt templateFile)
    problems: tuple[Problem, ...]

    @property
    def identity(self) -> str | None:
        return make_identity(self.kind, self.name, self.version)

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class FileRecord:
    sha256: str
    documents: tuple[DocumentRecord, ...]
    problems: tuple[Problem, ...]  # file-level: parse errors, encoding, unknown kinds


def make_identity(kind: str, name: str | None, version: str | None) -> str | None:
    if not isinstance(name, str) or not name:
        return None
    if kind in VERSIONED_KINDS:
        return (
            f"{kind}/{name}@{version}" if isinstance(version, str) and version else f"{kind}/{name}"
        )
    return f"{kind}/{name}"


def _classify(value: Any) -> tuple[str | None, str | None, str]:
    """Return (kind, problem, offending field) for one parsed document.

    A document is an artifact when its apiVersion is govctl/v1 (discovery by content). Documents
    that look meant for govctl but are not readable as artifacts are problems; anything else
    (another tool's YAML living under a root) is ignored.
    """
    if not isinstance(value, dict):
        return None, None, ""
    api, kind = value.get("apiVersion"), value.get("kind")
    if api == API_VERSION:
        if kind in KINDS:
            return str(kind), None, ""
        if kind == "Config":
            return None, "kind Config belongs in govctl.yaml at the repository root", "kind"
        hint = difflib.get_close_matches(str(kind), KINDS, n=1)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
        known = ", ".join(KINDS)
        return None, f"unknown kind {kind!r}{suggestion}; known kinds: {known}", "kind"
    if isinstance(api, str) and api.lower().startswith("govctl"):
        return (
            None,
            f"unsupported apiVersion {api!r}: this govctl reads {API_VERSION}",
            "apiVersion",
        )
    if api is None and kind in KINDS:
        return None, f"missing apiVersion: a {kind} needs apiVersion: {API_VERSION}", "kind"
    return None, None, ""


def document_digest(doc: dict[str, Any]) -> tuple[str, Problem | None]:
    """The artifact digest, or a stand-in and a problem when RFC 8785 cannot carry the document.

    rfc8785 refuses integers beyond 2**53 and lone surrogates. Such a document is invalid
    (GOV-REG-001), but still gets a stable digest over plain sorted JSON so the registry, its
    digest and every reference to the artifact stay whole.
    """
    try:
        return digest_json(doc), None
    except Exception as exc:  # rfc8785 raises its own errors for values JSON cannot carry
        text = json.dumps(doc, sort_keys=True, ensure_ascii=True, default=str)
        problem = Problem(f"document cannot be canonicalised (RFC 8785): {exc}", path="spec")
        return digest_bytes(text.encode("ascii")), problem


def _document(index: int, line: int, kind: str, value: dict[str, Any]) -> DocumentRecord:
    # Imported here: jsonschema (~0.05 s) is only needed when a file is parsed, never on a warm
    # run whose files all come from the cache.
    from govctl.loader.validate import render_path, validate_document

    meta = value.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    version = meta.get("version") if isinstance(meta, dict) else None
    problems = [
        Problem(v.message, path=render_path(v.path), doc_index=index)
        for v in validate_document(kind, value)
    ]
    digest: str | None = None
    spec = value.get("spec")
    uses_template = kind == "Prompt" and isinstance(spec, dict) and "templateFile" in spec
    if not uses_template:
        digest, problem = document_digest(value)
        if problem:
            problems.append(Problem(problem.message, path=problem.path, doc_index=index))
    return DocumentRecord(
        index=index,
        line=line,
        kind=kind,
        name=name if isinstance(name, str) else None,
        version=str(version) if isinstance(version, str) else None,
        doc=value,
        digest=digest,
        problems=tuple(problems),
    )


def process_file(data: bytes, limits: YamlLimits) -> FileRecord:
    """Parse, classify, validate and hash every document in one file's bytes."""
    sha = hashlib.sha256(data).hexdigest()
    try:
        text = decode_utf8(data)
    except YamlProblem as problem:
        return FileRecord(sha, (), (Problem(problem.message, problem.line, problem.column),))
    result = parse_yaml(text, limits)
    problems: list[Problem] = []
    documents: list[DocumentRecord] = []
    for parsed in result.documents:
        kind, complaint, field = _classify(parsed.value)
        if complaint:
            problems.append(Problem(complaint, parsed.line, 1, field, parsed.index))
        if kind is not None:
            documents.append(_document(parsed.index, parsed.line, kind, parsed.value))
    if result.problem:
        p = result.problem
        problems.append(Problem(f"invalid YAML: {p.message}", p.line, p.column))
    return FileRecord(sha, tuple(documents), tuple(problems))
