"""How the embedded engine evaluates a repository's own policies: compiled to Wasm with opa when
one is available (and cached), else regopy — said in the engine field, on stderr and in the audit
event, never silently. Evaluation errors name the subject."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from govctl.api import CheckOptions, check
from govctl.config import load_config
from govctl.errors import EngineError
from govctl.policy.catalog import load_policies
from govctl.policy.embedded import EmbeddedEngine
from govctl.policy.engine import EngineSettings
from tests.conftest import NOW
from tests.opa.helpers import MODEL_POLICY, small_repo

pytestmark = pytest.mark.opa


def _cli(root: Path, env: dict[str, str] | None = None, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govctl", "-C", str(root), "check", "--now", NOW, "--no-cache",
         *args],
        capture_output=True, text=True, env=env, timeout=300,
    )


def test_own_policies_without_opa_fall_back_to_regopy_and_say_so(
    tmp_path: Path, no_opa: dict[str, str]
) -> None:
    root = small_repo(tmp_path / "repo")
    proc = _cli(root, no_opa, "--format", "json")
    assert proc.returncode == 1, proc.stderr
    engine = json.loads(proc.stdout)["engine"]
    assert engine["name"] == "embedded (regopy fallback)"
    assert "no opa binary" in engine["version"]
    assert "embedded (regopy fallback)" in proc.stderr and "no opa binary" in proc.stderr
    # The audit event records the engine that really ran.
    proc = _cli(root, no_opa)
    assert "engine embedded (regopy fallback)" in proc.stdout
    events = subprocess.run(
        [sys.executable, "-m", "govctl", "-C", str(root), "audit", "log", "--local", "--format", "json"],
        capture_output=True, text=True, env=no_opa, timeout=120,
    )
    assert "embedded (regopy fallback)" in events.stdout, events.stdout + events.stderr


def test_own_policies_with_opa_are_compiled_once_and_cached(
    tmp_path: Path, with_opa: Path, wasm_cache: Path
) -> None:
    root = small_repo(tmp_path / "repo")
    first = check(CheckOptions(root=root, now=NOW, use_cache=False, audit=False))
    assert first.engine == "embedded" and "Wasm" in first.engine_version
    assert len(first.findings) == 3
    built = sorted(p.name for p in wasm_cache.glob("bundle-*.wasm"))
    assert built, "the opa build output is cached"
    second = check(CheckOptions(root=root, now=NOW, use_cache=False, audit=False))
    assert second.findings == first.findings
    assert sorted(p.name for p in wasm_cache.glob("bundle-*.wasm")) == built


def test_results_cache_is_keyed_by_the_engine(
    tmp_path: Path, with_opa: Path, no_opa: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = small_repo(tmp_path / "repo")
    monkeypatch.setenv("GOVCTL_OPA_BIN", str(with_opa))
    wasm = check(CheckOptions(root=root, now=NOW, audit=False))
    assert wasm.evaluated == 3
    monkeypatch.delenv("GOVCTL_OPA_BIN")
    fallback = check(CheckOptions(root=root, now=NOW, audit=False))
    assert fallback.engine == "embedded (regopy fallback)"
    assert fallback.evaluated == 3 and fallback.cached == 0  # not answered from Wasm's results


def test_a_builtin_the_host_lacks_falls_back_naming_builtin_and_file(
    tmp_path: Path, with_opa: Path
) -> None:
    policy = MODEL_POLICY.replace(
        'input.subject.spec.status == "deprecated"',
        'time.weekday(time.now_ns()) != ""\n\tinput.subject.spec.status == "deprecated"',
    )
    root = small_repo(tmp_path / "repo", policy)
    bundle = load_policies(root, load_config(root / "govctl.yaml", "govctl.yaml"))
    engine = EmbeddedEngine(EngineSettings(root=root))
    assert engine.prepare(bundle) == "embedded (regopy fallback)"
    assert "time.weekday (policies/test.rego)" in engine.version()


def test_a_conflict_is_an_engine_error_naming_the_subject(tmp_path: Path, with_opa: Path) -> None:
    policy = MODEL_POLICY + '\nx := 1 if input.subject.metadata.name == "m1"\n' \
        'x := 2 if input.subject.metadata.name == "m1"\n\ndeny contains "conflict" if x\n'
    root = small_repo(tmp_path / "repo", policy)
    with pytest.raises(EngineError) as caught:
        check(CheckOptions(root=root, now=NOW, use_cache=False, audit=False))
    assert caught.value.subject == "Model/m1@2024-08-06"
    assert "conflict" in str(caught.value)


def busy_child(pid: int, cpu_seconds: float = 1.0) -> int | None:
    """A child process that has used ``cpu_seconds`` of CPU: the one evaluating the slow subject
    (not some other short-lived helper)."""
    import os

    tick = os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if (int(fields[11]) + int(fields[12])) / tick >= cpu_seconds:
                return int(child)
    return None


def test_a_killed_wasm_worker_names_the_subject(tmp_path: Path, with_opa: Path) -> None:
    """A worker that dies mid-evaluation is a clean exit 3 naming the subject in flight."""
    import os
    import signal
    import time

    policy = MODEL_POLICY.replace(
        'input.subject.spec.status == "deprecated"',
        'input.subject.metadata.name == "m1"\n\tcount([x | some x in numbers.range(1, 6000000); '
        "x % 7 == 0]) < 0",
    )
    root = small_repo(tmp_path / "repo", policy)
    env = {**os.environ, "GOVCTL_WASM_IN_PROCESS": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "govctl", "-C", str(root), "check", "--now", NOW, "--no-audit",
         "--no-cache", "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    deadline, killed = time.monotonic() + 120, False
    while time.monotonic() < deadline and not killed and proc.poll() is None:
        time.sleep(0.1)
        # Well before the worker could have answered m1 (a kill after its answer is no crash).
        busy = busy_child(proc.pid, 0.5)
        if busy is not None:  # the worker evaluating m1 (seconds of numbers.range)
            os.kill(busy, signal.SIGKILL)
            killed = True
    _, stderr = proc.communicate(timeout=120)
    assert killed
    assert proc.returncode == 3, stderr
    assert "crashed" in stderr and "Model/m1@2024-08-06" in stderr
    assert "Traceback" not in stderr
