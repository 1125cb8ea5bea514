"""What the workflows install is pinned: govctl-ai by exact version and file hashes, its
dependencies from the hashed lock, actions by commit SHA; nothing foreign, nothing unpinned."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path
from typing import ClassVar

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from govctl import DISTRIBUTION, __version__
from govctl.errors import InfraError, UsageError
from govctl.pinning import (
    REQUIREMENTS_PATH,
    GovctlPin,
    hashes_in_release_json,
    locked_dependencies,
    pin_from_files,
)
from govctl.scaffold import ScaffoldOptions, scaffold
from tests.conftest import run_cli
from tests.delivery.conftest import REPO_ROOT, fake_dist, scaffold_pin

NOW = dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.UTC)
SHA_PINNED_USES = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
HASHED_INSTALL = "pip install --require-hashes -r "


def _requirements(text: str) -> dict[str, tuple[str, list[str]]]:
    """name → (exact version, hashes) of a hashed requirements file; fails on anything else."""
    entries: dict[str, tuple[str, list[str]]] = {}
    logical = re.sub(r"\\\n", " ", text)
    for line in logical.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        spec, *options = line.split(" --hash=")
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([A-Za-z0-9.+!-]+)", spec.strip())
        assert match, f"not an exact pin: {line!r}"
        hashes = [o.strip().removeprefix("sha256:") for o in options]
        assert hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), line
        entries[str(canonicalize_name(match.group(1)))] = (match.group(2), hashes)
    return entries


def _lock() -> dict[str, tuple[str, list[str]]]:
    return _requirements(locked_dependencies())


def test_the_lock_satisfies_every_declared_dependency() -> None:
    lock = _lock()
    declared = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    for text in declared["dependencies"]:
        requirement = Requirement(text)
        name = str(canonicalize_name(requirement.name))
        assert name in lock, f"{name} is not in govctl/requirements.lock"
        assert requirement.specifier.contains(lock[name][0], prereleases=True), (
            f"{name}=={lock[name][0]} does not satisfy {text}: run scripts/lock-requirements.sh"
        )


def test_the_lock_holds_every_package_govctl_needs_installed() -> None:
    # Walk the installed dependency tree (Linux, this Python) from govctl-ai's own metadata:
    # pip in --require-hashes mode refuses to install a dependency the file does not list.
    lock = _lock()
    environment = {**default_environment(), "extra": ""}
    seen: set[str] = set()
    todo = [DISTRIBUTION]
    while todo:
        name = todo.pop()
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker and not requirement.marker.evaluate(environment):
                continue
            dependency = str(canonicalize_name(requirement.name))
            if dependency not in seen:
                seen.add(dependency)
                todo.append(dependency)
    assert seen, "govctl-ai declares no dependencies?"
    assert sorted(seen - set(lock)) == []
    assert DISTRIBUTION not in lock


def test_the_distribution_is_govctl_ai_and_reports_the_package_version() -> None:
    assert metadata.version(DISTRIBUTION) == __version__
    assert metadata.distribution(DISTRIBUTION).entry_points.select(name="govctl")
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == DISTRIBUTION and project["version"] == __version__


@pytest.fixture
def scaffolded(tmp_path: Path) -> Path:
    return scaffold(ScaffoldOptions(target=tmp_path / "gov", now=NOW,
                                    pin=scaffold_pin(tmp_path / "dist"))).root


def test_nothing_generated_installs_an_unpinned_or_foreign_package(
    scaffolded: Path, tmp_path: Path
) -> None:
    requirements = _requirements((scaffolded / REQUIREMENTS_PATH).read_text())
    dist = fake_dist(tmp_path / "dist")
    assert requirements[DISTRIBUTION] == (__version__, [hashlib.sha256(dist.read_bytes())
                                                        .hexdigest()])
    assert set(requirements) == {DISTRIBUTION, *_lock()}  # govctl, its lock, nothing else
    text = (scaffolded / REQUIREMENTS_PATH).read_text()
    for option in ("--index-url", "--extra-index-url", "--find-links", "--trusted-host", "-e ",
                   "git+", "http://", "https://"):
        assert option not in text.split("\n# govctl's dependencies")[1], option

    installs = 0
    for path in sorted(p for p in scaffolded.rglob("*") if p.is_file()):
        content = path.read_text(encoding="utf-8")
        for line in content.splitlines():
            if "pip install" in line:
                installs += 1
                assert f"{HASHED_INSTALL}{REQUIREMENTS_PATH}" in line, f"{path}: {line.strip()}"
                assert "govctl==" not in line
            uses = re.match(r"\s*(?:-\s+)?uses:\s*(\S+)(.*)", line)
            if uses:
                assert SHA_PINNED_USES.match(uses.group(1)), f"{path}: {line.strip()}"
                assert re.match(r"\s*# v\d+\.\d+\.\d+", uses.group(2)), f"{path}: no version"
        assert "pypi.org/project/govctl/" not in content, path
    assert installs >= 3  # both workflows and the README install from the hashed file


def test_this_repositorys_workflows_install_only_hashed_requirements() -> None:
    for path in sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml")):
        for line in path.read_text().splitlines():
            # Besides hashed requirements, only govctl itself: the checkout or the wheel just built.
            own = re.search(r"pip install --no-deps (\.|dist/govctl_ai-\*\.whl)$", line.rstrip())
            if "pip install" in line and not own:
                assert HASHED_INSTALL in line, f"{path.name}: {line.strip()}"
            uses = re.match(r"\s*(?:-\s+)?uses:\s*(\S+)", line)
            if uses:
                assert SHA_PINNED_USES.match(uses.group(1)), f"{path.name}: {line.strip()}"


def test_a_pin_needs_sha256_digests_of_files_named_for_the_version(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no file hash"):
        GovctlPin("1.0.0", ())
    with pytest.raises(UsageError, match="not a sha256"):
        GovctlPin("1.0.0", ("abc",))
    other = tmp_path / "govctl-0.1.2-py3-none-any.whl"  # the unrelated project's name
    other.write_bytes(b"x")
    with pytest.raises(UsageError, match="not a govctl-ai"):
        pin_from_files([other], "0.1.2")
    sdist = tmp_path / "govctl_ai-2.0.0.tar.gz"
    sdist.write_bytes(b"sdist")
    pin = pin_from_files([sdist], "2.0.0")
    assert pin.requirement() == (
        f"govctl-ai==2.0.0 \\\n    --hash=sha256:{hashlib.sha256(b'sdist').hexdigest()}\n"
    )


def test_the_index_answer_gives_the_hashes_of_this_versions_files_only() -> None:
    document = {"urls": [
        {"filename": "govctl_ai-1.0.0-py3-none-any.whl", "digests": {"sha256": "a" * 64}},
        {"filename": "govctl_ai-1.0.0.tar.gz", "digests": {"sha256": "b" * 64}},
        {"filename": "govctl_ai-1.0.0.zip", "digests": {"sha256": "c" * 64}},
        {"filename": "govctl_ai-1.0.01-py3-none-any.whl", "digests": {"sha256": "d" * 64}},
        {"filename": "evil-1.0.0-py3-none-any.whl", "digests": {"sha256": "e" * 64}},
    ]}
    assert hashes_in_release_json(document, "1.0.0") == ("a" * 64, "b" * 64)
    with pytest.raises(InfraError, match="no files"):
        hashes_in_release_json({"info": {}}, "1.0.0")


class _Index(BaseHTTPRequestHandler):
    releases: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.releases.get(self.path)
        self.send_response(200 if body else 404)
        self.end_headers()
        self.wfile.write(body or b"not found")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def index() -> Iterator[str]:
    """A real HTTP server answering like the package index's JSON API for this version."""
    _Index.releases = {f"/pypi/{DISTRIBUTION}/{__version__}/json": json.dumps({"urls": [
        {"filename": f"govctl_ai-{__version__}-py3-none-any.whl", "digests": {"sha256": "a" * 64}},
        {"filename": f"govctl_ai-{__version__}.tar.gz", "digests": {"sha256": "b" * 64}},
    ]}).encode()}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Index)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/pypi"
    finally:
        server.shutdown()
        thread.join()


def test_init_pins_the_files_the_index_lists(index: str, tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "gov"), "--pypi-json", index)
    assert result.returncode == 0, result.stderr
    pinned = _requirements((tmp_path / "gov" / REQUIREMENTS_PATH).read_text())[DISTRIBUTION]
    assert pinned == (__version__, ["a" * 64, "b" * 64])


def test_init_fails_closed_when_the_version_is_not_on_the_index(
    index: str, tmp_path: Path
) -> None:
    _Index.releases = {}
    result = run_cli("init", str(tmp_path / "gov"), "--pypi-json", index)
    assert result.returncode == 3
    assert f"{DISTRIBUTION} {__version__} is not on the package index" in result.stderr
    assert "--govctl-dist" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "gov").exists()  # nothing written without a pin


def test_requirements_only_rewrites_that_file_and_nothing_else(
    scaffolded: Path, tmp_path: Path
) -> None:
    before = {p: p.read_bytes() for p in scaffolded.rglob("*") if p.is_file()}
    newer = tmp_path / "newer"
    newer.mkdir()
    wheel = newer / f"govctl_ai-{__version__}-py3-none-any.whl"
    wheel.write_bytes(b"another build")
    result = run_cli("init", str(scaffolded), "--requirements-only", "--govctl-dist", str(wheel))
    assert result.returncode == 0, result.stderr
    after = {p: p.read_bytes() for p in scaffolded.rglob("*") if p.is_file()}
    changed = {p.relative_to(scaffolded).as_posix() for p in after if after[p] != before.get(p)}
    assert changed == {REQUIREMENTS_PATH}
    pinned = _requirements((scaffolded / REQUIREMENTS_PATH).read_text())[DISTRIBUTION]
    assert pinned[1] == [hashlib.sha256(b"another build").hexdigest()]
