"""Where the audit trail's files are, resolved once from ``AuditSettings`` and the repo root.

There are two trails (docs/spec.md §6):

- the *authoritative* trail: ``audit.path`` (the database, restored from the audit branch) and
  ``audit.checkpoints`` (its checkpoints, committed to git). Only a run whose role is
  ``recorder`` (``audit.role``, or ``$GOVCTL_AUDIT_ROLE`` in the release workflow) extends it;
- the *local* trail: ``<audit.local>/local.duckdb`` and ``<audit.local>/checkpoints/``, where
  every other run records. The folder holds a ``.gitignore`` of ``*``, so ``git add -A`` never
  picks it up and nothing a developer runs can make a clone fail.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

ROLE_ENV = "GOVCTL_AUDIT_ROLE"
ROLES = ("local", "recorder")
LOCAL_DB = "local.duckdb"
LOCAL_CHECKPOINTS = "checkpoints"
Trail = Literal["authoritative", "local"]


class AuditSettingsLike(Protocol):
    """What the audit library reads from ``govctl.models.config.AuditSettings``."""

    @property
    def path(self) -> str: ...
    @property
    def checkpoints(self) -> str: ...
    @property
    def exports(self) -> str: ...
    @property
    def signingKey(self) -> str | None: ...
    @property
    def publicKey(self) -> str | None: ...
    @property
    def lockTimeoutSeconds(self) -> float: ...
    @property
    def origin(self) -> str | None: ...
    @property
    def role(self) -> str: ...
    @property
    def local(self) -> str: ...
    @property
    def branch(self) -> str | None: ...
    @property
    def rotations(self) -> str: ...


def _resolve(root: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else root / path


def effective_role(settings: AuditSettingsLike) -> str:
    """``$GOVCTL_AUDIT_ROLE`` (set by the release workflow) wins over ``audit.role``."""
    from govctl.errors import ConfigError

    role = os.environ.get(ROLE_ENV) or settings.role
    if role not in ROLES:
        raise ConfigError(f"${ROLE_ENV} is {role!r}; expected one of {', '.join(ROLES)}")
    return role


@dataclass(frozen=True)
class AuditPaths:
    root: Path
    trail: Trail
    db: Path
    checkpoints: Path
    exports: Path
    signing_key: Path | None
    public_key: Path | None
    lock_timeout: float
    origin: str | None
    branch: str | None
    rotations: Path

    def shown(self, path: Path) -> str:
        """``path`` as users know it: relative to the repository root when inside it."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    @property
    def db_shown(self) -> str:
        return self.shown(self.db)

    @property
    def authoritative(self) -> bool:
        return self.trail == "authoritative"


def audit_paths(
    settings: AuditSettingsLike,
    root: Path,
    *,
    signing_key_path: Path | None = None,
    trail: Trail = "authoritative",
) -> AuditPaths:
    root = root.resolve()
    signing = signing_key_path or (
        _resolve(root, settings.signingKey) if settings.signingKey else None
    )
    local = _resolve(root, settings.local)
    authoritative = trail == "authoritative"
    return AuditPaths(
        root=root,
        trail=trail,
        db=_resolve(root, settings.path) if authoritative else local / LOCAL_DB,
        checkpoints=(
            _resolve(root, settings.checkpoints) if authoritative else local / LOCAL_CHECKPOINTS
        ),
        exports=_resolve(root, settings.exports),
        signing_key=signing,
        public_key=_resolve(root, settings.publicKey) if settings.publicKey else None,
        lock_timeout=float(settings.lockTimeoutSeconds),
        # The local trail is a personal log: its own random origin, never the pinned one.
        origin=settings.origin if authoritative else None,
        branch=settings.branch,
        rotations=_resolve(root, settings.rotations),
    )


def writing_paths(
    settings: AuditSettingsLike, root: Path, *, signing_key_path: Path | None = None
) -> AuditPaths:
    """The trail this run extends: the authoritative one for a recorder, else the local one."""
    trail: Trail = "authoritative" if effective_role(settings) == "recorder" else "local"
    return audit_paths(settings, root, signing_key_path=signing_key_path, trail=trail)


def ensure_local_folder(paths: AuditPaths) -> None:
    """Create the local trail's folder with a ``.gitignore`` of ``*`` (as pytest's caches do)."""
    if paths.authoritative:
        return
    folder = paths.db.parent
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(
            "# govctl's personal audit trail of local runs: never committed\n*\n", "utf-8"
        )
