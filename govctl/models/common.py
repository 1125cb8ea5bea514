"""Shared pieces of the artifact models: the strict base class, patterns and the envelope metadata.

Every model is ``extra="forbid"``, ``frozen`` and ``strict`` so that the JSON Schemas generated from
them (``govctl schema export``) and the validation govctl performs agree: no silent coercion of
``"5"`` into ``5``, no unknown fields.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

NAME_PATTERN = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
# Semantic Versioning 2.0.0 (semver.org), anchored.
SEMVER_PATTERN = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
MODEL_VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"
DATE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
TIMESTAMP_PATTERN = (
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?"
    r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)
DIGEST_PATTERN = r"^sha256:[0-9a-f]{64}$"
# ISO 8601 duration, as used for refresh cadences (P1D, PT6H, P1W).
_DUR_DATE = r"(?:\d+Y(?:\d+M)?(?:\d+W)?(?:\d+D)?|\d+M(?:\d+W)?(?:\d+D)?|\d+W(?:\d+D)?|\d+D)"
_DUR_TIME = r"(?:T(?:\d+H(?:\d+M)?(?:\d+S)?|\d+M(?:\d+S)?|\d+S))"
DURATION_PATTERN = rf"^P(?:{_DUR_DATE}{_DUR_TIME}?|{_DUR_TIME})$"

Name = Annotated[str, Field(pattern=NAME_PATTERN, description="DNS-label style name")]
NonEmpty = Annotated[str, Field(min_length=1)]
Date = Annotated[str, Field(pattern=DATE_PATTERN, description="YYYY-MM-DD")]
Timestamp = Annotated[str, Field(pattern=TIMESTAMP_PATTERN, description="RFC 3339 timestamp")]
Digest = Annotated[str, Field(pattern=DIGEST_PATTERN, description="sha256:<64 hex>")]
Duration = Annotated[str, Field(pattern=DURATION_PATTERN, description="ISO 8601 duration")]
Reference = Annotated[
    str, Field(min_length=1, description="name@version for Prompt and Model, name otherwise")
]
NonNegative = Annotated[float, Field(ge=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]
PositiveInt = Annotated[int, Field(gt=0)]
Score = Annotated[float, Field(ge=0, le=1)]

API_VERSION = "govctl/v1"


# A word, with the digits that end it unless an acronym follows them (p95Latency, per 1M).
_WORD = re.compile(
    r"[A-Z]?[a-z]+(?:\d+(?![A-Z](?![a-z])))?|\d+[A-Z]*(?![a-z])|[A-Z]+\d*(?![a-z])|\d+"
)


def human_title(name: str) -> str:
    """``costPerRequestUSD`` → ``Cost per request USD``: JSON Schema titles an editor shows."""
    words = _WORD.findall(name) or [name]
    shown = [w if w.isupper() and len(w) > 1 else w.lower() for w in words]
    return " ".join(shown)[:1].upper() + " ".join(shown)[1:]


class Strict(BaseModel):
    # Field descriptions come from the attribute docstrings below each field; titles from names.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        use_attribute_docstrings=True,
        field_title_generator=lambda name, _info: human_title(name),
        model_title_generator=lambda model: human_title(model.__name__),
    )


class Metadata(Strict):
    name: Name
    """Name of the artifact: lower-case letters, digits and dashes (a DNS label)."""
    version: NonEmpty | None = None
    """Version: semver for a Prompt, the provider's snapshot string for a Model."""
    owner: NonEmpty
    """The team that owns the artifact; must be one of the teams in govctl.yaml."""
    description: str | None = None
    """What the artifact is, for people."""
    labels: dict[str, str] | None = None
    """Free key/value labels (e.g. cost-centre) that policies may read."""
    annotations: dict[str, str] | None = None
    """Free key/value notes that govctl carries but never interprets."""
