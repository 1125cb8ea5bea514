"""Only regular files are read (docs/fail-closed.md, "Inputs and outputs").

A FIFO, a device, a socket or a symlink loop where govctl expects a file must never hang or crash
a run: artifacts, templates and datasets become GOV-REG-001 at their path and the run goes on;
policy files are exit 3 naming the file; govctl.yaml is exit 2 naming it.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from tests.delivery.conftest import fake_dist
from tests.failclosed.helpers import (
    NOW,
    check_json,
    committed_repo,
    findings_at,
    git,
    govctl,
    make_char_device,
)
from tests.failclosed.helpers import clean_repo as repo

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device node needs root")

MODEL = "registry/models/extra.yaml"
TEMPLATE = "prompts/ticket-triage/ticket-triage.1.0.0.md"
DATASET = "registry/evals/datasets/support-golden.jsonl"


def make_socket(path: Path) -> None:
    # AF_UNIX paths are limited to ~108 bytes: bind in a short folder, then move the node.
    short = Path(tempfile.mkdtemp(prefix="gs"))
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
            server.bind(str(short / "s"))
            os.rename(short / "s", path)
    finally:
        shutil.rmtree(short, ignore_errors=True)


def make_loop(path: Path) -> None:
    path.symlink_to(path.name)  # a symlink to itself


def assert_reported(root: Path, file: str, words: str) -> None:
    code, data = check_json(root)
    assert code == 1, data
    found = findings_at(data, file)
    assert len(found) == 1, data["findings"]
    assert words in found[0]["message"], found[0]
    # The run went on: every artifact of the base repository was still checked.
    assert data["summary"]["artifacts"] == 10


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (os.mkfifo, "FIFO"),
        (make_loop, "symlink loop"),
        (make_socket, "socket"),
        pytest.param(make_char_device, "character device", marks=needs_root),
    ],
    ids=["fifo", "symlink-loop", "socket", "char-device"],
)
def test_a_special_artifact_file_is_gov_reg_001(tmp_path: Path, make, words: str) -> None:
    root = repo(tmp_path)
    make(root / MODEL)
    assert_reported(root, MODEL, words)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (os.mkfifo, "FIFO"),
        (make_loop, "symlink loop"),
        pytest.param(make_char_device, "device", marks=needs_root),
    ],
    ids=["fifo", "symlink-loop", "char-device"],
)
def test_a_special_template_file_is_gov_reg_001_at_the_prompt(
    tmp_path: Path, make, words: str
) -> None:
    root = repo(tmp_path)
    (root / TEMPLATE).unlink()
    make(root / TEMPLATE)
    code, data = check_json(root)
    assert code == 1
    found = findings_at(data, "prompts/ticket-triage/1.0.0.yaml")
    assert len(found) == 1 and words in found[0]["message"], data["findings"]
    assert found[0]["path"] == "spec.templateFile"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (os.mkfifo, "FIFO"),
        (make_loop, "symlink loop"),
        pytest.param(make_char_device, "device", marks=needs_root),
    ],
    ids=["fifo", "symlink-loop", "char-device"],
)
def test_a_special_dataset_is_gov_reg_001_at_the_suite(tmp_path: Path, make, words: str) -> None:
    root = repo(tmp_path)
    (root / DATASET).unlink()
    make(root / DATASET)
    code, data = check_json(root)
    assert code == 1
    found = findings_at(data, "registry/evals/support-reply-golden.yaml")
    assert len(found) == 1 and words in found[0]["message"], data["findings"]
    assert found[0]["path"] == "spec.dataset"


def with_policies(root: Path) -> Path:
    config = root / "govctl.yaml"
    config.write_text(config.read_text("utf-8").replace("paths: []", "paths: [policies]"), "utf-8")
    (root / "policies").mkdir()
    return root / "policies"


@pytest.mark.parametrize(
    "make",
    [os.mkfifo, make_loop, pytest.param(make_char_device, marks=needs_root)],
    ids=["fifo", "symlink-loop", "char-device"],
)
@pytest.mark.parametrize(
    "command",
    [
        ["check", "--no-audit", "--no-cache"],
        ["policy", "list"],
        ["policy", "lint"],
        ["policy", "test"],
    ],
)
def test_a_special_policy_file_is_exit_3_naming_it(
    tmp_path: Path, make, command: list[str]
) -> None:
    root = repo(tmp_path)
    make(with_policies(root) / "custom.rego")
    proc = govctl("-C", str(root), *command)
    assert proc.returncode == 3, (proc.stdout, proc.stderr)
    assert "policies/custom.rego" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_policy_folder_that_is_a_symlink_loop_is_exit_3(tmp_path: Path) -> None:
    root = repo(tmp_path)
    policies = with_policies(root)
    policies.rmdir()
    make_loop(policies)
    proc = govctl("-C", str(root), "check", "--no-audit", "--no-cache", "--now", NOW)
    assert proc.returncode == 3, proc.stderr
    assert "policies" in proc.stderr and "symlink loop" in proc.stderr


@pytest.mark.parametrize(
    "make",
    [os.mkfifo, make_loop, pytest.param(make_char_device, marks=needs_root)],
    ids=["fifo", "symlink-loop", "char-device"],
)
def test_a_special_govctl_yaml_is_exit_2_naming_it(tmp_path: Path, make) -> None:
    root = repo(tmp_path)
    (root / "govctl.yaml").unlink()
    make(root / "govctl.yaml")
    proc = govctl("-C", str(root), "check", "--no-audit", "--no-cache", "--now", NOW)
    assert proc.returncode == 2, proc.stderr
    assert "govctl.yaml" in proc.stderr


def test_a_roots_entry_that_is_a_symlink_loop_is_gov_reg_001(tmp_path: Path) -> None:
    root = repo(tmp_path)
    config = root / "govctl.yaml"
    config.write_text(
        config.read_text("utf-8").replace(
            "roots: [registry, prompts]", "roots: [registry, prompts, more]"
        ),
        "utf-8",
    )
    make_loop(root / "more")
    code, data = check_json(root)
    assert code == 1
    assert findings_at(data, "more"), data["findings"]


def test_impact_reads_the_work_tree_side_without_hanging(tmp_path: Path) -> None:
    root = committed_repo(tmp_path)
    os.mkfifo(root / MODEL)
    make_loop(root / "registry/models/loop.yaml")
    proc = govctl(
        "-C",
        str(root),
        "impact",
        "--base",
        git(root, "rev-parse", "HEAD"),
        "--format",
        "json",
        "--now",
        NOW,
        "--no-cache",
        "--no-audit",
    )
    assert proc.returncode == 0, proc.stderr
    assert MODEL in proc.stdout and "registry/models/loop.yaml" in proc.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-C", "{root}/loop", "check"], "-C"),
        (["--config", "{root}/loop", "check"], "--config"),
        (["-C", "{root}", "check", "{root}/registry/models/loop.yaml"], "path"),
    ],
    ids=["root", "config", "check-path"],
)
def test_a_symlink_loop_given_on_the_command_line_is_exit_2(
    tmp_path: Path, args: list[str], words: str
) -> None:
    root = repo(tmp_path)
    make_loop(root / "loop")
    make_loop(root / "registry/models/loop.yaml")
    argv = [a.format(root=root) for a in args]
    proc = govctl(*argv, "--no-audit", "--no-cache", "--now", NOW)
    assert proc.returncode == 2, proc.stderr
    assert words in proc.stderr and "symlink loop" in proc.stderr


@pytest.mark.parametrize(
    "args",
    [["init", "{loop}", "--govctl-dist", "{dist}"], ["-C", "{root}", "audit", "export", "-o", "{loop}"]],
    ids=["init", "audit-export"],
)
def test_an_output_folder_that_is_a_symlink_loop_is_exit_2(tmp_path: Path, args: list[str]) -> None:
    root = repo(tmp_path)
    make_loop(root / "loop")
    dist = fake_dist(tmp_path / "dist")
    proc = govctl(*[a.format(root=root, loop=root / "loop", dist=dist) for a in args])
    assert proc.returncode == 2, proc.stderr
    assert (root / "loop").is_symlink()
