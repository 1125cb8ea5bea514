"""Pydantic models for govctl's YAML files: artifacts (docs/spec.md §2) and govctl.yaml."""

from __future__ import annotations

from govctl.models.config import Config
from govctl.models.kinds import ARTIFACT_MODELS, KINDS, VERSIONED_KINDS

__all__ = ["ARTIFACT_MODELS", "KINDS", "VERSIONED_KINDS", "Config"]
