"""Compile govctl's modules to bytecode before a benchmark times the command.

An installed govctl has its ``.pyc`` files (pip compiles them at install). A source checkout run
with ``PYTHONDONTWRITEBYTECODE=1`` (common in containers and CI) has none and compiles ~60 modules
on every start, ~70 ms that no user pays. Benchmarks measure what users run, so they compile
first; ``compileall`` writes the files whatever that variable says.
"""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "govctl"


def compile_package() -> None:
    if not compileall.compile_dir(PACKAGE, quiet=1):
        raise SystemExit(f"could not compile {PACKAGE} to bytecode")
