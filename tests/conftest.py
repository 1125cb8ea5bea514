"""Shared test helpers: small real repositories on disk and running the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-22T00:00:00+00:00"

CONFIG = """\
apiVersion: govctl/v1
kind: Config
teams: [team-a, ml-platform, compliance, security]
environments: [dev, staging, prod]
roots: [registry, prompts]
policy: {engine: embedded, paths: [policies], failOn: error, builtin: false}
"""


@pytest.fixture(scope="session", autouse=True)
def cache_key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache key of the test session (and of every govctl it starts), never the user's."""
    folder = Path(os.environ.get("GOVCTL_CACHE_KEY_DIR") or tmp_path_factory.mktemp("cache-key"))
    os.environ["GOVCTL_CACHE_KEY_DIR"] = str(folder)
    return folder


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


# A check must evaluate at least one policy rule (docs/fail-closed.md); repositories of tests that
# are not about policies get this one, which never fires and selects only waivers.
PLACEHOLDER_POLICY = """\
# METADATA
# custom:
#   kinds: [Waiver]
package tests.placeholder

import rego.v1

deny contains "never" if false
"""


@pytest.fixture
def make_repo(tmp_path: Path):
    """make_repo({"registry/x.yaml": "..."}) → a repository folder with govctl.yaml and policies/."""

    def make(files: Mapping[str, str | bytes], config: str = CONFIG) -> Path:
        root = tmp_path / "repo"
        root.mkdir(exist_ok=True)
        (root / "policies").mkdir(exist_ok=True)
        own = any(rel.startswith("policies/") and rel.endswith(".rego") for rel in files)
        placeholder = {} if own else {"policies/placeholder.rego": PLACEHOLDER_POLICY}
        write_tree(root, {"govctl.yaml": config, **placeholder, **files})
        return root

    return make


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real ``govctl`` in a subprocess (what users run)."""
    return subprocess.run(
        [sys.executable, "-m", "govctl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
