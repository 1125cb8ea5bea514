"""The Baseline file (kind: Baseline): findings accepted when a repository adopts govctl.

``govctl baseline create`` writes it; it is committed and reviewed like a waiver (approver,
justification, expiry). Each entry names one finding by fingerprint; rule, ref and path are
kept for the reviewer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from govctl.models.common import Date, NonEmpty, Strict


class BaselineEntry(Strict):
    fingerprint: NonEmpty = Field(description="the finding's fingerprint (see check --format json)")
    rule: NonEmpty
    """The rule id of the accepted finding (kept for the reviewer)."""
    ref: str | None = None
    """The identity the finding is about (kept for the reviewer)."""
    path: str = ""
    """The field path of the finding (kept for the reviewer)."""
    message: str | None = Field(default=None, description="the message when it was recorded")


class BaselineMetadata(Strict):
    name: NonEmpty
    """The baseline's name."""
    owner: NonEmpty | None = None
    """The team that owns the baseline (a team listed in govctl.yaml)."""
    description: str | None = None
    """What the baseline accepts, and why, in a sentence or two."""


class BaselineSpec(Strict):
    approvedBy: NonEmpty
    """Who approved accepting these findings (a person or a role, not the owning team)."""
    justification: NonEmpty
    """Why the findings are accepted for now, and the plan to resolve them."""
    expires: Date
    """The last day the baseline applies (within waivers.maxDays of today)."""
    ticket: str | None = None
    """The change or risk ticket that tracks the remediation."""
    findings: list[BaselineEntry] = Field(default_factory=list)
    """The accepted findings, one entry per fingerprint."""


class Baseline(Strict):
    apiVersion: Literal["govctl/v1"]
    """Always govctl/v1."""
    kind: Literal["Baseline"]
    """Always Baseline."""
    metadata: BaselineMetadata
    """Name, owner and description of the baseline."""
    spec: BaselineSpec
    """The approval, its expiry and the accepted findings."""
