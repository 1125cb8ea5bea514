"""Audit events: the draft a caller hands in, and the exact payload text that is hashed.

Canonical serialisation: the payload is the RFC 8785 (JCS) canonical JSON of the event object
(``govctl.canonical.canonical_json``, UTF-8), stored byte-for-byte as the ``payload`` column and
hashed as is. Nobody re-serialises it: verifiers hash the stored text.

Numbers: payloads carry no floats. Every float is *converted* to a string with Python's shortest
round-trip ``repr`` (``0.93`` -> ``"0.93"``, ``1.0`` -> ``"1.0"``, NaN -> ``"nan"``), and so is
every integer outside the exact JSON range ±(2**53 - 1); the text is what the caller had, and no
canonicaliser can reformat it. Values other than mappings with string keys, lists, tuples,
strings, integers, booleans, None and floats are rejected (``UsageError``).

Event object (keys always present, ``null`` when unknown)::

    {"type": "check|impact|release|waiver|checkpoint|verify|gateway",
     "time": "2026-11-22T10:00:00.123456Z",        # when the event was recorded (UTC)
     "run": "<32 hex>",                           # events appended in one run share it
     "actor": "...",
     "git": {"commit": "...", "ref": "..."},
     "registryDigest": "sha256:...", "policyDigest": "sha256:...",
     "engine": {"name": "...", "version": "..."},
     "govctl": "<version>", "now": "<input.now>",
     "decision": {...} | null, "findings": [...],
     "artifacts": ["Kind/name[@version]", ...],    # sorted; finding refs are added
     "details": {...} | null}                     # type-specific (release, waiver, verify ...)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, TypedDict, get_args

from govctl import __version__
from govctl.canonical import canonical_json
from govctl.errors import UsageError

EventType = Literal["check", "impact", "release", "waiver", "checkpoint", "verify", "gateway"]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
MAX_SAFE_INT = 2**53 - 1


@dataclass(frozen=True)
class EventDraft:
    """One event as the caller knows it; ``record_events`` adds time, run, version and chain."""

    type: EventType
    actor: str
    commit: str | None = None
    ref: str | None = None
    registry_digest: str | None = None
    policy_digest: str | None = None
    engine_name: str | None = None
    engine_version: str | None = None
    now: str | None = None
    decision: Mapping[str, Any] | None = None
    findings: Sequence[Mapping[str, Any]] = ()
    artifacts: Sequence[str] = ()
    details: Mapping[str, Any] | None = field(default=None)


class GitFields(TypedDict):
    commit: str | None
    ref: str | None


class EngineFields(TypedDict):
    name: str | None
    version: str | None


class EventPayload(TypedDict):
    type: str
    time: str
    run: str
    actor: str
    git: GitFields
    registryDigest: str | None
    policyDigest: str | None
    engine: EngineFields
    govctl: str
    now: str | None
    decision: Any
    findings: list[Any]
    artifacts: list[str]
    details: Any


def format_time(moment: datetime) -> str:
    """Fixed-width RFC 3339 UTC with microseconds: sorts as text in time order."""
    if moment.tzinfo is None:
        raise UsageError("audit times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def json_safe(value: Any, where: str = "event") -> Any:
    """``value`` with floats and unsafe integers turned into strings (see module docstring)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if -MAX_SAFE_INT <= value <= MAX_SAFE_INT else str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise UsageError(f"audit {where}: key {key!r} is not a string")
            out[key] = json_safe(item, f"{where}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [json_safe(item, f"{where}[{i}]") for i, item in enumerate(value)]
    raise UsageError(f"audit {where}: cannot record a value of type {type(value).__name__}")


def _artifacts(draft: EventDraft) -> list[str]:
    found = {a for a in draft.artifacts if isinstance(a, str)}
    for finding in draft.findings:
        ref = finding.get("ref") if isinstance(finding, Mapping) else None
        if isinstance(ref, str) and ref:
            found.add(ref)
    return sorted(found)


def build_payload(draft: EventDraft, *, time: str, run: str) -> EventPayload:
    if draft.type not in EVENT_TYPES:
        raise UsageError(f"audit event type {draft.type!r} is not one of {', '.join(EVENT_TYPES)}")
    if not draft.actor:
        raise UsageError("audit event: actor is required")
    payload: EventPayload = {
        "type": draft.type,
        "time": time,
        "run": run,
        "actor": draft.actor,
        "git": {"commit": draft.commit, "ref": draft.ref},
        "registryDigest": draft.registry_digest,
        "policyDigest": draft.policy_digest,
        "engine": {"name": draft.engine_name, "version": draft.engine_version},
        "govctl": __version__,
        "now": draft.now,
        "decision": json_safe(draft.decision, "decision"),
        "findings": json_safe(list(draft.findings), "findings"),
        "artifacts": _artifacts(draft),
        "details": json_safe(draft.details, "details"),
    }
    return payload


def payload_text(payload: EventPayload | Mapping[str, Any]) -> str:
    """The exact stored and hashed text: RFC 8785 canonical JSON, decoded from UTF-8."""
    try:
        return canonical_json(payload).decode("utf-8")
    except UnicodeError as exc:
        raise UsageError(f"audit event: text is not valid Unicode ({exc})") from None
