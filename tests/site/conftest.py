"""Sites built once per test session: the reference repository's, as users build it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govctl.check import CheckOptions, CheckResult, run_check
from govctl.site import SiteOptions, SiteResult, build_site
from tests.conftest import NOW, REPO_ROOT
from tests.test_reference_repository import copy_reference


def site_options(root: Path, out: Path, **extra: object) -> SiteOptions:
    # One policy worker: pytest-xdist already runs one test per core.
    return SiteOptions(root=root, out=out, now=NOW, use_cache=False, workers=1, **extra)  # type: ignore[arg-type]


def check_of(root: Path) -> CheckResult:
    return run_check(CheckOptions(root=root, now=NOW, use_cache=False, audit=False, workers=1))


class BuiltSite:
    def __init__(self, root: Path, out: Path, result: SiteResult) -> None:
        self.root = root
        self.out = out
        self.result = result


@pytest.fixture(scope="session")
def reference_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    root = copy_reference(tmp_path_factory.mktemp("reference") / "repo")
    out = root / "_site"
    return BuiltSite(root, out, build_site(site_options(root, out)))


def screenshot_dir() -> Path:
    """Where browser tests leave screenshots (CI uploads the folder as an artifact)."""
    configured = os.environ.get("GOVCTL_SITE_SCREENSHOTS")
    return Path(configured) if configured else REPO_ROOT / "benchmarks" / "out" / "site"
