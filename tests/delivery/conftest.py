"""Delivery tests: a wheel built like a user gets it, installed into a clean virtualenv.

The wheel and its virtualenv are built once per test session and shared by every xdist worker
(a file lock serialises the build; later workers reuse it). The wheel is built from a copy of the
files git would commit (tracked and untracked-but-not-ignored), symlinks kept, so it is what a
fresh clone builds — not whatever happens to lie in the work tree.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from govctl import __version__
from govctl.pinning import GovctlPin, pin_from_files

REPO_ROOT = Path(__file__).resolve().parents[2]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Dana Engineer",
    "GIT_AUTHOR_EMAIL": "dana@example.com",
    "GIT_COMMITTER_NAME": "Dana Engineer",
    "GIT_COMMITTER_EMAIL": "dana@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _empty_git_config() -> str:
    # No user settings (commit signing, hooks paths) leak into the tests' git runs. Not
    # os.devnull: git reads it as a file, and on some machines /dev/null is not the null device.
    path = Path(tempfile.gettempdir()) / "govctl-tests-empty.gitconfig"
    if not path.exists() or path.stat().st_size:
        path.write_text("")
    return str(path)


def fake_dist(folder: Path) -> Path:
    """A file named like this version's wheel: enough for `init --govctl-dist` to hash."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"govctl_ai-{__version__}-py3-none-any.whl"
    path.write_bytes(b"not a real wheel: only its sha256 is read\n")
    return path


def scaffold_pin(folder: Path) -> GovctlPin:
    """The pin scaffolds made in tests use (no package index is asked)."""
    return pin_from_files([fake_dist(folder)], __version__)


@dataclass(frozen=True)
class Installed:
    """govctl installed from the wheel into a clean virtualenv."""

    wheel: Path
    venv: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    @property
    def govctl(self) -> Path:
        return self.bin / "govctl"


def run(
    args: list[str | Path],
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **GIT_ENV, "GIT_CONFIG_GLOBAL": _empty_git_config(), **(env or {})}
    full_env.pop("GOVCTL_AUDIT_SIGNING_KEY", None)
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=full_env, capture_output=True, text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, args))} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def git(cwd: Path, *args: str) -> str:
    return run(["git", *args], cwd=cwd).stdout.strip()


def source_files(root: Path) -> list[str]:
    """What a commit of the work tree would hold: tracked plus untracked-but-not-ignored."""
    out = run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=root)
    return sorted({p for p in out.stdout.split("\0") if p})


def copy_source(root: Path, dest: Path) -> Path:
    for relative in source_files(root):
        src = root / relative
        if not src.exists() and not src.is_symlink():
            continue  # deleted in the work tree, not yet in git
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            target.symlink_to(os.readlink(src))
        else:
            shutil.copy2(src, target)
    return dest


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_wheel(source: Path, outdir: Path) -> Path:
    run([sys.executable, "-m", "build", "--outdir", outdir, source], timeout=900)
    wheels = sorted(outdir.glob("govctl_ai-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def install_wheel(wheel: Path, target: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(target)
    run([target / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         wheel], timeout=900)
    return target


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker has its own basetemp inside the session's: share the parent.
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "govctl-wheel"


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    shared = _shared_dir(tmp_path_factory)
    with file_lock(shared.with_suffix(".lock")):
        ready = shared / "ready"
        if not ready.exists():
            shutil.rmtree(shared, ignore_errors=True)
            source = copy_source(REPO_ROOT, shared / "source")
            wheel = build_wheel(source, shared / "dist")
            install_wheel(wheel, shared / "venv")
            ready.write_text(str(wheel))
        return Installed(wheel=Path(ready.read_text()), venv=shared / "venv")
