"""govctl: governance and compliance control plane for generative-AI systems."""

from __future__ import annotations

from functools import cache

# The name govctl is published under on PyPI. The import package and the command stay `govctl`:
# the name `govctl` on PyPI belongs to an unrelated project.
DISTRIBUTION = "govctl-ai"


@cache
def _installed_version() -> str:
    # importlib.metadata costs ~17 ms to import and scans the installed distributions: paid only
    # by runs that print or record the version, not by every start of the command.
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        # Imported from a source tree that was never installed (`pip install -e .` fixes it).
        return "0+unknown"


def __getattr__(name: str) -> str:
    """``govctl.__version__``, computed on first use (PEP 562)."""
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
