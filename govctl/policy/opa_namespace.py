"""Relocating a policy bundle under a private root package for a shared OPA server.

OPA keeps one global package tree: modules uploaded under different policy ids but declaring the
same package are merged (their ``deny`` sets union, their complete rules conflict). Two govctl
runs sharing one OPA — two CI jobs, two repositories, a policy change under review next to main —
would therefore see each other's rules. govctl evaluates every bundle under its own root instead:
``package govctl.rules.x`` becomes ``package <ns>.govctl.rules.x`` and every reference to the
``data`` root becomes ``data.<ns>``, so the bundle sees exactly its own modules under ``data``,
as on the embedded engine (``opa_policies`` derives ``<ns>`` from the bundle's content).

The rewrite is lexical and only inserts text: comments and strings are skipped, no line is added
or removed, so OPA's row numbers are the file's; columns shift only after an insertion on the same
line, and ``original_column`` maps them back. OPA's messages name rewritten packages; ``unprefix``
restores the names the author wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PACKAGE_LINE = re.compile(r"^(\s*package\s+)(?=[A-Za-z_])")


@dataclass(frozen=True)
class RelocatedModule:
    source: str
    # line (1-based) → ((original column where text was inserted (1-based), inserted length), ...)
    insertions: dict[int, tuple[tuple[int, int], ...]]

    def original_column(self, line: int, column: int) -> int:
        """Map a column OPA reports in the relocated source back to the author's source."""
        shift = 0
        for at, length in self.insertions.get(line, ()):
            start = at + shift  # where the inserted text begins in the relocated line
            if column < start:
                break
            if column < start + length:
                return at
            shift += length
        return column - shift


def _tokens(line: str, in_raw: bool) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) over one line: 'ident', 'raw' (a raw string still open at the end), or
    'other'; comments and string contents are consumed and never reported as identifiers."""
    i, n = 0, len(line)
    if in_raw:
        end = line.find("`")
        if end < 0:
            yield ("raw", 0, n)
            return
        i = end + 1
    while i < n:
        ch = line[i]
        if ch == "#":
            return
        if ch == '"':
            j = i + 1
            while j < n and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            i = j + 1
            continue
        if ch == "`":
            end = line.find("`", i + 1)
            if end < 0:
                yield ("raw", i, n)
                return
            i = end + 1
            continue
        match = _IDENT.match(line, i)
        if match:
            yield ("ident", i, match.end())
            i = match.end()
            continue
        yield ("other", i, i + 1)
        i += 1


def _data_insertions(line: str, in_raw: bool) -> tuple[list[int], bool]:
    """0-based offsets just after each root ``data`` token of a line, and whether a raw string
    remains open at its end."""
    offsets: list[int] = []
    previous = ""  # the previous significant token's text
    still_raw = False
    for kind, start, end in _tokens(line, in_raw):
        if kind == "raw":
            still_raw = True
            break
        text = line[start:end]
        if kind == "ident" and text == "data" and previous != ".":
            nxt = line[end : end + 1]
            # `import data` alone imports the root, which every module already sees.
            if not (previous == "import" and nxt not in (".", "[")):
                offsets.append(end)
        if not text.isspace():
            previous = text
    return offsets, still_raw


def relocate(source: str, namespace: str) -> RelocatedModule:
    """Move a module under ``data.<namespace>`` (see the module docstring)."""
    out_lines: list[str] = []
    insertions: dict[int, tuple[tuple[int, int], ...]] = {}
    in_raw = False
    package_done = False
    for number, line in enumerate(source.split("\n"), start=1):
        inserts: list[tuple[int, str]] = []
        if not in_raw and not package_done and (match := _PACKAGE_LINE.match(line)):
            inserts.append((match.end(), namespace + "."))
            package_done = True
        else:
            offsets, in_raw_next = _data_insertions(line, in_raw)
            inserts.extend((offset, "." + namespace) for offset in offsets)
            in_raw = in_raw_next
        if not inserts:
            out_lines.append(line)
            continue
        pieces: list[str] = []
        last = 0
        for offset, text in inserts:
            pieces.extend((line[last:offset], text))
            last = offset
        pieces.append(line[last:])
        out_lines.append("".join(pieces))
        insertions[number] = tuple((offset + 1, len(text)) for offset, text in inserts)
    return RelocatedModule("\n".join(out_lines), insertions)


def unprefix(message: str, namespace: str) -> str:
    """Remove the private root from names in an OPA message."""
    return message.replace(f"data.{namespace}.", "data.").replace(f"{namespace}.", "")
