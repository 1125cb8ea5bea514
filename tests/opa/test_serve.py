"""`govctl opa serve` and scripts/install-opa.sh, as users run them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, run_cli

pytestmark = pytest.mark.opa
SCRIPT = REPO_ROOT / "scripts" / "install-opa.sh"


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_serve_prints_the_url_and_stops_cleanly(opa_binary: Path, tmp_path: Path,
                                                sig: signal.Signals) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "govctl", "opa", "serve", "--opa-bin", str(opa_binary)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert _healthy(url)
        process.send_signal(sig)
        assert process.wait(timeout=20) == 0
        assert not _healthy(url)  # OPA went with it
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "OPA stopped" in (process.stderr.read() if process.stderr else "")


def test_serve_without_opa_is_a_usage_error(tmp_path: Path) -> None:
    done = run_cli("opa", "serve", "--opa-bin", str(tmp_path / "no-opa"), cwd=tmp_path)
    assert done.returncode == 2
    assert "install-opa.sh" in done.stderr


def _run_script(path_dirs: list[Path], cache: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.pathsep.join(str(p) for p in path_dirs), "OPA_CACHE_DIR": str(cache),
           "HOME": os.environ.get("HOME", "/root")}
    return subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=env,
                          timeout=60)


def _shell_dirs() -> list[Path]:
    # bash, grep, head and dirname, without any `opa` or `go` next to them.
    return [Path("/usr/bin"), Path("/bin")]


def test_install_script_prefers_opa_on_path(opa_binary: Path, tmp_path: Path) -> None:
    on_path = tmp_path / "path"
    on_path.mkdir()
    (on_path / "opa").symlink_to(opa_binary)
    done = _run_script([on_path, *_shell_dirs()], tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(on_path / "opa")


def test_install_script_reuses_the_pinned_cached_build(opa_binary: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / "bin").mkdir(parents=True)
    (cache / "bin" / "opa").symlink_to(opa_binary)
    done = _run_script(_shell_dirs(), cache)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(cache / "bin" / "opa")


def test_install_script_fails_clearly_without_opa_or_go(tmp_path: Path) -> None:
    if any((d / "go").exists() for d in _shell_dirs()):
        pytest.skip("go is installed in /usr/bin or /bin")
    done = _run_script(_shell_dirs(), tmp_path / "cache")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "no Go toolchain" in done.stderr
