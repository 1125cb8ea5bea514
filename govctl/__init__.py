"""govctl: governance and compliance control plane for generative-AI systems."""

from __future__ import annotations

from importlib import metadata

# The name govctl is published under on PyPI. The import package and the command stay `govctl`:
# the name `govctl` on PyPI belongs to an unrelated project.
DISTRIBUTION = "govctl-ai"


def _installed_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        # Imported from a source tree that was never installed (`pip install -e .` fixes it).
        return "0+unknown"


__version__ = _installed_version()
