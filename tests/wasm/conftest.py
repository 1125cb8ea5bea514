"""The Wasm engine's tests: a private module cache per test session, and environments with and
without an ``opa`` binary (the real one from tests/opa/conftest.py, or none at all)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.opa.conftest import opa_binary, require_opa  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def wasm_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path_factory.getbasetemp() / "wasm-cache"
    monkeypatch.setenv("GOVCTL_WASM_CACHE", str(folder))
    return folder


@pytest.fixture
def no_opa(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, str]]:
    """An environment where govctl can find no opa binary (as for a plain pip install)."""
    monkeypatch.delenv("GOVCTL_OPA_BIN", raising=False)
    monkeypatch.delenv("OPA_CACHE_DIR", raising=False)
    tools = tmp_path / "bin-without-opa"
    tools.mkdir()
    git = shutil.which("git")
    if git:  # git is a real dependency of govctl; opa is not
        (tools / "git").symlink_to(git)
    monkeypatch.setenv("PATH", str(tools))
    # Nor the one scripts/install-opa.sh built in the checkout the tests run from.
    monkeypatch.chdir(tmp_path)
    yield {k: v for k, v in os.environ.items()}


@pytest.fixture
def with_opa(opa_binary: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: F811
    monkeypatch.setenv("GOVCTL_OPA_BIN", str(opa_binary))
    return opa_binary
