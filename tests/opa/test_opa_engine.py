"""The OPA engine against a real OPA: results, version, namespaces shared safely, cleanup."""

from __future__ import annotations

import json
import subprocess
import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from govctl.opa_server import OpaServer
from govctl.policy.engine import EngineSettings, EvalRequest
from govctl.policy.opa_engine import OpaEngine
from govctl.policy.opa_policies import RECORDS, STALE_AFTER_SECONDS
from tests.opa.helpers import MODEL_POLICY, assert_same, check_json, small_repo

pytestmark = pytest.mark.opa


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read() or b"null")


def _send(url: str, method: str, body: bytes, content_type: str) -> None:
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=10):
        pass


def _policy_ids(url: str) -> set[str]:
    return {p["id"] for p in _get(f"{url}/v1/policies")["result"]}


def _records(url: str) -> dict[str, Any]:
    return _get(f"{url}/v1/data/{RECORDS}").get("result") or {}


def test_small_repository_matches_the_embedded_engine(tmp_path: Path, opa_url: str) -> None:
    root = small_repo(tmp_path / "repo", models=5)
    opa = check_json(root, "opa", opa_url)
    assert_same(check_json(root, "embedded"), opa, "small repository")
    assert opa["summary"]["errors"] == 5


def test_version_comes_from_the_server(fresh_opa: OpaServer, opa_binary: Path) -> None:
    printed = subprocess.run([str(opa_binary), "version"], capture_output=True, text=True,
                             check=True).stdout.splitlines()[0]
    engine = OpaEngine(EngineSettings(opa_url=fresh_opa.url))
    try:
        assert printed == f"Version: {engine.version()}"
    finally:
        engine.close()


def test_no_requests_needs_no_server() -> None:
    engine = OpaEngine(EngineSettings(opa_url="http://127.0.0.1:9"))
    assert engine.evaluate(None, []) == {}  # type: ignore[arg-type]


def test_bundle_is_uploaded_once_and_reused(tmp_path: Path, fresh_opa: OpaServer) -> None:
    root = small_repo(tmp_path / "repo")
    first = check_json(root, "opa", fresh_opa.url)
    ids, records = _policy_ids(fresh_opa.url), _records(fresh_opa.url)
    assert len(records) == 1 and next(iter(records.values()))["complete"] is True
    # The catalog's modules, the entry module and the batch entrypoint, in one namespace.
    key = next(iter(records))
    assert ids == {f"govctl/{key}/{n}" for n in range(3)}
    assert check_json(root, "opa", fresh_opa.url) == first
    assert _policy_ids(fresh_opa.url) == ids
    # A changed policy is another namespace: the old one stays until it goes stale.
    (root / "policies" / "test.rego").write_text(MODEL_POLICY + "\n# changed\n")
    check_json(root, "opa", fresh_opa.url)
    assert len(_records(fresh_opa.url)) == 2


def test_runs_sharing_one_opa_never_see_each_others_rules(
    tmp_path: Path, fresh_opa: OpaServer
) -> None:
    """Same package name, different rules, evaluated at the same time on one server."""
    approved = MODEL_POLICY.replace('== "deprecated"', '== "approved"')
    repos = [small_repo(tmp_path / "a", models=70), small_repo(tmp_path / "b", approved, 70)]
    expected = [check_json(r, "embedded") for r in repos]
    got: dict[int, dict[str, Any]] = {}
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            got[i] = check_json(repos[i], "opa", fresh_opa.url)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert expected[0]["summary"]["errors"] == 70 and expected[1]["summary"]["errors"] == 0
    for i in (0, 1):
        assert_same(expected[i], got[i], f"repo {i}")


def test_a_tampered_namespace_is_uploaded_again(tmp_path: Path, fresh_opa: OpaServer) -> None:
    root = small_repo(tmp_path / "repo")
    expected = check_json(root, "opa", fresh_opa.url)
    key = next(iter(_records(fresh_opa.url)))
    ns = f"govctl_{key}"
    # Someone replaces the rule module with one that finds nothing.
    victim = next(
        p for p in _get(f"{fresh_opa.url}/v1/policies")["result"] if "deny contains" in p["raw"]
    )
    _send(f"{fresh_opa.url}/v1/policies/{victim['id']}", "PUT",
          f"package {ns}.govctl.rules.test\n".encode(), "text/plain")
    assert check_json(root, "opa", fresh_opa.url) == expected


def test_stale_namespaces_are_removed(tmp_path: Path, fresh_opa: OpaServer) -> None:
    old = small_repo(tmp_path / "old")
    check_json(old, "opa", fresh_opa.url)
    old_key = next(iter(_records(fresh_opa.url)))
    stale = {"complete": True, "lastUsed": 1_000_000_000}  # 2001: long unused
    _send(f"{fresh_opa.url}/v1/data/{RECORDS}/{old_key}", "PUT", json.dumps(stale).encode(),
          "application/json")
    new = small_repo(tmp_path / "new", MODEL_POLICY + "\n# another bundle\n")
    check_json(new, "opa", fresh_opa.url)
    records = _records(fresh_opa.url)
    assert old_key not in records and len(records) == 1
    assert not any(i.startswith(f"govctl/{old_key}/") for i in _policy_ids(fresh_opa.url))
    assert STALE_AFTER_SECONDS >= 3600


def test_engine_reports_every_subject(tmp_path: Path, opa_url: str) -> None:
    root = small_repo(tmp_path / "repo", models=0)
    from govctl.config import load_config
    from govctl.policy.catalog import load_policies

    bundle = load_policies(root, load_config(root / "govctl.yaml"))
    doc = {"subject": {"identity": "Model/x@1", "kind": "Model", "spec": {"status": "deprecated"}}}
    requests = [EvalRequest(f"Model/x{i}@1", "Model", json.dumps(doc)) for i in range(150)]
    requests.append(EvalRequest("Waiver/w", "Waiver", json.dumps({"subject": {}})))
    engine = OpaEngine(EngineSettings(opa_url=opa_url))
    try:
        out = engine.evaluate(bundle, requests)
    finally:
        engine.close()
    assert set(out) == {r.subject for r in requests}
    assert out["Waiver/w"] == []
    assert all(len(out[f"Model/x{i}@1"]) == 1 for i in range(150))
