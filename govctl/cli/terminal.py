"""What the terminal can take: colour (``--color``, ``NO_COLOR``, ``FORCE_COLOR``) and width.

Decided once per command in the CLI and passed to the renderers as plain values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO

COLOR_CHOICES = ("auto", "always", "never")


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def use_color(choice: str, stream: TextIO, env: Mapping[str, str]) -> bool:
    """``always``/``never`` win; ``auto`` colours a terminal unless ``NO_COLOR`` is set, and
    ``FORCE_COLOR`` (any value but empty or ``0``) colours a pipe too (no-color.org,
    force-color.org). ``NO_COLOR`` wins over ``FORCE_COLOR``."""
    if choice != "auto":
        return choice == "always"
    if env.get("NO_COLOR", ""):
        return False
    if env.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return _isatty(stream)


def width(stream: TextIO, env: Mapping[str, str]) -> int | None:
    """Columns to wrap at when writing to a terminal (``COLUMNS`` overrides its size); None
    when not writing to a terminal: a file or a pipe gets lines whole."""
    if not _isatty(stream):
        return None
    columns = env.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        columns_now = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError):
        return None
    return columns_now or None  # a terminal that reports no size (0): do not wrap
