"""The built-in catalog ships precompiled to Wasm, and the shipped module is never stale."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govctl.api import CheckOptions, check
from govctl.policy.bundle import load_bundle
from govctl.policy.catalog import BUILTIN_PREFIX, builtin_catalog_dir
from govctl.policy.wasm_build import (
    BUILD_COMMAND,
    SHIPPED_WASM,
    build_with_opa,
    entrypoints,
    shipped_manifest,
    sources_digest,
)
from tests.conftest import NOW
from tests.test_reference_repository import copy_reference

STALE = (
    "govctl/catalog_wasm is stale against the catalog's Rego sources: rebuild it with "
    f"`{BUILD_COMMAND}` (the pinned OPA; scripts/install-opa.sh builds one) and commit the result"
)


def _catalog_sources() -> dict[str, str]:
    catalog = builtin_catalog_dir()
    assert catalog is not None
    return load_bundle([(catalog, BUILTIN_PREFIX)], trusted=catalog).sources()


def test_shipped_module_matches_the_catalog_sources() -> None:
    manifest = shipped_manifest()
    assert manifest is not None, STALE
    assert manifest["sources_digest"] == sources_digest(_catalog_sources(), entrypoints()), STALE
    assert manifest["entrypoints"] == entrypoints(), STALE
    assert hashlib.sha256(SHIPPED_WASM.read_bytes()).hexdigest() == manifest["wasm_sha256"], STALE


@pytest.mark.opa
def test_rebuilding_with_the_pinned_opa_gives_the_same_bytes(opa_binary: Path) -> None:
    from govctl.policy.wasm_build import opa_is_pinned

    if not opa_is_pinned(opa_binary):
        pytest.skip(f"{opa_binary} is not the pinned OPA version")
    rebuilt = build_with_opa(opa_binary, _catalog_sources(), entrypoints())
    assert rebuilt == SHIPPED_WASM.read_bytes(), STALE


def _catalog_only(tmp_path: Path) -> Path:
    """The reference repository without Northwind's own rules (its parameters and severity
    overrides stay): only the built-in catalog, which ships precompiled."""
    root = copy_reference(tmp_path / "repo")
    shutil.rmtree(root / "policies" / "northwind")
    return root


def test_check_without_opa_uses_the_shipped_module(
    no_opa: dict[str, str], tmp_path: Path
) -> None:
    """A pip user with no Go and no OPA: the built-in catalog runs on OPA's Wasm."""
    root = _catalog_only(tmp_path)
    result = check(CheckOptions(root=root, now=NOW, use_cache=False, audit=False))
    assert result.engine == "embedded"
    assert result.engine_version.startswith("OPA 1.22.2 Wasm, wasmtime ")


def test_cli_without_opa_prints_no_fallback_notice(
    no_opa: dict[str, str], tmp_path: Path
) -> None:
    root = _catalog_only(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "govctl", "-C", str(root), "check", "--now", NOW,
         "--no-audit", "--no-cache", "--format", "json"],
        capture_output=True, text=True, env=no_opa, timeout=300,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "fallback" not in proc.stderr
    assert json.loads(proc.stdout)["engine"]["name"] == "embedded"


def test_a_damaged_compiled_module_in_the_cache_is_recompiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govctl.policy.wasm_build import compiled_module

    monkeypatch.setenv("GOVCTL_WASM_CACHE", str(tmp_path / "cache"))
    wasm = SHIPPED_WASM.read_bytes()
    first = compiled_module(wasm)
    (cached,) = (tmp_path / "cache").glob("module-*.cwasm")
    cached.write_bytes(cached.read_bytes()[:1000])  # torn
    assert compiled_module(wasm) == first
    assert cached.read_bytes()[32:] == first  # rewritten whole
