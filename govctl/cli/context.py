"""Per-invocation CLI state: where the repository is and its configuration.

The CLI is the only layer that looks at the working directory and the environment; it hands
explicit paths and settings to ``govctl.api``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from govctl.config import CONFIG_FILENAME, find_root, load_config
from govctl.errors import ConfigError, UsageError
from govctl.fileio import NotReadable, resolve_inside
from govctl.models.config import Config


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
