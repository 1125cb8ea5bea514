"""Progress reports from a long run (``govctl check``) to whoever displays them.

The library only calls ``stage`` and ``advance``; the CLI decides whether anything is shown
(``govctl.cli.progress``: a status line on a terminal's stderr). ``SILENT`` shows nothing.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def stage(self, name: str, total: int | None = None) -> None:
        """A new stage begins; ``total`` items when it is counted (subjects to evaluate)."""

    def advance(self, count: int = 1) -> None:
        """``count`` more items of the current stage are done."""

    def close(self) -> None:
        """The run is over (also after a failure): leave nothing behind on the display."""


class _Silent:
    def stage(self, name: str, total: int | None = None) -> None:
        return None

    def advance(self, count: int = 1) -> None:
        return None

    def close(self) -> None:
        return None


SILENT: Progress = _Silent()
