"""Strict, fast YAML parsing into JSON-compatible values, with positions on request.

Parsing runs libyaml's event parser from ``ruamel.yaml.clib`` and builds values here, because the
round-trip loader costs ~7 ms a file and its safe loader cannot report duplicate keys with
positions. Building from events lets one pass enforce every bound of docs/spec.md §9 with an
explicit stack (no recursion, so deep nesting cannot crash the interpreter):

- duplicate mapping keys, non-scalar keys, unknown tags, ``inf``/``nan`` (not JSON);
- nesting depth and the node count *after* alias expansion (alias bombs);
- values follow the YAML 1.2 core schema; keys are always strings (their source text);
  plain dates become ``YYYY-MM-DD`` strings and timestamps RFC 3339 strings with ``Z`` for UTC.

Positions (1-based line and column of every mapping key and sequence item, keyed by the path
tuple) are recorded only when asked for: the hot path does not pay for them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from _ruamel_yaml import CParser
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

PathKey = tuple[str | int, ...]
Position = tuple[int, int]


@dataclass(frozen=True)
class YamlLimits:
    max_bytes: int = 2 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 200_000
    max_documents: int = 1_000


class YamlProblem(Exception):
    """A document cannot be parsed; line and column are 1-based."""

    def __init__(self, message: str, line: int, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class ParsedDocument:
    value: Any
    index: int
    line: int
    positions: dict[PathKey, Position] = field(default_factory=dict)


@dataclass(frozen=True)
class ParseResult:
    documents: tuple[ParsedDocument, ...]
    problem: YamlProblem | None


_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(inf|Inf|INF)\Z|\.(nan|NaN|NAN)\Z")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]*))?(?:[ \t]*(Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?\Z"
)
_STR_TAG = "tag:yaml.org,2002:str"
_TAG_TYPES: dict[str, type | tuple[type, ...]] = {
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": (int, float),
    "tag:yaml.org,2002:bool": bool,
    "tag:yaml.org,2002:null": type(None),
}
_KNOWN_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq")
)


def _resolve_date(text: str, match: re.Match[str]) -> str:
    year, month, day = (int(g) for g in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"invalid date {text!r}: {exc}") from None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _resolve_timestamp(text: str, match: re.Match[str]) -> str:
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction, zone = match.group(7), match.group(8)
    try:
        dt.datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise ValueError(f"invalid timestamp {text!r}: {exc}") from None
    out = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    if fraction:
        out += "." + fraction
    if zone is None or zone == "Z":
        return out + "Z"
    sign, rest = zone[0], zone[1:].replace(":", "")
    hours, minutes = (int(rest), 0) if len(rest) <= 2 else (int(rest[:-2]), int(rest[-2:]))
    if hours == 0 and minutes == 0:
        return out + "Z"
    return out + f"{sign}{hours:02d}:{minutes:02d}"


def resolve_plain(text: str) -> Any:
    """Resolve a plain (unquoted, untagged) scalar per the YAML 1.2 core schema + timestamps."""
    if text in _NULL:
        return None
    first = text[0]
    if first in "tTfF":
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return text
    if not (first.isdigit() or first in "+-."):
        return text
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _SPECIAL_FLOAT.match(text):
        raise ValueError(f"{text!r} is not a JSON number (inf and nan are not allowed)")
    m = _DATE.match(text)
    if m:
        return _resolve_date(text, m)
    m = _TIMESTAMP.match(text)
    if m:
        return _resolve_timestamp(text, m)
    return text


def _scalar_value(event: Any) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        return resolve_plain(event.value) if event.style == "" else event.value
    if tag == _STR_TAG:
        return event.value
    if tag not in _KNOWN_TAGS:
        raise ValueError(f"unsupported tag {tag!r}")
    value = resolve_plain(event.value) if event.value else None
    expected = _TAG_TYPES.get(tag)
    if (
        expected is None
        or not isinstance(value, expected)
        or (tag == "tag:yaml.org,2002:int" and isinstance(value, bool))
    ):
        raise ValueError(f"{event.value!r} is not a valid {tag.rsplit(':', 1)[-1]}")
    if tag == "tag:yaml.org,2002:float" and isinstance(value, (int, float)):
        return float(value)
    return value


class _Builder:
    """Turns one document's events into a value; an explicit stack, no recursion."""

    def __init__(self, limits: YamlLimits, positions: bool) -> None:
        self.limits = limits
        self.want_positions = positions
        self.positions: dict[PathKey, Position] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        # Each frame: [container, path, pending_key, key_mark, anchor, nodes_at_start]
        self.stack: list[list[Any]] = []
        self.result: Any = None
        self.done = False

    def _count(self, n: int, mark: Any) -> None:
        self.nodes += n
        if self.nodes > self.limits.max_nodes:
            raise YamlProblem(
                f"document expands to more than {self.limits.max_nodes} nodes "
                "(alias expansion or size bound exceeded)",
                mark.line + 1,
                mark.column + 1,
            )

    def _child_path(self) -> PathKey:
        frame = self.stack[-1]
        container = frame[0]
        if isinstance(container, list):
            return (*frame[1], len(container))
        return (*frame[1], frame[2])

    def _attach(self, value: Any, mark: Any) -> None:
        if not self.stack:
            self.result = value
            self.done = True
            return
        frame = self.stack[-1]
        container = frame[0]
        if isinstance(container, list):
            if self.want_positions:
                self.positions[(*frame[1], len(container))] = (mark.line + 1, mark.column + 1)
            container.append(value)
            return
        key = frame[2]
        if key is _NO_KEY:
            self._take_key(value, mark)
            return
        container[key] = value
        frame[2] = _NO_KEY

    def _take_key(self, value: Any, mark: Any) -> None:
        frame = self.stack[-1]
        if not isinstance(value, _KeyText):
            raise YamlProblem("mapping keys must be plain scalars", mark.line + 1, mark.column + 1)
        key = str(value)
        if key in frame[0]:
            raise YamlProblem(f"duplicate key {key!r}", mark.line + 1, mark.column + 1)
        frame[2] = key
        if self.want_positions:
            self.positions[(*frame[1], key)] = (mark.line + 1, mark.column + 1)

    def _expecting_key(self) -> bool:
        if not self.stack:
            return False
        frame = self.stack[-1]
        return isinstance(frame[0], dict) and frame[2] is _NO_KEY

    def feed(self, event: Any) -> None:
        name = type(event).__name__
        mark = event.start_mark
        if name == "ScalarEvent":
            self._count(1, mark)
            if self._expecting_key():
                if event.tag not in (None, "!", _STR_TAG):
                    raise YamlProblem(
                        "mapping keys must be strings", mark.line + 1, mark.column + 1
                    )
                self._take_key(_KeyText(event.value), mark)
                return
            try:
                value = _scalar_value(event)
            except ValueError as exc:
                raise YamlProblem(str(exc), mark.line + 1, mark.column + 1) from None
            if event.anchor:
                self.anchors[event.anchor] = (value, 1)
            self._attach(value, mark)
        elif name in ("MappingStartEvent", "SequenceStartEvent"):
            if self._expecting_key():
                raise YamlProblem(
                    "mapping keys must be plain scalars", mark.line + 1, mark.column + 1
                )
            if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                raise YamlProblem(f"unsupported tag {event.tag!r}", mark.line + 1, mark.column + 1)
            self._count(1, mark)
            if len(self.stack) >= self.limits.max_depth:
                raise YamlProblem(
                    f"nesting deeper than {self.limits.max_depth} levels",
                    mark.line + 1,
                    mark.column + 1,
                )
            path = self._child_path() if self.stack else ()
            container: Any = {} if name == "MappingStartEvent" else []
            self._attach(container, mark)
            self.done = False
            self.stack.append([container, path, _NO_KEY, None, event.anchor, self.nodes])
        elif name in ("MappingEndEvent", "SequenceEndEvent"):
            frame = self.stack.pop()
            if frame[4]:
                self.anchors[frame[4]] = (frame[0], self.nodes - frame[5] + 1)
            if not self.stack:
                self.result = frame[0]
                self.done = True
        elif name == "AliasEvent":
            anchored = self.anchors.get(event.anchor)
            if anchored is None:
                raise YamlProblem(f"unknown alias {event.anchor!r}", mark.line + 1, mark.column + 1)
            value, size = anchored
            self._count(size, mark)
            if self._expecting_key():
                raise YamlProblem("aliases cannot be mapping keys", mark.line + 1, mark.column + 1)
            self._attach(value, mark)


class _KeyText(str):
    """Marks a scalar read in key position (keys are never type-resolved)."""


_NO_KEY: Any = object()


def parse_yaml(
    text: str, limits: YamlLimits | None = None, *, positions: bool = False
) -> ParseResult:
    """Parse every document in ``text``; stop at the first problem, keeping earlier documents."""
    limits = limits or YamlLimits()
    docs: list[ParsedDocument] = []
    parser = CParser(text)
    builder: _Builder | None = None
    doc_line = 1
    try:
        while parser.check_event():
            event = parser.get_event()
            name = type(event).__name__
            if name == "DocumentStartEvent":
                if len(docs) >= limits.max_documents:
                    raise YamlProblem(
                        f"more than {limits.max_documents} documents", event.start_mark.line + 1
                    )
                builder = _Builder(limits, positions)
                doc_line = event.start_mark.line + 1
            elif name == "DocumentEndEvent":
                assert builder is not None
                docs.append(ParsedDocument(builder.result, len(docs), doc_line, builder.positions))
                builder = None
            elif builder is not None:
                builder.feed(event)
    except YamlProblem as problem:
        return ParseResult(tuple(docs), problem)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        return ParseResult(tuple(docs), YamlProblem(message, line, column))
    except ReaderError as exc:  # a character YAML does not allow (control characters, U+FFFF)
        return ParseResult(tuple(docs), _reader_problem(text, exc))
    except YAMLError as exc:  # anything else libyaml refuses: never a traceback
        return ParseResult(tuple(docs), YamlProblem(f"invalid YAML: {exc}", 1, 1))
    return ParseResult(tuple(docs), None)


def _reader_problem(text: str, exc: ReaderError) -> YamlProblem:
    position = exc.position if isinstance(exc.position, int) else 0
    before = text[:position]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return YamlProblem(
        f"character U+{code:04X} is not allowed in YAML ({exc.reason})", line, column
    )


def decode_utf8(data: bytes) -> str:
    """Decode YAML bytes strictly as UTF-8 (a BOM is allowed); raise YamlProblem with the line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", line, column
        ) from None
