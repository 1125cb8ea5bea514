"""``--output`` never replaces what govctl does not own (docs/fail-closed.md, "Inputs and outputs").

Regular files and new paths are replaced atomically; a character device or a FIFO is written
through (a FIFO nobody reads is a one-line error, not a hang); a symlink is written through only
to a device or FIFO and otherwise refused. Every command that writes a user-named file goes
through the same function.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from tests.delivery.conftest import fake_dist
from tests.failclosed.helpers import NOW, clean_repo, govctl, make_char_device

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device node needs root")


def check_to(root: Path, output: Path, fmt: str = "json") -> tuple[int, str]:
    proc = govctl(
        "-C",
        str(root),
        "check",
        "--format",
        fmt,
        "--now",
        NOW,
        "--no-cache",
        "--no-audit",
        "--output",
        str(output),
    )
    return proc.returncode, proc.stderr


class FifoReader(threading.Thread):
    """Holds the read end of a FIFO open and collects what is written to it."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # open at once, before the writer
        self.data = bytearray()
        self.stop = threading.Event()

    def run(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                chunk = None
            if chunk:
                self.data.extend(chunk)
            elif self.stop.is_set():
                break
            else:
                self.stop.wait(0.02)

    def finish(self) -> bytes:
        self.stop.set()
        self.join(timeout=10)
        os.close(self.fd)
        return bytes(self.data)


def test_a_new_path_and_a_regular_file_are_written(tmp_path: Path) -> None:
    root = clean_repo(tmp_path)
    target = tmp_path / "out" / "report.json"
    assert check_to(root, target)[0] == 0
    assert '"findings": []' in target.read_text("utf-8")
    target.write_text("old", "utf-8")
    before = target.stat().st_ino
    assert check_to(root, target)[0] == 0
    assert '"findings": []' in target.read_text("utf-8")
    assert target.stat().st_ino != before  # replaced by rename, never written in place
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]  # no temporary left


@needs_root
def test_a_character_device_is_written_through_not_replaced(tmp_path: Path) -> None:
    root = clean_repo(tmp_path)
    device = tmp_path / "null"
    make_char_device(device)
    assert check_to(root, device)[0] == 0
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert os.lstat(device).st_rdev == os.makedev(1, 3)


def test_a_fifo_with_a_reader_receives_the_report(tmp_path: Path) -> None:
    root = clean_repo(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    reader.start()
    code, _ = check_to(root, fifo)
    received = reader.finish()
    assert code == 0
    assert b'"findings": []' in received
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_fifo_nobody_reads_is_a_one_line_error_not_a_hang(tmp_path: Path) -> None:
    root = clean_repo(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, stderr = check_to(root, fifo)
    assert code == 3
    assert "nothing reads it" in stderr and len(stderr.strip().splitlines()) == 1
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_symlink_to_a_regular_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    root = clean_repo(tmp_path)
    target = tmp_path / "precious.txt"
    target.write_text("keep me", "utf-8")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    code, stderr = check_to(root, link)
    assert code == 2 and "symlink" in stderr
    assert link.is_symlink() and target.read_text("utf-8") == "keep me"


def test_a_dangling_symlink_is_refused(tmp_path: Path) -> None:
    root = clean_repo(tmp_path)
    link = tmp_path / "report.json"
    link.symlink_to(tmp_path / "nowhere.json")
    assert check_to(root, link)[0] == 2
    assert link.is_symlink() and not (tmp_path / "nowhere.json").exists()


@needs_root
def test_a_symlink_to_a_device_is_written_through(tmp_path: Path) -> None:
    root = clean_repo(tmp_path)
    device = tmp_path / "null"
    make_char_device(device)
    link = tmp_path / "stdout"
    link.symlink_to(device)
    assert check_to(root, link)[0] == 0
    assert link.is_symlink() and stat.S_ISCHR(os.lstat(device).st_mode)


@needs_root
def test_impact_output_onto_a_device(tmp_path: Path) -> None:
    from tests.failclosed.helpers import committed_repo, git

    root = committed_repo(tmp_path)
    device = tmp_path / "null"
    make_char_device(device)
    proc = govctl(
        "-C",
        str(root),
        "impact",
        "--base",
        git(root, "rev-parse", "HEAD"),
        "--now",
        NOW,
        "--no-cache",
        "--no-audit",
        "--output",
        str(device),
    )
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_schema_export_refuses_to_replace_a_symlink(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    out.mkdir()
    target = tmp_path / "precious.json"
    target.write_text("keep me", "utf-8")
    (out / "Model.schema.json").symlink_to(target)
    proc = govctl("schema", "export", str(out))
    assert proc.returncode == 2, proc.stderr
    assert (out / "Model.schema.json").is_symlink() and target.read_text("utf-8") == "keep me"


@needs_root
def test_codeowners_output_onto_a_device(tmp_path: Path) -> None:
    root = clean_repo(tmp_path)
    device = tmp_path / "null"
    make_char_device(device)
    proc = govctl("-C", str(root), "codeowners", "--org", "acme", "--output", str(device))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_init_force_refuses_to_replace_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me", "utf-8")
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "govctl.yaml").symlink_to(target)
    dist = str(fake_dist(tmp_path / "dist"))
    proc = govctl("init", str(folder), "--force", "--govctl-dist", dist)
    assert proc.returncode == 2, proc.stderr
    assert (folder / "govctl.yaml").is_symlink() and target.read_text("utf-8") == "keep me"
