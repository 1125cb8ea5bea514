"""Every way OPA can fail gives a one-line error (exit 3; exit 2 for a rejected policy, as on the
embedded engine), no partial result and no audit event — tested against real OPA processes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govctl.api import CheckOptions, check
from govctl.errors import EngineError, PolicyError
from govctl.opa_server import OpaServer, free_port
from tests.conftest import NOW, run_cli
from tests.opa.helpers import CONFIG, MODEL_POLICY, small_repo
from tests.opa.netfakes import FakeServer, Proxy, fake_opa_routes

pytestmark = pytest.mark.opa


def _check(root: Path, url: str) -> Any:
    return check(CheckOptions(root=root, engine="opa", opa_url=url, now=NOW, use_cache=False,
                              audit=False))


def _one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got {lines}"
    return lines[0]


def _audit_events(root: Path) -> int:
    db = root / ".govctl-audit" / "local.duckdb"  # where local runs record
    if not db.exists():
        return 0
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("SELECT count(*) FROM event_log").fetchone()
    return int(row[0]) if row else 0


def _with_timeout(root: Path, seconds: float) -> None:
    (root / "govctl.yaml").write_text(CONFIG + f"opa: {{timeoutSeconds: {seconds}}}\n")


# --- not running -----------------------------------------------------------------------------
def test_connection_refused_is_exit_3_with_one_line(tmp_path: Path) -> None:
    root = small_repo(tmp_path / "repo")
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    done = run_cli("-C", str(root), "check", "--engine", "opa", "--opa-url", url,
                   "--format", "json", "--now", NOW)
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""  # no report at all: never a pass that was not evaluated
    line = _one_line(done.stderr)
    assert "connection refused" in line and url in line
    assert _audit_events(root) == 0


# --- killed mid-run --------------------------------------------------------------------------
def test_opa_killed_mid_run(tmp_path: Path, fresh_opa: OpaServer) -> None:
    root = small_repo(tmp_path / "repo", models=200)  # several batches

    def kill_on_second(ordinal: int) -> None:
        if ordinal == 2:
            fresh_opa.kill()

    proxy = Proxy(fresh_opa.port, on_evaluation=kill_on_second)
    try:
        with pytest.raises(EngineError) as caught:
            _check(root, proxy.url)
    finally:
        proxy.close()
    assert proxy.evaluations >= 2
    message = str(caught.value)
    assert "\n" not in message and "evaluating policies: lost the connection" in message
    # wait(), not poll(): the proxy thread may still be inside kill()'s wait(), and poll() then
    # returns None without looking (Popen lets one thread reap at a time). A live OPA times out.
    assert fresh_opa.process is None or fresh_opa.process.wait(timeout=10) is not None


# --- slow --------------------------------------------------------------------------------------
SLOW_POLICY = MODEL_POLICY.replace(
    'input.subject.spec.status == "deprecated"',
    'count([y | some y in numbers.range(1, 3000000); y % 7 == 0]) > 0',
)


def test_slow_policy_times_out(tmp_path: Path, fresh_opa: OpaServer) -> None:
    root = small_repo(tmp_path / "repo", SLOW_POLICY, models=1)
    _with_timeout(root, 1.0)  # uploading takes far less; evaluating takes seconds
    with pytest.raises(EngineError) as caught:
        _check(root, fresh_opa.url)
    assert "evaluating policies: OPA at" in str(caught.value)
    assert "did not answer within 1 s" in str(caught.value)


def test_slow_network_times_out_on_the_cli(tmp_path: Path, fresh_opa: OpaServer) -> None:
    root = small_repo(tmp_path / "repo", models=2)
    _with_timeout(root, 1.0)
    proxy = Proxy(fresh_opa.port, delay_evaluation=3.0)
    try:
        done = run_cli("-C", str(root), "check", "--engine", "opa", "--opa-url", proxy.url,
                       "--now", NOW)
    finally:
        proxy.close()
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    assert "did not answer within 1 s" in _one_line(done.stderr)
    assert _audit_events(root) == 0


# --- a policy OPA rejects ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("bad", "line", "column", "code"),
    [
        # A parse error (a v0 rule body never gets this far: govctl refuses it, see rego_v1.py).
        ("package govctl.rules.bad\n\nimport rego.v1\n\ndeny contains msg if {\n\tmsg := \"x\" +\n}\n",
         7, 1, "rego_parse_error"),
        # A type error OPA finds at compile time (regopy would silently make it undefined).
        ("package govctl.rules.bad\n\nimport rego.v1\n\nx := data.govctl.rules.test.nothing(1)\n",
         5, 6, "rego_type_error"),
        # An unsafe variable.
        ("package govctl.rules.bad\n\nimport rego.v1\n\ndeny contains m if {\n\tz > 1\n}\n",
         5, 15, "rego_unsafe_var_error"),
    ],
)
def test_rejected_policy_names_file_line_and_column(
    tmp_path: Path, opa_url: str, bad: str, line: int, column: int, code: str
) -> None:
    root = small_repo(tmp_path / "repo", extra={"policies/bad.rego": bad})
    with pytest.raises(PolicyError) as caught:
        _check(root, opa_url)
    err = caught.value
    assert (err.file, err.line) == ("policies/bad.rego", line)
    assert err.column == column
    assert code in str(err) and "govctl_" not in str(err)  # the private root never shows


def test_rejected_policy_on_the_cli(tmp_path: Path, opa_url: str) -> None:
    bad = "package govctl.rules.bad\n\nimport rego.v1\n\ndeny contains m if {\n\tz > 1\n}\n"
    root = small_repo(tmp_path / "repo", extra={"policies/bad.rego": bad})
    done = run_cli("-C", str(root), "check", "--engine", "opa", "--opa-url", opa_url,
                   "--now", NOW)
    assert done.returncode == 3, done.stderr  # as on the embedded engine: fail closed
    assert _one_line(done.stderr).startswith("govctl: error: policies/bad.rego:5:15: OPA rejected")
    assert done.stdout == ""


# --- builtin errors are strict, as on the embedded engine --------------------------------------
def test_builtin_error_fails_the_run_naming_subject_and_location(
    tmp_path: Path, opa_url: str
) -> None:
    policy = MODEL_POLICY.replace(
        'input.subject.spec.status == "deprecated"', "to_number(input.subject.metadata.name) > 0"
    )
    root = small_repo(tmp_path / "repo", policy, models=3)
    with pytest.raises(EngineError) as caught:
        _check(root, opa_url)
    err = caught.value
    assert err.subject == "Model/m0@2024-08-06"
    assert err.rule == "GOV-TST-001"
    assert "policies/test.rego:12:2:" in str(err) and "eval_builtin_error" in str(err)
    with pytest.raises(EngineError):  # regopy (the fallback) refuses the same input
        check(CheckOptions(root=root, engine="regopy", now=NOW, use_cache=False, audit=False))


# --- answers that are not what govctl expects (a fake server: a real OPA never does this) -----
@pytest.mark.parametrize(
    ("evaluation", "expected"),
    [
        ((200, b"<html>hello</html>"), "not JSON"),
        ((200, {"result": "nope"}), "where a list was expected"),
        ((200, {"result": [[0, ["pkg", "deny"]]]}), "cannot read"),
        ((200, {"result": [[0, "not a list"]]}), "cannot read"),
        ((200, {"result": []}), "no decision"),
        ((200, {}), "returned no result"),
        ((200, {"result": [[0, []], [0, []]]}), "unexpected decision"),
        ((502, b"<html>bad gateway</html>"), "answered HTTP 502"),
    ],
)
def test_garbage_answers(tmp_path: Path, evaluation: tuple[int, Any], expected: str) -> None:
    root = small_repo(tmp_path / "repo", models=1)
    server = FakeServer(fake_opa_routes(evaluation))
    try:
        with pytest.raises(EngineError) as caught:
            _check(root, server.url)
    finally:
        server.close()
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "config", [b"not json at all", {"result": {"labels": {}}}, {"result": {"labels": {"version": 7}}}]
)
def test_garbage_version_answer_on_the_cli(tmp_path: Path, config: Any) -> None:
    root = small_repo(tmp_path / "repo", models=1)
    server = FakeServer(lambda method, path: (200, config))
    try:
        done = run_cli("-C", str(root), "check", "--engine", "opa", "--opa-url", server.url,
                       "--now", NOW)
    finally:
        server.close()
    assert done.returncode == 3, done.stderr
    assert "reading OPA's version" in _one_line(done.stderr)
    assert done.stdout == ""
