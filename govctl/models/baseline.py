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
    ref: str | None = None
    path: str = ""
    message: str | None = Field(default=None, description="the message when it was recorded")


class BaselineMetadata(Strict):
    name: NonEmpty
    owner: NonEmpty | None = None
    description: str | None = None


class BaselineSpec(Strict):
    approvedBy: NonEmpty
    justification: NonEmpty
    expires: Date
    ticket: str | None = None
    findings: list[BaselineEntry] = Field(default_factory=list)


class Baseline(Strict):
    apiVersion: Literal["govctl/v1"]
    kind: Literal["Baseline"]
    metadata: BaselineMetadata
    spec: BaselineSpec
