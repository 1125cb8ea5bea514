"""Per-invocation CLI state: where the repository is, its configuration, and the environment.

The CLI is the only layer that looks at the working directory and the environment, and this is
the only module of it that reads ``os.environ``: ``Environment.from_process`` takes one snapshot
at start-up; commands read settings from it and hand explicit values to ``govctl.api``.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from govctl.config import CONFIG_FILENAME, find_root, load_config
from govctl.errors import ConfigError, UsageError
from govctl.fileio import NotReadable, resolve_inside
from govctl.models.config import Config


@dataclass(frozen=True)
class Environment:
    """The environment variables the CLI honours, read once (``variables`` is a frozen copy)."""

    variables: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_process(cls) -> Environment:
        return cls(MappingProxyType(dict(os.environ)))

    def get(self, name: str) -> str | None:
        return self.variables.get(name) or None

    def actor(self, explicit: str | None = None) -> str:
        """``--actor``, else ``$GOVCTL_ACTOR``, else ``$GITHUB_ACTOR``, else the login name."""
        if explicit:
            return explicit
        for name in ("GOVCTL_ACTOR", "GITHUB_ACTOR"):
            value = self.get(name)
            if value:
                return value
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unknown"

    @property
    def signing_key(self) -> Path | None:
        """``$GOVCTL_AUDIT_SIGNING_KEY``: a key file (CI secret) overriding audit.signingKey."""
        value = self.get("GOVCTL_AUDIT_SIGNING_KEY")
        return Path(value).expanduser() if value else None

    @property
    def debug(self) -> bool:
        """``$GOVCTL_DEBUG``: print the traceback of an internal error."""
        return bool(self.get("GOVCTL_DEBUG"))


def resolved(path: Path, option: str) -> Path:
    """A path the user gave, resolved; a symlink loop is a usage error, not a traceback."""
    try:
        return resolve_inside(path)
    except NotReadable as exc:
        raise UsageError(f"{option} {path}: {exc.message}") from None


@dataclass
class CliContext:
    root_option: Path | None
    config_option: Path | None
    env: Environment = field(default_factory=Environment)
    _config: Config | None = field(default=None, init=False)

    def root(self) -> Path:
        if self.root_option is not None:
            return resolved(self.root_option, "-C")
        if self.config_option is not None:
            return resolved(self.config_option, "--config").parent
        found = find_root(Path.cwd())
        if found is None:
            raise ConfigError(
                f"no {CONFIG_FILENAME} here or in any parent folder "
                "(pass -C DIR, or run `govctl init`)"
            )
        return found

    def config_path(self) -> Path:
        if self.config_option is not None:
            return resolved(self.config_option, "--config")
        return self.root() / CONFIG_FILENAME

    def config(self) -> Config:
        if self._config is None:
            path = self.config_path()
            try:
                shown = str(path.relative_to(self.root()))
            except ValueError:
                shown = str(path)
            self._config = load_config(path, shown)
        return self._config
