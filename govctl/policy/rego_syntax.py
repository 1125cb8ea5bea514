"""The top-level statements of a Rego module, found by parsing tokens, never by line patterns.

govctl needs three facts from a module before any engine sees it: its package, the rules it
defines (name, position, and the *shape* of each head) and where its ``# METADATA`` blocks sit.
Neither engine exposes a module's syntax tree (regopy has no AST call; an OPA binary is not always
installed), so this module parses the part of the grammar that decides those facts, on the tokens
of ``govctl.policy.lint.tokenize`` (strings, raw strings and comments are tokens, so their content
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

from collections.abc import Sequence
from dataclasses import dataclass

from govctl.policy.lint import Token, tokenize

# Words that continue a statement: an identifier after one of them is part of the same statement.
STRUCTURAL = frozenset(
    {"package", "import", "default", "if", "else", "contains", "some", "every", "in", "not",
     "with", "as"}
)  # fmt: skip
# Names that are values, never a rule's name.
VALUE_WORDS = frozenset({"true", "false", "null", "input", "data"})
STARTERS = frozenset({"package", "import", "default"})
_OPEN, _CLOSE = "([{", ")]}"


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
    comment_lines: frozenset[int]  # lines whose first token is a comment (METADATA candidates)


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


def parse_syntax(source: str) -> ModuleSyntax:
    tokens = tokenize(source)
    package: str | None = None
    package_line = 0
    rules: list[RuleHead] = []
    for statement in statements(tokens):
        first = statement[0]
        if first.text == "package" and package is None:
            package, package_line = _package(statement), first.line
        elif first.text not in ("package", "import") and (head := rule_head(statement)):
            rules.append(head)
    return ModuleSyntax(package, package_line, tuple(rules), _comment_lines(source, tokens))


def _comment_lines(source: str, tokens: Sequence[Token]) -> frozenset[int]:
    """Lines that hold only a comment: not inside a raw string and with no code before it."""
    covered: set[int] = set()
    for tok in tokens:
        if tok.kind == "raw" or tok.kind == "string":
            covered.update(range(tok.line, tok.line + tok.text.count("\n") + 1))
    return frozenset(
        number
        for number, line in enumerate(source.splitlines(), start=1)
        if line.lstrip().startswith("#") and number not in covered
    )
