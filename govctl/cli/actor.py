"""Who acts: the one place the CLI reads the actor from the environment."""

from __future__ import annotations

import getpass
import os


def default_actor(explicit: str | None = None) -> str:
    """``--actor``, else ``$GOVCTL_ACTOR``, else ``$GITHUB_ACTOR``, else the login name."""
    if explicit:
        return explicit
    for name in ("GOVCTL_ACTOR", "GITHUB_ACTOR"):
        if os.environ.get(name):
            return os.environ[name]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
