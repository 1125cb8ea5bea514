"""Can a bundle's policies read ``input.config``?

docs/spec.md §3 puts govctl.yaml in every subject's input as ``input.config``. No rule of the
built-in catalog reads it (its settings reach policies as ``data.govctl.parameters``), yet it
was ~0.9 KB of every input document: 8% of a Deployment's, 30% of a Prompt's and over half of a
Model's, parsed again by the engine for each of thousands of subjects. So ``input.config`` is sent
only when some module of the bundle might read it.

The scan is conservative: it errs towards sending. Comments and string literals are skipped; every
other ``input`` that is not a field of something else (``x.input``) must be followed directly by
``.subject``, ``.related``, ``.derived``, ``.now`` or ``.change``. Anything else keeps
``input.config``: ``input.config`` itself, ``input["config"]``, ``input[x]``, ``input`` passed
whole (``object.get(input, ...)``, ``walk(input)``, ``x := input``), ``import input`` or
``with input as``, and any module with a template string (``$"...{input.config}"``), whose
embedded expressions are code inside quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# The input fields a policy may read without needing input.config.
FIELDS_WITHOUT_CONFIG = frozenset({"subject", "related", "derived", "now", "change"})

# Leftmost-first alternation: a string or comment is consumed whole where it starts, so an
# ``input`` inside one is never seen as code. Strings: "..." with escapes, `raw` (may span lines).
_TOKENS = re.compile(
    r'"(?:[^"\\\n]|\\.)*"'
    r"|`[^`]*`"
    r"|#[^\n]*"
    r"|(?<![\w.])input\b(?P<field>\.[A-Za-z_]\w*)?"
)


def may_read_config(source: str) -> bool:
    """Might this Rego module read ``input.config``? (Conservative: True when unsure.)"""
    if '$"' in source or "$`" in source:
        return True
    for match in _TOKENS.finditer(source):
        if match.group(0)[0] in '"`#':
            continue
        field = match.group("field")
        if field is None or field[1:] not in FIELDS_WITHOUT_CONFIG:
            return True
    return False


def bundle_reads_config(sources: Iterable[str]) -> bool:
    """Does any module (the generated entry module included) possibly read ``input.config``?"""
    return any(may_read_config(source) for source in sources)
