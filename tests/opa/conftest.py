"""Real OPA for the tests: find the binary, start servers on free loopback ports.

OPA is looked up in: env ``GOVCTL_OPA_BIN``, ``opa`` on PATH, then the cache folder of
``scripts/install-opa.sh`` (``$OPA_CACHE_DIR/bin/opa``, by default ``<repo>/.cache/opa/bin/opa``).
When none exists the OPA tests are
skipped loudly — unless ``GOVCTL_REQUIRE_OPA=1`` (CI), where a missing OPA fails them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from govctl.opa_server import OpaServer, find_opa

REPO_ROOT = Path(__file__).resolve().parents[2]
# Where scripts/install-opa.sh builds the pinned OPA (it honours OPA_CACHE_DIR the same way).
CACHE_DIR = Path(os.environ.get("OPA_CACHE_DIR") or REPO_ROOT / ".cache" / "opa")
CANDIDATES = (CACHE_DIR / "bin" / "opa",)
_MISSING: list[str] = []


def _locate_opa() -> Path | None:
    explicit = os.environ.get("GOVCTL_OPA_BIN")
    if explicit:
        return find_opa(Path(explicit))
    return find_opa(None, CANDIDATES, os.environ.get("PATH", ""))


def require_opa() -> Path:
    binary = _locate_opa()
    if binary is not None:
        return binary
    explicit = os.environ.get("GOVCTL_OPA_BIN")
    reason = (
        f"GOVCTL_OPA_BIN={explicit} is not an executable file" if explicit else
        f"no OPA binary (GOVCTL_OPA_BIN, PATH, {CANDIDATES[0]}); "
        "run scripts/install-opa.sh"
    )
    if os.environ.get("GOVCTL_REQUIRE_OPA") == "1":
        pytest.fail(f"GOVCTL_REQUIRE_OPA=1 but {reason}", pytrace=False)
    if not _MISSING:
        _MISSING.append(reason)
    pytest.skip(f"OPA TESTS SKIPPED: {reason}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _MISSING:
        terminalreporter.write_sep("!", "OPA tests were SKIPPED: " + _MISSING[0], red=True)


@pytest.fixture(scope="session")
def opa_binary() -> Path:
    return require_opa()


@pytest.fixture(scope="module")
def opa_url(opa_binary: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One OPA per test module: govctl's namespaces keep the tests that share it apart.

    Not one per session: govctl keeps a bundle's namespace on the server for a day, and OPA
    recompiles every loaded module on each upload, so a server that had collected the hundreds
    of bundles the whole suite uploads made each later upload slower than the last."""
    log = tmp_path_factory.mktemp("opa") / "opa.log"
    with OpaServer(opa_binary, log_file=log) as server:
        yield server.url


@pytest.fixture
def fresh_opa(opa_binary: Path, tmp_path: Path) -> Iterator[OpaServer]:
    """An OPA of the test's own, for tests that kill or inspect it."""
    with OpaServer(opa_binary, log_file=tmp_path / "opa.log") as server:
        yield server
