"""A one-line progress display on stderr while ``govctl check`` runs.

Shown only when stderr is a terminal, the ``CI`` environment variable is unset (or ``false``/
``0``) and ``--quiet`` was not given: a piped or captured run never gets control sequences. The
line holds the stage, subjects evaluated / total with a rate-based ETA, and the elapsed time;
it is redrawn at most ten times a second, and erased when the run ends — so the report that
follows starts on a clean line.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TextIO

from govctl.cli import terminal
from govctl.progress import SILENT, Progress

REDRAW_SECONDS = 0.1
ERASE = "\r\x1b[2K"


def wanted(stream: TextIO, env: Mapping[str, str], quiet: bool) -> bool:
    """Whether a progress display belongs on ``stream``."""
    in_ci = env.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):
        terminal = False
    return terminal and not in_ci and not quiet


class TerminalProgress:
    def __init__(self, stream: TextIO, width: int) -> None:
        self._stream = stream
        self._width = max(20, width - 1)
        self._started = time.monotonic()
        self._stage = ""
        self._stage_started = self._started
        self._total: int | None = None
        self._done = 0
        self._drawn_at = 0.0
        self._visible = False

    def stage(self, name: str, total: int | None = None) -> None:
        self._stage, self._total, self._done = name, total, 0
        self._stage_started = time.monotonic()
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        self._done += count
        self._draw(force=self._total is not None and self._done >= self._total)

    def close(self) -> None:
        if self._visible:
            self._stream.write(ERASE)
            self._stream.flush()
            self._visible = False

    def _eta(self) -> str:
        if not self._total or not self._done or self._done >= self._total:
            return ""
        spent = time.monotonic() - self._stage_started
        left = spent / self._done * (self._total - self._done)
        return f", about {_duration(left)} left"

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._drawn_at < REDRAW_SECONDS:
            return
        self._drawn_at = now
        counted = f" {self._done}/{self._total} subjects{self._eta()}" if self._total else ""
        line = f"govctl: {self._stage}…{counted} ({_duration(now - self._started)})"
        self._stream.write(ERASE + line[: self._width])
        self._stream.flush()
        self._visible = True


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def for_stderr(stream: TextIO, quiet: bool, env: Mapping[str, str]) -> Progress:
    environment = env
    if not wanted(stream, environment, quiet):
        return SILENT
    return TerminalProgress(stream, terminal.width(stream, environment) or 80)
