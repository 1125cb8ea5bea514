"""``govctl policy lint``: flag Rego constructs the embedded engine (regopy) evaluates differently
from OPA.

Each check is lexical (a small Rego tokenizer, no type information), so it errs on the side of
flagging; a line can opt out with a comment on it or on the line above:
``# govctl-lint: ignore GL105`` (or ``ignore`` alone for every code). The divergences behind the
codes were measured against OPA v1.22.2 and regopy 1.5.2 (docs/engines.md, tests/test_lint.py):

GL100  a policy govctl refuses to evaluate (``check`` stops with exit 3 on it): a finding rule
       (``deny``/``warn``/``info``/``violation``, ``deny_*``...) that is not a multi-value rule
       (``deny if {...}``, ``deny := "..."``, ``deny.x contains ...``, a function), or
       ``custom.kinds`` naming no artifact kind.
GL101  ``with input as X`` replacing the whole input: regopy fails when the expression depends
       on other rules, and the interpreter is unusable afterwards.
GL102  ``with input.<path> as <rule>``: regopy reads the rule's value as undefined.
GL103  ``semver.compare``: regopy orders pre-releases wrongly and does not ignore build metadata.
GL104  ``sprintf`` with ``%q``: regopy returns the format unchanged.
GL105  ``sprintf`` with ``%v`` of a value that may be a number: OPA prints floats ≥ 1e6 in
       exponent form (``2.5e+06``), regopy in decimal.
GL106  ``sprintf`` of a string a builtin produced (``concat``, ``format_int``, ``lower``, …):
       regopy splices it in quoted, and its output is no longer valid JSON.
GL107  ``time.parse_rfc3339_ns`` of a value that may end in ``Z``: regopy rejects the ``Z`` suffix
       (govctl rewrites ``Z`` in artifacts, not in literals, built strings or ``input.change``).
GL108  ``count``/``substring``/``indexof``/``upper``/``lower``/``trim_space``/``crypto.*``/
       ``base64.*``/``hex.encode`` on free text: regopy sees quotes, backslashes, newlines and
       non-ASCII escaped (other counts, hashes and cuts; sometimes invalid output).
GL109  a builtin regopy does not implement (``print``, ``net.cidr_*``, ``json.match_schema``,
       ``rego.metadata.*``, ``http.send``, …): undefined or a compile error on the embedded engine.
GL110  ``some k, v in`` inside an array or set comprehension: regopy fails to parse it.
GL111  ``concat`` over a set: the engines iterate sets in different orders (sort first); OPA's
       Wasm (the embedded engine's default) too.
GL112  a builtin that reads the clock or the outside world (``time.now_ns``, ``rand.intn``,
       ``uuid.rfc4122``, ``http.send``, ``opa.runtime``): the same inputs no longer give the same
       findings on either engine (use ``input.now``).
GL113  a builtin or operator that can fail on the input's values (``to_number``,
       ``json.unmarshal``, ``base64.decode``, ``units.parse``, ``/`` or ``%`` by an input-derived
       divisor, …): OPA's Wasm (the embedded engine's default) makes the failure undefined — the
       rule silently does not fire — where OPA with strict builtin errors stops the run. Guard the
       value first (``is_number``, ``regex.match``, ``!= 0``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from govctl.errors import InfraError

_TOKEN = re.compile(
    r"(?P<comment>\#[^\n]*)"
    r"|(?P<raw>`[^`]*`)"
    r'|(?P<string>"(?:[^"\\\n]|\\.)*")'
    r"|(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"|(?P<op>:=|==|!=|<=|>=|\S)"
)
_OFFSET = re.compile(r'[+-]\d\d:\d\d"$')
_IGNORE = re.compile(r"#\s*govctl-lint:\s*ignore\b([ A-Z0-9,]*)")
KEYWORDS = frozenset(
    {
        "package",
        "import",
        "default",
        "if",
        "else",
        "contains",
        "some",
        "every",
        "in",
        "not",
        "with",
        "as",
        "true",
        "false",
        "null",
        "input",
        "data",
    }
)
TEXT_BUILTINS = frozenset(
    {
        "count",
        "substring",
        "indexof",
        "indexof_n",
        "upper",
        "lower",
        "trim_space",
        "strings.reverse",
        "base64.encode",
        "base64url.encode",
        "base64url.encode_no_pad",
        "hex.encode",
    }
)
STRING_BUILTINS = frozenset(
    {
        "concat",
        "format_int",
        "lower",
        "upper",
        "trim",
        "trim_left",
        "trim_right",
        "trim_prefix",
        "trim_suffix",
        "trim_space",
        "replace",
        "substring",
        "sprintf",
        "json.marshal",
        "strings.replace_n",
        "strings.reverse",
        "base64.encode",
        "base64.decode",
        "object.get",
    }
)
OUTSIDE_WORLD = frozenset(
    {
        "time.now_ns",
        "rand.intn",
        "uuid.rfc4122",
        "uuid.parse",
        "http.send",
        "opa.runtime",
        "net.lookup_ip_addr",
    }
)
# Keys under which artifacts carry free text (schema strings without a pattern), plus the
# template text and finding messages.
FREE_TEXT = frozenset(
    {
        "content",
        "template",
        "description",
        "changelog",
        "legalBasis",
        "justification",
        "ticket",
        "useCase",
        "msg",
        "message",
        "title",
        "approvedBy",
        "escalation",
        "runner",
        "url",
        "dashboard",
        "provider",
        "providerModelId",
        "store",
        "owner",
        "labels",
        "annotations",
    }
)


# Builtins whose operand values (not only types) can make them fail.
CAN_FAIL = frozenset(
    {
        "to_number",
        "json.unmarshal",
        "yaml.unmarshal",
        "base64.decode",
        "base64url.decode",
        "hex.decode",
        "units.parse",
        "units.parse_bytes",
        "time.parse_ns",
        "time.parse_duration_ns",
        "semver.compare",
        "regex.match",
        "regex.find_n",
        "numbers.range",
        "urlquery.decode",
    }
)


def _mentions_input(tok: Token) -> bool:
    return tok.kind == "name" and (tok.text == "input" or tok.text.startswith("input."))


@dataclass(frozen=True, order=True)
class LintIssue:
    file: str
    line: int
    column: int
    code: str
    message: str


class ProblemSource(Protocol):
    @property
    def file(self) -> str: ...

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...

    @property
    def message(self) -> str: ...


def problem_issues(problems: Iterable[ProblemSource]) -> list[LintIssue]:
    """Policy problems (``govctl.policy.bundle.policy_problems``) as GL100 issues."""
    return [LintIssue(p.file, p.line, p.column, "GL100", p.message) for p in problems]


class ModuleSource(Protocol):
    @property
    def path(self) -> str: ...

    @property
    def source(self) -> str: ...


@dataclass(frozen=True)
class Token:
    kind: str  # name, string, raw, number, op
    text: str
    line: int
    column: int
    at_line_start: bool


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", source)]
    line = 0
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup or "op"
        if kind == "comment":
            continue
        start = match.start()
        while line + 1 < len(line_starts) and line_starts[line + 1] <= start:
            line += 1
        column = start - line_starts[line] + 1
        tokens.append(Token(kind, match.group(), line + 1, column, column == 1))
    return tokens


def _closing(tokens: Sequence[Token], open_index: int) -> int:
    """Index of the bracket closing the one at ``open_index`` (or the last token)."""
    depth = 0
    for i in range(open_index, len(tokens)):
        if tokens[i].text in "([{":
            depth += 1
        elif tokens[i].text in ")]}":
            depth -= 1
            if depth == 0:
                return i
    return len(tokens) - 1


def _arguments(tokens: Sequence[Token], open_index: int) -> list[list[Token]]:
    """The comma-separated arguments of the call whose ``(`` is at ``open_index``."""
    end = _closing(tokens, open_index)
    args: list[list[Token]] = [[]]
    depth = 0
    for tok in tokens[open_index + 1 : end]:
        if tok.text in "([{":
            depth += 1
        elif tok.text in ")]}":
            depth -= 1
        if tok.text == "," and depth == 0:
            args.append([])
        else:
            args[-1].append(tok)
    return args if args != [[]] else []


@dataclass
class _Module:
    path: str
    tokens: list[Token]
    aliases: set[str]  # import aliases of packages (lib for `import data.govctl.lib`)
    rules: set[str]  # rule and function names defined in this module


def _module(path: str, source: str) -> _Module:
    tokens = tokenize(source)
    aliases: set[str] = set()
    rules: set[str] = set()
    for i, tok in enumerate(tokens):
        if tok.text == "import" and i + 1 < len(tokens):
            target = tokens[i + 1].text
            has_alias = i + 3 < len(tokens) and tokens[i + 2].text == "as"
            aliases.add(tokens[i + 3].text if has_alias else target.rsplit(".", 1)[-1])
        elif tok.at_line_start and tok.kind == "name" and tok.text not in KEYWORDS:
            rules.add(tok.text.split(".", 1)[0])
        elif tok.at_line_start and tok.text == "default" and i + 1 < len(tokens):
            rules.add(tokens[i + 1].text)
    return _Module(path, tokens, aliases, rules)


def _calls(module: _Module) -> Iterable[tuple[int, Token]]:
    """(index, name token) of every call that is not a function definition."""
    tokens = module.tokens
    for i, tok in enumerate(tokens[:-1]):
        call = tok.kind == "name" and tokens[i + 1].text == "(" and not tok.at_line_start
        if call and tok.text not in KEYWORDS:
            yield i, tok


def _is_user_function(name: str, module: _Module, functions: set[str]) -> bool:
    head = name.split(".", 1)[0]
    return head == "data" or head in module.aliases or name in functions


def _text(tokens: Iterable[Token]) -> str:
    return " ".join(t.text for t in tokens)


def _free_text(arg: Sequence[Token]) -> bool:
    """A plain reference whose last key names free text (``m.content``, ``x.spec.changelog``);
    not a comprehension or literal built around one."""
    if not arg or arg[0].kind != "name" or arg[0].text in KEYWORDS - {"input"}:
        return False
    names = [t for t in arg if t.kind == "name"]
    return names[-1].text.rsplit(".", 1)[-1] in FREE_TEXT


class _Checker:
    def __init__(self, module: _Module, functions: set[str]) -> None:
        self.module = module
        self.functions = functions
        self.issues: list[LintIssue] = []
        self.builtins: list[tuple[str, Token]] = []

    def flag(self, tok: Token, code: str, message: str) -> None:
        self.issues.append(LintIssue(self.module.path, tok.line, tok.column, code, message))

    def run(self) -> None:
        self._with_clauses()
        self._comprehensions()
        self._input_divisors()
        for index, tok in _calls(self.module):
            if _is_user_function(tok.text, self.module, self.functions):
                continue
            self.builtins.append((tok.text, tok))
            self._call(index, tok)

    def _input_divisors(self) -> None:
        tokens = self.module.tokens
        for i, tok in enumerate(tokens[:-1]):
            if tok.kind != "op" or tok.text not in ("/", "%"):
                continue
            # The divisor: a parenthesised expression, a call, or one name.
            start = i + 1
            if tokens[start].kind == "name" and start + 1 < len(tokens):
                start += 1 if tokens[start + 1].text == "(" else 0
            end = _closing(tokens, start) if tokens[start].text == "(" else start
            if any(_mentions_input(t) for t in tokens[i + 1 : end + 1]):
                self.flag(
                    tok,
                    "GL113",
                    f"`{tok.text}` by a value taken from the input: a zero divisor is undefined "
                    "on Wasm (the rule does not fire) and an error on OPA; guard it (!= 0)",
                )

    def _with_clauses(self) -> None:
        tokens = self.module.tokens
        for i, tok in enumerate(tokens[:-3]):
            if tok.text != "with" or tokens[i + 2].text != "as":
                continue
            target, value = tokens[i + 1], tokens[i + 3]
            if target.text == "input":
                self.flag(
                    tok,
                    "GL101",
                    "`with input as` replaces the whole input: regopy fails "
                    "when the expression depends on other rules; replace paths instead "
                    "(`with input.subject as ...`)",
                )
            elif target.text.startswith("input.") and self._is_rule_ref(value):
                self.flag(
                    tok,
                    "GL102",
                    f"`with {target.text} as {value.text}`: regopy reads a "
                    "rule's value as undefined here; bind it to a local variable first",
                )

    def _is_rule_ref(self, tok: Token) -> bool:
        if tok.kind != "name":
            return False
        head = tok.text.split(".", 1)[0]
        return head == "data" or head in self.module.aliases or head in self.module.rules

    def _comprehensions(self) -> None:
        stack: list[dict[str, typing.Any]] = []
        tokens = self.module.tokens
        for i, tok in enumerate(tokens):
            if tok.text in "([{":
                stack.append({"open": tok.text, "bar": False, "colon": False})
            elif tok.text in ")]}" and stack:
                stack.pop()
            elif stack and tok.text == "|":
                stack[-1]["bar"] = True
            elif stack and tok.text == ":" and not stack[-1]["bar"]:
                stack[-1]["colon"] = True
            elif tok.text == "some" and stack and stack[-1]["bar"] and i + 4 < len(tokens):
                inner = stack[-1]
                set_or_array = inner["open"] == "[" or (inner["open"] == "{" and not inner["colon"])
                if set_or_array and tokens[i + 2].text == "," and tokens[i + 4].text == "in":
                    self.flag(
                        tok,
                        "GL110",
                        "`some k, v in` inside an array or set comprehension "
                        "does not parse on regopy; iterate keys (`some k; v := x[k]`)",
                    )

    def _call(self, index: int, tok: Token) -> None:
        name = tok.text
        args = _arguments(self.module.tokens, index + 1)
        if name == "semver.compare":
            self.flag(
                tok,
                "GL103",
                "semver.compare: regopy orders pre-releases wrongly and does "
                "not ignore build metadata",
            )
        elif name == "sprintf":
            self._sprintf(tok, args)
        elif name == "time.parse_rfc3339_ns" and args and self._may_end_in_z(args[0]):
            self.flag(
                tok,
                "GL107",
                "time.parse_rfc3339_ns of a value that may end in `Z`: regopy "
                'rejects `Z` (write +00:00, or trim_suffix(x, "Z") and append it)',
            )
        elif (name in TEXT_BUILTINS or name.startswith("crypto.")) and args and _free_text(args[0]):
            self.flag(
                tok,
                "GL108",
                f"{name} of free text: regopy sees quotes, backslashes, "
                "newlines and non-ASCII escaped; compute it in Python (input.derived)",
            )
        elif name == "concat" and len(args) == 2 and args[1] and args[1][0].text == "{":
            self.flag(
                tok,
                "GL111",
                "concat over a set: the engines iterate sets in different "
                "orders; concat(sep, sort(set))",
            )
        if name in CAN_FAIL and args and any(_mentions_input(t) for t in args[0]):
            self.flag(
                tok,
                "GL113",
                f"{name} of a value taken from the input can fail: undefined on Wasm (the rule "
                "does not fire), an error on OPA; guard the value first",
            )
        if name in OUTSIDE_WORLD:
            self.flag(
                tok,
                "GL112",
                f"{name} reads the clock or the outside world: findings stop "
                "being reproducible (policies use input.now)",
            )

    def _sprintf(self, tok: Token, args: list[list[Token]]) -> None:
        fmt = args[0][0].text if args and len(args[0]) == 1 and args[0][0].kind == "string" else ""
        values = args[1] if len(args) > 1 else []
        if "%q" in fmt:
            self.flag(tok, "GL104", "sprintf %q: regopy returns the format unchanged")
        if "%v" in fmt and any(t.kind in ("name", "number") for t in values):
            self.flag(
                tok,
                "GL105",
                "sprintf %v of a number: OPA prints floats >= 1e6 as "
                "2.5e+06, regopy as 2500000; format numbers explicitly",
            )
        produced = [
            t
            for i, t in enumerate(values[:-1])
            if t.kind == "name" and values[i + 1].text == "(" and t.text in STRING_BUILTINS
        ]
        if produced and re.search(r"%[sv]", fmt):
            self.flag(
                tok,
                "GL106",
                f"sprintf of a string {produced[0].text} produced: regopy "
                "splices it in quoted (invalid output); build the text with concat",
            )

    def _may_end_in_z(self, arg: Sequence[Token]) -> bool:
        text = _text(arg)
        literals = [t.text for t in arg if t.kind == "string"]
        if literals and literals[-1].endswith('Z"'):
            return True
        if "trim_suffix" in text or (literals and _OFFSET.search(literals[-1])):
            return False  # built with an explicit offset
        built = any(t.text in ("concat", "sprintf") for t in arg)
        return built or "input.change" in text


def _suppressed(source_lines: Sequence[str], issue: LintIssue) -> bool:
    for number in (issue.line, issue.line - 1):
        if 1 <= number <= len(source_lines):
            match = _IGNORE.search(source_lines[number - 1])
            if match:
                codes = {c for c in re.split(r"[ ,]+", match.group(1)) if c}
                if not codes or issue.code in codes:
                    return True
    return False


def unknown_builtins(names: Sequence[str]) -> set[str]:
    """The names regopy does not implement, asked in a child process (govctl's own process never
    loads the native library)."""
    if not names:
        return set()
    code = (
        "import json, sys\nfrom regopy import Interpreter\ni = Interpreter()\n"
        "print(json.dumps([n for n in json.load(sys.stdin) if not i.is_builtin(n)]))\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(sorted(names)),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return set(json.loads(done.stdout))
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        raise InfraError(f"cannot ask regopy which builtins it implements: {exc}") from None


def lint_modules(modules: Sequence[ModuleSource]) -> list[LintIssue]:
    """Every issue in ``modules``, sorted by file, line, column."""
    parsed = [_module(m.path, m.source) for m in modules]
    functions = {
        tok.text
        for p in parsed
        for i, tok in enumerate(p.tokens[:-1])
        if tok.at_line_start and tok.kind == "name" and p.tokens[i + 1].text == "("
    }
    checkers = [_Checker(p, functions) for p in parsed]
    for checker in checkers:
        checker.run()
    missing = unknown_builtins(sorted({name for c in checkers for name, _ in c.builtins}))
    issues: list[LintIssue] = []
    for checker, module in zip(checkers, modules, strict=True):
        for name, tok in checker.builtins:
            if name in missing:
                checker.flag(
                    tok,
                    "GL109",
                    f"{name} is not implemented by regopy (the embedded "
                    "engine): it is undefined there, or the bundle does not compile",
                )
        lines = module.source.splitlines()
        issues.extend(i for i in checker.issues if not _suppressed(lines, i))
    return sorted(set(issues))
