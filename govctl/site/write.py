"""Put a built site on disk: all or nothing, and never over a folder govctl does not own.

The pages are written into a fresh sibling folder; only when every file is written does it take
the place of the output folder. An existing output folder is replaced only when it is empty or
holds the marker file of an earlier ``govctl site build``: a mistyped ``-o`` never deletes
someone's files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from govctl.errors import UsageError

MARKER = ".govctl-site"
MARKER_TEXT = "Built by `govctl site build`; the whole folder is replaced on the next build.\n"


def owned(folder: Path) -> bool:
    """True when ``folder`` may be replaced: missing, empty, or a site govctl built."""
    if not folder.exists():
        return True
    if not folder.is_dir() or folder.is_symlink():
        return False
    return (folder / MARKER).is_file() or not any(folder.iterdir())


def require_owned(out: Path) -> None:
    if not owned(out):
        raise UsageError(
            f"{out} exists and was not built by govctl (no {MARKER} in it): "
            "choose another output folder or empty it"
        )


def _safe(relative: str) -> PurePosixPath:
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"page path {relative!r} leaves the site")
    return path


def write_site(out: Path, pages: Iterable[tuple[str, bytes]]) -> int:
    """Write every page under a temporary folder, then swap it in; returns the file count."""
    out = out.absolute()
    require_owned(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        count = 0
        made: set[Path] = set()
        for relative, data in pages:
            target = staging.joinpath(*_safe(relative).parts)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)
            count += 1
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a site is meant to be read
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _swap(staging: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
        os.replace(out, old / "site")
    try:
        os.replace(staging, out)
    except BaseException:
        if old is not None:
            os.replace(old / "site", out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
