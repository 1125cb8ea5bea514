"""Where the audit store's files are, resolved once from ``AuditSettings`` and the repo root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


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


def _resolve(root: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else root / path


@dataclass(frozen=True)
class AuditPaths:
    root: Path
    db: Path
    checkpoints: Path
    exports: Path
    signing_key: Path | None
    public_key: Path | None
    lock_timeout: float
    origin: str | None

    def shown(self, path: Path) -> str:
        """``path`` as users know it: relative to the repository root when inside it."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    @property
    def db_shown(self) -> str:
        return self.shown(self.db)


def audit_paths(
    settings: AuditSettingsLike, root: Path, *, signing_key_path: Path | None = None
) -> AuditPaths:
    root = root.resolve()
    signing = signing_key_path or (
        _resolve(root, settings.signingKey) if settings.signingKey else None
    )
    return AuditPaths(
        root=root,
        db=_resolve(root, settings.path),
        checkpoints=_resolve(root, settings.checkpoints),
        exports=_resolve(root, settings.exports),
        signing_key=signing,
        public_key=_resolve(root, settings.publicKey) if settings.publicKey else None,
        lock_timeout=float(settings.lockTimeoutSeconds),
        origin=settings.origin,
    )
