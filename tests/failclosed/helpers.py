"""Helpers for the fail-closed input/output tests: a clean repository copy and the real CLI.

Every CLI call runs in a subprocess with a timeout, so code that hangs (a FIFO opened for
reading, a FIFO written without a reader) fails the test instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
BASE = REPO_ROOT / "tests" / "fixtures" / "rules" / "base"
NOW = "2026-11-22T00:00:00+00:00"
TIMEOUT = 60  # seconds: far above a normal run, far below a hang


def clean_repo(tmp_path: Path, name: str = "repo") -> Path:
    """A copy of the rule fixtures' base repository: complete, and clean on every rule."""
    root = tmp_path / name
    shutil.copytree(BASE, root)
    return root


def govctl(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "govctl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def check_json(root: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    proc = govctl(
        "-C",
        str(root),
        "check",
        "--format",
        "json",
        "--now",
        NOW,
        "--no-cache",
        "--no-audit",
        *extra,
    )
    return proc.returncode, (json.loads(proc.stdout) if proc.stdout.strip() else {})


def findings_at(data: dict[str, Any], file: str, rule: str = "GOV-REG-001") -> list[dict[str, Any]]:
    return [f for f in data.get("findings", []) if f["file"] == file and f["rule"] == rule]


def make_char_device(path: Path) -> None:
    """A private character device node with the numbers of /dev/null (needs root)."""
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def committed_repo(tmp_path: Path) -> Path:
    root = clean_repo(tmp_path)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root
