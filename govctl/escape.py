"""Escaping for every human-facing output: one set of functions, used by every writer.

What govctl prints quotes text it does not control: file names from a commit, messages of a
repository's own policies, field values, the audit actor. Printed raw, that text could
- move the cursor, recolour or clear a terminal (ANSI escape sequences, other C0/C1 controls);
- reorder what a reviewer reads (bidirectional overrides, invisible marks);
- start a line of its own (CR, LF, VT, FF, NEL, U+2028/U+2029) and forge a finding or an audit
  event;
- become a GitHub Actions workflow command: the runner treats any log line that starts with
  ``::`` (after leading blanks) as a command, and ``##[`` anywhere as a legacy one.

So, in every human-facing format:
- ``inline`` is for a value that lives on one line (a file name, an identity, an actor, a table
  cell): every control character, line breaks and tabs included, is shown as an escape
  (``\\x0a``, ``\\u2028``);
- ``printable`` is for text that may span lines (a policy's message): line breaks are kept, but
  every other control is escaped;
- both show a ``::`` that begins a line and any ``##[`` with an escaped first character, so no
  line govctl prints can be read as a workflow command.
The machine formats escape by their own rules (JSON, SARIF, JUnit XML) and the ``github`` format
by the Actions toolkit's (``govctl.output.github``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# C0 and C1 controls (except tab and newline, handled per function), DEL, the Arabic letter mark
# and other bidirectional/invisible marks, line and paragraph separators, BOM, XML-invalid
# U+FFFE/U+FFFF and lone surrogates (not encodable as UTF-8).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069"
    "\ufeff\ufffe\uffff\ud800-\udfff]"
)
_UNSAFE_INLINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069"
    "\ufeff\ufffe\uffff\ud800-\udfff]"
)
# A workflow command: "::" at the start of a line after blanks; "##[" anywhere (legacy form).
_COMMAND_START = re.compile(r"^([ \t]*):(?=:)", re.MULTILINE)
_LEGACY_COMMAND = re.compile(r"##\[")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _no_commands(text: str) -> str:
    text = _COMMAND_START.sub(lambda m: m.group(1) + "\\x3a", text)
    return _LEGACY_COMMAND.sub("##\\\\x5b", text)


def printable(text: str) -> str:
    """``text`` with line breaks normalised to ``\\n``, tabs kept and every other unsafe character
    shown as an escape; no line of it can be a workflow command."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _no_commands(_UNSAFE.sub(_escape_char, text))


def one_line(text: str) -> str:
    """``printable`` text on a single line, runs of whitespace as one space (titles, cells)."""
    return _no_commands(" ".join(printable(text).split()))


def inline(value: object) -> str:
    """A value shown on one line exactly: every control character (line breaks and tabs too) as
    an escape, and no workflow command."""
    return _no_commands(_UNSAFE_INLINE.sub(_escape_char, str(value)))


def inline_lines(lines: Iterable[str]) -> str:
    """Lines govctl assembled, each made safe with ``inline``, joined with newlines."""
    return "\n".join(inline(line) for line in lines)


def safe_json(dumped: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with every character that is
    unsafe on a terminal, and the ``[`` of ``##[``, written as a ``\\uXXXX`` escape: the same JSON
    value, readable non-ASCII text, and nothing a terminal or a runner would act on."""
    # Raw tabs and newlines in JSON text are layout (json.dumps escapes them inside strings);
    # "##[" can only occur inside a string, where "\\u005b" is the same character.
    escaped = _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
    return _LEGACY_COMMAND.sub("##\\\\u005b", escaped)
