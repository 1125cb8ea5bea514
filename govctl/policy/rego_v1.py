"""Refuse Rego v0 rule bodies, which OPA 1.x rejects and regopy silently accepts.

In Rego v1 every rule body follows ``if`` (``deny contains msg if { ... }``). regopy still parses
the v0 form (``deny[msg] { ... }``, ``allow { ... }``) and gives it other meanings (a v0 partial
set becomes an object of ``true`` values), so without this check the embedded engine would pass
a file the OPA engine refuses to load. Found by scanning top-level statements
(``govctl.policy.rego_syntax``): a ``{`` at bracket
depth 0 in a statement with neither ``if`` nor an assignment (``:=``/``=``), and not right after
``contains`` (an object member of a set), is a v0 body.
"""

from __future__ import annotations

from govctl.errors import PolicyError
from govctl.policy.rego_syntax import Token, scan, statements

_OPENING, _CLOSING = "([{", ")]}"
_VALUE_BEFORE = frozenset({"contains", ":=", "="})  # a `{` right after these is a value


def _opens_a_v0_body(head: list[Token]) -> bool:
    """Whether a top-level ``{`` after ``head`` starts a rule body written without ``if``."""
    if not head or head[-1].text in _VALUE_BEFORE:
        return False
    return not {t.text for t in head} & {"if", ":=", "=", "else"}


def v0_rule_bodies(source: str) -> list[Token]:
    """The ``{`` of every rule body written without ``if``, in statements found by the parser's
    boundaries (so an indented or same-line rule is scanned like any other)."""
    found: list[Token] = []
    for statement in statements(scan(source)):
        depth = 0
        head: list[Token] = []  # tokens of the statement before its first top-level `{`
        for tok in statement:
            if tok.text == "{" and depth == 0:
                if _opens_a_v0_body(head):
                    found.append(tok)
                break
            if tok.kind == "op" and tok.text in _OPENING:
                depth += 1
            elif tok.kind == "op" and tok.text in _CLOSING:
                depth = max(0, depth - 1)
            head.append(tok)
    return found


def require_v1(path: str, source: str) -> None:
    """Raise PolicyError at the first v0 rule body of a module (or a NUL, which no Rego holds:
    regopy would report it at a wrong place)."""
    nul = source.find("\x00")
    if nul >= 0:
        line = source.count("\n", 0, nul) + 1
        column = nul - (source.rfind("\n", 0, nul) + 1) + 1
        raise PolicyError("a NUL character: not a Rego source", file=path, line=line, column=column)
    bodies = v0_rule_bodies(source)
    if bodies:
        first = bodies[0]
        raise PolicyError(
            "Rego v1 needs `if` before a rule body (and `contains` for a set: "
            "`deny contains msg if { ... }`); OPA 1.x refuses this file",
            file=path,
            line=first.line,
            column=first.column,
        )
