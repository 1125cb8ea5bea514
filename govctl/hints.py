""" "Did you mean …?" for names a user typed: commands, refs, config keys, deployments, rules."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``word`` (case-insensitive), or None when none is close."""
    pool = {c.lower(): c for c in candidates if c != word}
    found = difflib.get_close_matches(word.lower(), list(pool), n=1, cutoff=cutoff)
    return pool[found[0]] if found else None


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` or an empty string."""
    found = nearest(word, candidates, cutoff)
    return f" (did you mean {found!r}?)" if found else ""
