"""The progress display of ``govctl check``: on a terminal it appears on stderr and is erased
before the report; piped, in CI or with --quiet there is none. Real subprocesses, a real
pseudo-terminal (``pty``)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
GOVCTL = [sys.executable, "-m", "govctl", "-C", str(PROJECT), "check", "--no-audit", "--no-cache"]
ERASE = "\r\x1b[2K"
SUMMARY = "artifacts checked:"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR", "FORCE_COLOR")}
    env.update({"COLUMNS": "100", "LINES": "40", "TERM": "xterm", **extra})
    return env


def run_in_pty(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``args`` with stdin, stdout and stderr on one pseudo-terminal; all it printed."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 120)
            if not ready:
                proc.kill()
                pytest.fail("govctl check under a pty produced nothing for 120 s")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_progress_appears_on_a_terminal_and_is_erased_before_the_report() -> None:
    code, out = run_in_pty(GOVCTL, _env())
    assert code == 0, out
    assert f"{ERASE}govctl: loading policies…" in out
    assert "govctl: evaluating policies… " in out and " subjects" in out
    last_progress = out.rindex("govctl: ")
    erased = out.index(ERASE, last_progress)
    report = out.index(SUMMARY)
    assert erased < report  # the line was wiped before the report was written
    assert "govctl: " not in out[erased:]


def test_no_progress_when_piped_in_ci_or_quiet() -> None:
    piped = subprocess.run(GOVCTL, capture_output=True, text=True, env=_env(), timeout=300)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == "" and "\x1b" not in piped.stdout
    assert SUMMARY in piped.stdout
    code, ci = run_in_pty(GOVCTL, _env(CI="true"))
    assert code == 0 and "govctl: " not in ci and SUMMARY in ci
    code, quiet = run_in_pty([*GOVCTL, "--quiet"], _env())
    assert code == 0 and "govctl: " not in quiet
    assert [line for line in quiet.splitlines() if line.strip()] == [
        line for line in quiet.splitlines() if SUMMARY in line or line.startswith("  ")
    ]


def test_colour_and_wrapping_follow_the_terminal_and_the_flags() -> None:
    code, out = run_in_pty([*GOVCTL, "--quiet"], _env(COLUMNS="60"))
    assert code == 0
    lines = [line for line in out.replace(ERASE, "").splitlines() if line.strip()]
    assert all(len(line) <= 60 + len("\x1b[1;32m\x1b[0m") for line in lines), lines
    assert any("PASS (fail-on error)" in line for line in lines)  # wrapped between parts
    assert "\x1b[1;32mPASS" in out  # colour on a terminal
    code, plain = run_in_pty([*GOVCTL, "--quiet"], _env(NO_COLOR="1"))
    assert "\x1b[1;32m" not in plain
    forced = subprocess.run(
        [*GOVCTL, "--quiet"], capture_output=True, text=True, env=_env(FORCE_COLOR="1"),
        timeout=300,
    )
    assert "\x1b[1;32mPASS" in forced.stdout
    never = subprocess.run(
        [*GOVCTL, "--quiet", "--color", "never"], capture_output=True, text=True,
        env=_env(FORCE_COLOR="1"), timeout=300,
    )
    assert "\x1b" not in never.stdout


def test_output_file_still_prints_the_summary_and_where_it_wrote(tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    done = subprocess.run(
        [*GOVCTL, "--format", "sarif", "-o", str(target)],
        capture_output=True, text=True, env=_env(), timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert SUMMARY in lines[0] and lines[-1] == f"wrote sarif to {target}"
    assert target.read_text(encoding="utf-8").startswith("{")
