"""The top-level statements of a Rego module, found by parsing tokens, never by line patterns.

govctl needs three facts from a module before any engine sees it: its package, the rules it
defines (name, position, and the *shape* of each head) and where its ``# METADATA`` blocks sit.
Neither engine exposes a module's syntax tree (regopy has no AST call; an OPA binary is not always
installed), so this module parses the part of the grammar that decides those facts, on the tokens
of a small Rego scanner (it reads strings, raw strings and comments as such, so their content
never looks like code).

Statement boundaries follow OPA's grammar rather than lines: at bracket depth 0 a statement
starts with ``package``, ``import`` or ``default``, or with an identifier that directly follows a
complete term (a name, literal or closing bracket). Inside a statement an identifier always
follows a keyword or an operator (``contains``, ``if``, ``:=``, ``in``, ``,`` ...). So a head
indented by spaces or tabs, written after a closing brace on the same line, or split over several
lines is found all the same. tests/unit/test_rego_syntax.py proves the result equal to
``opa parse`` on the whole catalog and on hostile layouts.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

# Words that continue a statement: an identifier after one of them is part of the same statement.
STRUCTURAL = frozenset(
    {"package", "import", "default", "if", "else", "contains", "some", "every", "in", "not",
     "with", "as"}
)  # fmt: skip
# Names that are values, never a rule's name.
VALUE_WORDS = frozenset({"true", "false", "null", "input", "data"})
STARTERS = frozenset({"package", "import", "default"})
_OPEN, _CLOSE = "([{", ")]}"
# Top level (bracket depth 0): the next token after any whitespace and comments (one match each;
# the same tokens as govctl.policy.lint.tokenize). Only the end of the source matches no token.
_FINE = re.compile(
    r"(?:\s+|\#[^\n]*)*"
    r'(?:(?P<raw>`[^`]*`)|(?P<string>"(?:[^"\\\n]|\\.)*")'
    r"|(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"|(?P<op>:=|==|!=|<=|>=|\S))?"
)
# Inside brackets only brackets matter, and strings, raw strings and comments, which may hold
# brackets: _SKIP jumps to the next bracket or raw string outside them in one match.
_SKIP = re.compile(r'(?:[^"`#()\[\]{}]+|"(?:[^"\\\n]|\\.)*"|\#[^\n]*|")*')
_METADATA = re.compile(r"^[ \t]*# METADATA[ \t\r]*$", re.MULTILINE)


class Token(NamedTuple):
    """A token of the scanner (a tuple: modules have thousands, and each costs little)."""

    kind: str  # name, string, raw, number, op, inner (the text inside a top-level bracket group)
    text: str
    line: int
    column: int


@dataclass(frozen=True)
class RuleHead:
    """One rule definition as written: ``deny contains msg if {...}`` is shape ``set``."""

    name: str  # the first part of the head's reference (``deny`` for ``deny.x contains``)
    ref: str  # the head's reference as written, e.g. ``deny``, ``deny.x``, ``deny[_]``
    shape: str  # set | value | boolean | function | unknown
    default: bool  # ``default name := ...``
    line: int
    column: int

    @property
    def is_multi_value(self) -> bool:
        """``name contains term``: a set govctl can read findings from."""
        return self.shape == "set" and self.ref == self.name and not self.default


@dataclass(frozen=True)
class ModuleSyntax:
    package: str | None
    package_line: int
    rules: tuple[RuleHead, ...]
    metadata_lines: tuple[int, ...]  # lines that are `# METADATA` comments
    raw_lines: frozenset[int]  # lines inside multi-line raw strings (no comment there)


def _is_value_end(tok: Token) -> bool:
    if tok.kind in ("string", "raw", "number"):
        return True
    if tok.kind == "name":
        return tok.text.split(".", 1)[0] not in STRUCTURAL
    return tok.text in _CLOSE


def _starts_statement(tok: Token, previous: Token | None) -> bool:
    if tok.kind != "name":
        return False
    first = tok.text.split(".", 1)[0]
    if first in STARTERS:
        return True
    if first in STRUCTURAL or first in VALUE_WORDS:
        return False
    return previous is None or _is_value_end(previous)


def statements(tokens: Sequence[Token]) -> list[list[Token]]:
    """The module's top-level statements, each a list of its tokens."""
    found: list[list[Token]] = []
    depth = 0
    previous: Token | None = None
    for tok in tokens:
        if depth == 0 and (not found or _starts_statement(tok, previous)):
            found.append([])
        found[-1].append(tok)
        if tok.kind == "op" and tok.text in _OPEN:
            depth += 1
        elif tok.kind == "op" and tok.text in _CLOSE:
            depth = max(0, depth - 1)
        previous = tok
    return found


def _skip_group(tokens: Sequence[Token], index: int) -> int:
    """Index after the bracket group that opens at ``index``."""
    depth = 0
    for i in range(index, len(tokens)):
        if tokens[i].kind == "op" and tokens[i].text in _OPEN:
            depth += 1
        elif tokens[i].kind == "op" and tokens[i].text in _CLOSE:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(tokens)


def _shape(following: Token | None) -> str:
    if following is None or following.text in ("if", "{"):
        return "boolean"
    return {"contains": "set", ":=": "value", "=": "value", "(": "function"}.get(
        following.text, "unknown"
    )


def rule_head(statement: Sequence[Token]) -> RuleHead | None:
    """The head of a rule statement (``None`` for ``package``/``import`` or a non-rule)."""
    index = 0
    default = statement[0].text == "default"
    if default:
        index = 1
    if index >= len(statement) or statement[index].kind != "name":
        return None
    head = statement[index]
    if head.text.split(".", 1)[0] in STARTERS:
        return None
    ref = head.text
    index += 1
    # A reference continues with [key] (whitespace allowed) or .name parts.
    while index < len(statement):
        tok = statement[index]
        if tok.text == "[":
            end = _skip_group(statement, index)
            ref += "[" + " ".join(t.text for t in statement[index + 1 : end - 1]) + "]"
            index = end
        elif tok.text == "." and index + 1 < len(statement):
            ref += "." + statement[index + 1].text
            index += 2
        else:
            break
    following = statement[index] if index < len(statement) else None
    return RuleHead(
        name=head.text.split(".", 1)[0],
        ref=ref,
        shape=_shape(following),
        default=default,
        line=head.line,
        column=head.column,
    )


def _package(statement: Sequence[Token]) -> str | None:
    """``package a.b`` → ``a.b``; a reference with brackets or strings is not supported."""
    if len(statement) == 2 and statement[1].kind == "name":
        return statement[1].text
    return None


def _inside(source: str, pos: int, raws: list[tuple[int, int]]) -> tuple[int, int]:
    """From just after an opening bracket at depth 1: the position after its closing bracket
    (or the end), jumping over nested brackets, strings, raw strings (recorded in ``raws``) and
    comments."""
    depth = 1
    end = len(source)
    while pos < end:
        pos = _SKIP.match(source, pos).end()  # type: ignore[union-attr]  # matches empty
        if pos >= end:
            break
        char = source[pos]
        if char == "`":
            close = source.find("`", pos + 1)
            close = end - 1 if close < 0 else close
            raws.append((pos, close + 1))
            pos = close + 1
            continue
        pos += 1
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if depth == 0:
                return pos - 1, pos
    return end, end


def scan(source: str, raws: list[tuple[int, int]] | None = None) -> list[Token]:
    """The tokens that decide statements: every token at bracket depth 0; a top-level bracket
    group is its opening bracket, one ``inner`` token holding its text, and its closing bracket.
    Python only steps through brackets inside a group; the rest is skipped by one regex.
    ``raws`` receives the (start, end) offsets of every raw string."""
    starts = [0] + [m.end() for m in re.finditer("\n", source)]
    raws = [] if raws is None else raws
    out: list[Token] = []
    pos = 0
    end = len(source)

    def token(kind: str, text: str, at: int) -> Token:
        line = bisect.bisect_right(starts, at)
        return Token(kind, text, line, at - starts[line - 1] + 1)

    while pos < end:
        match = _FINE.match(source, pos)
        assert match is not None  # everything in it is optional
        pos = match.end()
        kind = match.lastgroup
        if kind is None:
            break  # only whitespace and comments were left
        text = match.group(kind)
        out.append(token(kind, text, match.start(kind)))
        if kind == "raw":
            raws.append((match.start(kind), pos))
        elif kind == "op" and text in _OPEN:
            close, pos = _inside(source, pos, raws)
            out.append(token("inner", source[match.end() : close], match.end()))
            if close < end:
                out.append(token("op", source[close], close))
    return out


def _raw_lines(source: str, raws: list[tuple[int, int]]) -> frozenset[int]:
    """Lines inside multi-line raw strings (a `# METADATA` there is text, not a comment)."""
    lines: set[int] = set()
    for start, stop in raws:
        breaks = source.count("\n", start, stop)
        if breaks:
            first = source.count("\n", 0, start) + 1
            lines.update(range(first, first + breaks + 1))
    return frozenset(lines)


def parse_syntax(source: str) -> ModuleSyntax:
    raws: list[tuple[int, int]] = []
    tokens = scan(source, raws)
    package: str | None = None
    package_line = 0
    rules: list[RuleHead] = []
    for statement in statements(tokens):
        first = statement[0]
        if first.text == "package" and package is None:
            package, package_line = _package(statement), first.line
        elif first.text not in ("package", "import") and (head := rule_head(statement)):
            rules.append(head)
    candidates = [m.start() for m in _METADATA.finditer(source)]
    raw_lines = _raw_lines(source, raws) if candidates else frozenset()
    metadata = tuple(
        number
        for start in candidates
        if (number := source.count("\n", 0, start) + 1) not in raw_lines
    )
    return ModuleSyntax(package, package_line, tuple(rules), metadata, raw_lines)
