"""Naming the damage at the first broken row of a chain.

Both verifiers agree on *where* the chain first breaks and which checks fail there
(``ChainBreak``); this module looks at the rows around that place to say *what* happened and
which event is the first bad one:

- ``modified``: a row's stored fields no longer match its own hash (payload, seq, prev_hash or
  hash altered);
- ``rehashed``: a row was altered and its hash recomputed; the next row still chains to the old
  hash, so the altered row is the one before the break;
- ``deleted``: a row is missing (a gap in the sequence numbers);
- ``renumbered``: rows were deleted and the later ones renumbered to close the gap (a row's hash
  only matches a higher sequence number);
- ``swapped``: two rows exchanged places;
- ``inserted``: rows were inserted and later ones renumbered (a row's hash only matches a lower
  sequence number);
- ``duplicated``: a sequence number appears twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from govctl.audit.chain import ChainBreak, content_matches

Row = tuple[Any, Any, Any, Any]
RowAt = Callable[[int], Row | None]
SEARCH_BELOW = 64
SEARCH_ABOVE = 4096


@dataclass(frozen=True)
class Damage:
    kind: str
    seq: int
    message: str


def _original_seq(row: Row, expected: int) -> int | None:
    """The sequence number this row's hash was computed for, if it is near ``expected``."""
    _, prev_hash, hash_, payload = row
    for candidate in range(max(1, expected - SEARCH_BELOW), expected + SEARCH_ABOVE):
        if candidate != expected and content_matches(candidate, prev_hash, hash_, payload):
            return candidate
    return None


def _link_damage(brk: ChainBreak, expected: int) -> Damage:
    if brk.position == 1:
        return Damage(
            "rehashed",
            expected,
            f"event {expected} does not chain from the expected previous hash: it was "
            "rewritten and rehashed, or the events before it were removed",
        )
    return Damage(
        "rehashed",
        expected - 1,
        f"event {expected - 1} was altered and its hash recomputed: event {expected} "
        "chains to a different hash",
    )


def _misplaced(brk: ChainBreak, row: Row, expected: int) -> Damage | None:
    seq = row[0]
    if brk.seq_ok or not isinstance(seq, int) or not brk.content_ok:
        return None
    if seq > expected:
        missing = f"{expected}" if seq == expected + 1 else f"{expected}..{seq - 1}"
        return Damage(
            "deleted",
            expected,
            f"event {missing} missing: the sequence jumps from {expected - 1} to {seq}",
        )
    return Damage("duplicated", seq, f"event {seq} appears again where event {expected} belongs")


def diagnose(brk: ChainBreak, row_at: RowAt, *, start_seq: int = 1) -> Damage:
    expected = start_seq + brk.position - 1
    row = row_at(brk.position)
    if row is None:
        return Damage("modified", expected, f"event {expected} cannot be read back")
    if brk.seq_ok and brk.content_ok:
        return _link_damage(brk, expected)
    placed = _misplaced(brk, row, expected)
    if placed is not None:
        return placed
    original = _original_seq(row, expected)
    if original is None:
        return Damage(
            "modified",
            expected,
            f"event {expected} was modified: its stored fields do not match its hash",
        )
    if original > expected:
        partner = row_at(brk.position + original - expected)
        if partner is not None and content_matches(expected, *partner[1:]):
            return Damage("swapped", expected, f"events {expected} and {original} exchanged places")
        return Damage(
            "renumbered",
            expected,
            f"events were deleted and the rest renumbered: the event stored as "
            f"{expected} was written as {original}",
        )
    return Damage(
        "inserted",
        original,
        f"events were inserted and the rest renumbered: the event stored as {expected} "
        f"was written as {original}",
    )
