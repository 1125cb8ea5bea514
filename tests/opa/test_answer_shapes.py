"""An engine answer of the wrong shape is exit 3 with one line saying what was malformed and which
server sent it — never "internal error", never findings read from half an answer. A real OPA never
answers like this, so a tiny loopback server does; the engine-independent check is tested on
every engine's answer shape directly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govctl.errors import EngineError
from govctl.policy.bundle import build_bundle
from govctl.policy.engine import EngineFinding, check_answers
from govctl.policy.modules import parse_module
from tests.conftest import NOW, run_cli
from tests.opa.helpers import MODEL_POLICY, small_repo
from tests.opa.netfakes import FakeServer, fake_opa_routes

pytestmark = pytest.mark.opa

PACKAGE = "govctl.rules.test"


@pytest.mark.parametrize(
    ("evaluation", "expected"),
    [
        ((200, {"result": [[0, [[PACKAGE, "bogus", "x"]]]]}), f"{PACKAGE}.bogus, which is not"),
        ((200, {"result": [[0, [["other.pkg", "deny", "x"]]]]}), "other.pkg.deny, which is not"),
        ((200, {"result": [[0.0, []]]}), "unexpected decision"),
        ((200, {"result": [[True, []]]}), "unexpected decision"),
        ((200, {"result": [["0", []]]}), "unexpected decision"),
        ((200, {"result": [[0, {"deny": []}]]}), "cannot read"),
        ((200, {"result": [[0, [[PACKAGE, "deny"]]]]}), "cannot read"),
        ((200, b'{"result": [[0, [['), "not JSON"),
    ],
)
def test_malformed_answers_are_exit_3_in_one_line_naming_the_server(
    tmp_path: Path, evaluation: tuple[int, Any], expected: str
) -> None:
    root = small_repo(tmp_path / "repo", models=1)
    server = FakeServer(fake_opa_routes(evaluation))
    try:
        done = run_cli(
            "-C", str(root), "check", "--engine", "opa", "--opa-url", server.url, "--now", NOW
        )
    finally:
        server.close()
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert expected in lines[0] and server.url in lines[0]
    assert "internal error" not in lines[0]


def _bundle() -> Any:
    return build_bundle([parse_module("policies/test.rego", MODEL_POLICY)])


@pytest.mark.parametrize("engine", ["embedded", "opa"])
def test_answers_are_checked_against_the_bundle_on_every_engine(engine: str) -> None:
    bundle = _bundle()
    good = {"Model/a": [EngineFinding(PACKAGE, "deny", "x")], "Model/b": []}
    check_answers(bundle, ["Model/a", "Model/b"], good, engine, "the engine")
    wrong: list[tuple[dict[str, Any], str]] = [
        ({"Model/a": [EngineFinding(PACKAGE, "warn", "x")]}, f"{PACKAGE}.warn, which is not"),
        ({"Model/a": [EngineFinding("nope", "deny", "x")]}, "nope.deny, which is not"),
        ({"Model/a": "deny"}, "a str where a list of findings"),
        ({"Model/a": [["p", "deny", "x"]]}, "where a finding was expected"),
        ({"Model/a": [], "Model/zz": []}, "not asked about"),
        ({}, "returned no decision"),
    ]
    for answers, expected in wrong:
        with pytest.raises(EngineError) as caught:
            check_answers(bundle, ["Model/a"], answers, engine, "the engine")
        assert expected in str(caught.value) and "\n" not in str(caught.value)
        assert str(caught.value).startswith(f"{engine} engine")
