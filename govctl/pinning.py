"""The requirements file ``govctl init`` writes: govctl and its dependencies, pinned with hashes.

The workflows a governance repository runs hold ``contents: write`` and the audit signing key, so
they install nothing that is not pinned to exact files: ``pip install --require-hashes -r
.github/govctl-requirements.txt``. The file has two parts:

- ``govctl-ai==<this version>`` with the sha256 of its wheel and sdist. A wheel cannot carry its
  own hash, so ``init`` reads them from the package index's JSON API (files on PyPI never change
  once uploaded) or hashes distribution files the user names (``--govctl-dist``: offline, or a
  build that is not published).
- every runtime dependency, exact version and hashes, from ``govctl/requirements.lock`` (package
  data, written by ``scripts/lock-requirements.sh`` for CPython 3.11 on Linux, what the workflows
  run on).
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from govctl import DISTRIBUTION
from govctl.errors import InfraError, UsageError

PYPI_JSON_API = "https://pypi.org/pypi"
LOCK_RESOURCE = "requirements.lock"
REQUIREMENTS_PATH = ".github/govctl-requirements.txt"
INSTALL_COMMAND = f"python -m pip install --require-hashes -r {REQUIREMENTS_PATH}"
LOOKUP_TIMEOUT_S = 20.0
_SHA256 = re.compile(r"[0-9a-f]{64}")
_FILE_PREFIX = DISTRIBUTION.replace("-", "_")  # wheel and sdist names use the underscore form


@dataclass(frozen=True)
class GovctlPin:
    """One govctl release: its version and the sha256 of each of its distribution files."""

    version: str
    hashes: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.hashes:
            raise UsageError(f"{DISTRIBUTION}=={self.version}: no file hash to pin it to")
        bad = [h for h in self.hashes if not _SHA256.fullmatch(h)]
        if bad:
            raise UsageError(f"{DISTRIBUTION}=={self.version}: not a sha256 digest: {bad[0]!r}")

    def requirement(self) -> str:
        """``govctl-ai==V`` with one ``--hash`` line per file, in requirements-file syntax."""
        lines = [f"{DISTRIBUTION}=={self.version}"]
        lines += [f"    --hash=sha256:{digest}" for digest in sorted(set(self.hashes))]
        return " \\\n".join(lines) + "\n"


def _is_release_file(name: str, version: str) -> bool:
    return name == f"{_FILE_PREFIX}-{version}.tar.gz" or (
        name.startswith(f"{_FILE_PREFIX}-{version}-") and name.endswith(".whl")
    )


def pin_from_files(paths: Iterable[Path], version: str) -> GovctlPin:
    """Pin to local distribution files (a wheel or sdist of ``version``), hashed here."""
    hashes = []
    for path in paths:
        if not _is_release_file(path.name, version):
            raise UsageError(
                f"{path}: not a {DISTRIBUTION} {version} wheel or sdist "
                f"(expected {_FILE_PREFIX}-{version}-*.whl or {_FILE_PREFIX}-{version}.tar.gz)"
            )
        try:
            hashes.append(hashlib.sha256(path.read_bytes()).hexdigest())
        except OSError as exc:
            raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return GovctlPin(version, tuple(hashes))


def hashes_in_release_json(document: Any, version: str) -> tuple[str, ...]:
    """The sha256 digests of a release's files in the index's JSON API answer (``urls``)."""
    files = document.get("urls") if isinstance(document, dict) else None
    if not isinstance(files, list):
        raise InfraError(f"the package index's answer for {DISTRIBUTION} {version} has no files")
    hashes = []
    for entry in files:
        name = entry.get("filename") if isinstance(entry, dict) else None
        digests = entry.get("digests") if isinstance(entry, dict) else None
        digest = digests.get("sha256") if isinstance(digests, dict) else None
        if isinstance(name, str) and _is_release_file(name, version) and isinstance(digest, str):
            hashes.append(digest)
    return tuple(hashes)


def pin_from_index(version: str, api: str = PYPI_JSON_API) -> GovctlPin:
    """Pin to the files the package index holds for ``version`` (its JSON API)."""
    url = f"{api.rstrip('/')}/{DISTRIBUTION}/{version}/json"
    hint = f"pass --govctl-dist with the {DISTRIBUTION} {version} wheel to pin it offline"
    try:
        with urllib.request.urlopen(url, timeout=LOOKUP_TIMEOUT_S) as answer:
            document = json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        raise InfraError(
            f"{DISTRIBUTION} {version} is not on the package index ({url}: HTTP {exc.code}); "
            + hint
        ) from None
    except (OSError, ValueError) as exc:
        raise InfraError(f"cannot read {url}: {exc}; {hint}") from None
    hashes = hashes_in_release_json(document, version)
    if not hashes:
        raise InfraError(f"{url} lists no {DISTRIBUTION} {version} wheel or sdist; {hint}")
    return GovctlPin(version, hashes)


def locked_dependencies() -> str:
    """govctl's runtime dependencies, exact versions with hashes (``govctl/requirements.lock``)."""
    lock = resources.files("govctl").joinpath(LOCK_RESOURCE)
    if not lock.is_file():
        raise InfraError("govctl/requirements.lock is missing from the installation (reinstall)")
    return lock.read_text(encoding="utf-8")


def requirements_text(pin: GovctlPin) -> str:
    """The whole ``.github/govctl-requirements.txt``."""
    return (
        f"# govctl and every package it needs, each pinned to exact files by sha256. The\n"
        f"# workflows install it with `{INSTALL_COMMAND}`;\n"
        f"# pip refuses any package or file not listed here. Written by `govctl init`; after\n"
        f"# upgrading govctl, rewrite it with `govctl init --requirements-only`.\n"
        f"{pin.requirement()}"
        f"\n# govctl's dependencies (govctl/requirements.lock of {DISTRIBUTION} {pin.version})\n"
        f"{locked_dependencies()}"
    )
