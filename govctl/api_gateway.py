"""Library API of ``govctl gateway render | diff``: the runtime gateway governed by the registry
(docs/gateway.md). ``govctl.gateway.report`` renders the results."""

from __future__ import annotations

from govctl.gateway.service import (
    TARGETS,
    DiffResult,
    GatewayOptions,
    RenderResult,
    diff,
    read_deployed,
    render,
)

__all__ = [
    "TARGETS",
    "DiffResult",
    "GatewayOptions",
    "RenderResult",
    "diff",
    "read_deployed",
    "render",
]
