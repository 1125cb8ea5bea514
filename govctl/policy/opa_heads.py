"""On the OPA engine, OPA's own parser confirms govctl's reading of the finding rules.

govctl decides which rules give findings with its own statement parser (``rego_syntax``), on
every engine. When OPA evaluates, the server holds the parsed module anyway (the policy API
returns its AST, which govctl already fetches to check the uploaded text is intact), so govctl
compares: every rule OPA sees with a finding name must be one govctl read the same way — the
same name, the same shape (a multi-value set, or anything else, which govctl refuses). Any
difference is a policy error naming the module, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govctl.errors import PolicyError
from govctl.policy.modules import is_finding_name
from govctl.policy.rego_syntax import parse_syntax

Head = tuple[str, bool]  # (rule name, is a readable multi-value set)


def opa_finding_heads(ast: Any) -> set[Head]:
    """The finding-named rules of a module AST from OPA's policy API."""
    heads: set[Head] = set()
    rules = ast.get("rules", []) if isinstance(ast, dict) else []
    for rule in rules if isinstance(rules, list) else []:
        head = rule.get("head", {}) if isinstance(rule, dict) else {}
        ref = head.get("ref") or [{"value": head.get("name")}]
        name = ref[0].get("value") if isinstance(ref[0], dict) else None
        if not isinstance(name, str) or not is_finding_name(name):
            continue
        readable = (
            "key" in head
            and "value" not in head
            and "args" not in head
            and len(ref) == 1
            and not rule.get("default")
        )
        heads.add((name, readable))
    return heads


def govctl_finding_heads(source: str) -> set[Head]:
    return {
        (head.name, head.is_multi_value)
        for head in parse_syntax(source).rules
        if is_finding_name(head.name)
    }


def _describe(heads: set[Head]) -> str:
    return ", ".join(f"{n} ({'set' if ok else 'other'})" for n, ok in sorted(heads)) or "none"


def confirm_finding_heads(sources: Mapping[str, str], asts: Mapping[str, Any]) -> None:
    """Raise PolicyError for the first module whose finding rules OPA reads differently."""
    for path, ast in asts.items():
        source = sources.get(path)
        if source is None or not isinstance(ast, dict):
            continue  # a server that gives no AST (a proxy, a stub) leaves govctl's own reading
        ours, theirs = govctl_finding_heads(source), opa_finding_heads(ast)
        if ours != theirs:
            raise PolicyError(
                "govctl and OPA read the finding rules of this module differently "
                f"(OPA: {_describe(theirs)}; govctl: {_describe(ours)}); govctl refuses to "
                "evaluate it rather than skip a rule",
                file=path,
            )
