"""The site of a generated registry (benchmarks/generate_registry.py): every page is written,
a sample of them parses as HTML5 and every link of the sample resolves.

CI builds 1,000 artifacts (a representative sample that keeps the suite fast); set
``GOVCTL_SITE_ARTIFACTS=10000`` for the full size. ``benchmarks/bench_site.py`` times the
10k build.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.generate_registry import generate
from govctl.site import build_site
from tests.conftest import REPO_ROOT
from tests.site.conftest import site_options
from tests.site.sitecheck import broken_links, parse_site

SIZE = int(os.environ.get("GOVCTL_SITE_ARTIFACTS", "1000"))
FIXED_PAGES = (
    "index.html",
    "artifacts.html",
    "rules.html",
    "controls.html",
    "audit.html",
    "search.html",
)


@pytest.mark.slow
def test_generated_registry_site(tmp_path: Path) -> None:
    root = tmp_path / "registry"
    generate(root, SIZE, REPO_ROOT / "govctl" / "catalog")
    out = tmp_path / "site"
    result = build_site(site_options(root, out))
    assert result.pages == len(FIXED_PAGES) + result.artifacts
    assert result.deployments > 0.1 * SIZE
    written = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert len(written) == result.pages

    deployments = sorted(p for p in written if p.startswith("deployments/"))
    artifacts = sorted(p for p in written if p.startswith("artifacts/"))
    sample = [*FIXED_PAGES, *deployments[:: max(1, len(deployments) // 15)]]
    sample += artifacts[:: max(1, len(artifacts) // 40)]
    pages = parse_site(out, sample)
    assert {p: page.errors for p, page in pages.items() if page.errors} == {}
    assert broken_links(out, pages) == []
