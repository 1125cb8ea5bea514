"""Every command of docs/quickstart.md's auditor section works as written, against the sample
repository scripts/sample_audit_trail.py builds from this repository's history."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .conftest import PROJECT


def auditor_commands() -> list[str]:
    text = (PROJECT / "docs" / "quickstart.md").read_text(encoding="utf-8")
    section = text.split("## For auditors", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_auditor_quickstart_runs_against_the_sample(tmp_path: Path) -> None:
    built = subprocess.run([sys.executable, str(PROJECT / "scripts" / "sample_audit_trail.py"),
                            str(tmp_path / "sample")], capture_output=True, text=True,
                           timeout=600)
    assert built.returncode == 0, built.stderr
    commands = auditor_commands()
    assert commands[0].startswith("git clone <governance repository>")
    clone = tmp_path / "demo"
    subprocess.run(["git", "clone", "-q", str(tmp_path / "sample" / "origin.git"), str(clone)],
                   check=True)
    env = {k: v for k, v in os.environ.items() if k != "GOVCTL_AUDIT_ROLE"}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    outputs = {}
    for command in commands[1:]:
        done = subprocess.run(["bash", "-c", command], cwd=clone, capture_output=True,
                              text=True, env=env, timeout=300)
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
        outputs[command.split("#")[0].strip()] = done.stdout
    assert any("verified: ok" in out for cmd, out in outputs.items()
               if cmd == "govctl audit verify")
    asof = next(out for cmd, out in outputs.items() if "asof" in cmd)
    assert "PR 103" in asof and "support-assistant-eu-prod" in asof
    report = next(out for cmd, out in outputs.items() if "releases-without-approval" in cmd)
    assert "releases-without-approval: 1" in report and "pr=102" in report
    # The auditor's runs leave the clone clean: nothing to commit by accident.
    status = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True,
                            text=True, check=True).stdout
    assert status == ""
