"""One problem found by verification: its kind, the first bad sequence number, and where."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    kind: str
    seq: int | None
    message: str
    source: str = "chain"

    def describe(self) -> str:
        at = f"seq {self.seq}: " if self.seq is not None else ""
        return f"{self.kind}: {at}{self.message} [{self.source}]"
