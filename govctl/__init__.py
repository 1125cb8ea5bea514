"""govctl: governance and compliance control plane for generative-AI systems."""

from __future__ import annotations

__version__ = "0.1.0"
