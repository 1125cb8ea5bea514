"""Every benchmark script answers ``--help`` and describes each of its options."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

# The scripts (they run as ``__main__``), not the helper modules they share.
BENCHMARKS = sorted(
    p
    for p in (Path(__file__).resolve().parents[2] / "benchmarks").glob("*.py")
    if 'if __name__ == "__main__":' in p.read_text("utf-8")
)
OPTION = re.compile(r"^  (--[a-z][a-z-]*)(?: [A-Z_]+(?: \[[A-Z_]+ \.\.\.\])?)?(?P<help> {2,}\S.*)?$")


@pytest.mark.parametrize("script", BENCHMARKS, ids=[p.name for p in BENCHMARKS])
def test_help_describes_every_option(script: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script), "--help"],
        capture_output=True, text=True, timeout=120, env={"COLUMNS": "200", "PATH": "", "GIT_PYTHON_REFRESH": "quiet"},
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    options = [(i, OPTION.match(line)) for i, line in enumerate(lines)]
    found = [(i, m) for i, m in options if m and m.group(1) != "--help"]
    assert found, done.stdout
    for index, match in found:
        described = match.group("help") or (
            index + 1 < len(lines) and lines[index + 1].startswith(" " * 8)
        )
        assert described, f"{script.name}: {match.group(1)} has no description"
