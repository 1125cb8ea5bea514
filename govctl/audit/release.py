"""Release events (``govctl audit record-release``, run post-merge) and waiver activity.

A release event records what went live with a merge: the commit, PR, author and approvers, the
registry digest, and per deployment its digest and the digests of everything it runs (prompt,
model, fallbacks, guardrails, eval suite). It also records every waiver in force; the waivers
added, changed or removed since the previous release become ``waiver`` events in the same run.

Details of a release event::

    {"pr": "123" | null, "author": "...", "approvers": ["..."],
     "deployments": {"Deployment/x": {"digest": "sha256:...", "environment": "prod",
                                      "live": [{"role": "prompt", "ref": "Prompt/a@1.0.0",
                                                "digest": "sha256:..." | null}, ...]}},
     "waivers": {"Waiver/w": {"digest", "rule", "target", "approvedBy", "expires"}}}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from govctl.audit.payload import EventDraft


class ArtifactLike(Protocol):
    @property
    def identity(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def digest(self) -> str: ...
    @property
    def doc(self) -> Mapping[str, Any]: ...


class RegistryLike(Protocol):
    @property
    def digest(self) -> str: ...
    @property
    def artifacts(self) -> Mapping[str, ArtifactLike]: ...


@dataclass(frozen=True)
class ReleaseInfo:
    actor: str
    commit: str
    ref: str | None
    pr: str | None
    author: str
    approvers: tuple[str, ...]
    policy_digest: str | None = None


# (role, field in Deployment.spec, kind it names)
_LIVE_FIELDS = (
    ("prompt", "prompt", "Prompt"),
    ("model", "model", "Model"),
    ("guardrails", "guardrails", "GuardrailPolicy"),
    ("evalSuite", "evalSuite", "EvalSuite"),
)


def _spec(artifact: ArtifactLike | None) -> Mapping[str, Any]:
    spec = artifact.doc.get("spec") if artifact is not None else None
    return spec if isinstance(spec, Mapping) else {}


def _live_entry(role: str, kind: str, ref: Any, artifacts: Mapping[str, ArtifactLike]) -> Any:
    identity = f"{kind}/{ref}"
    found = artifacts.get(identity)
    return {"role": role, "ref": identity, "digest": found.digest if found else None}


def live_for(deployment: ArtifactLike, artifacts: Mapping[str, ArtifactLike]) -> list[Any]:
    spec = _spec(deployment)
    live = []
    for role, key, kind in _LIVE_FIELDS:
        ref = spec.get(key)
        if ref is None and role == "model":
            # No override: the prompt's own binding is what runs.
            ref = _spec(artifacts.get(f"Prompt/{spec.get('prompt')}")).get("model")
        if isinstance(ref, str) and ref:
            live.append(_live_entry(role, kind, ref, artifacts))
    fallbacks = spec.get("fallbacks")
    for ref in fallbacks if isinstance(fallbacks, list) else []:
        if isinstance(ref, str):
            live.append(_live_entry("fallback", "Model", ref, artifacts))
    return live


def deployments_live(registry: RegistryLike) -> dict[str, Any]:
    artifacts = registry.artifacts
    out: dict[str, Any] = {}
    for identity in sorted(artifacts):
        artifact = artifacts[identity]
        if artifact.kind != "Deployment":
            continue
        out[identity] = {
            "digest": artifact.digest,
            "environment": _spec(artifact).get("environment"),
            "live": live_for(artifact, artifacts),
        }
    return out


def waivers_in_force(registry: RegistryLike) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for identity in sorted(registry.artifacts):
        artifact = registry.artifacts[identity]
        if artifact.kind != "Waiver":
            continue
        spec = _spec(artifact)
        out[identity] = {
            "digest": artifact.digest,
            "rule": spec.get("rule"),
            "target": spec.get("target"),
            "approvedBy": spec.get("approvedBy"),
            "expires": spec.get("expires"),
        }
    return out


def _waiver_events(
    info: ReleaseInfo,
    registry: RegistryLike,
    now: Mapping[str, Any],
    before: Mapping[str, Any],
) -> list[EventDraft]:
    drafts = []
    for identity in sorted(set(now) | set(before)):
        old, new = before.get(identity), now.get(identity)
        if old is not None and new is not None and old.get("digest") == new.get("digest"):
            continue
        action = "added" if old is None else "removed" if new is None else "modified"
        current = new if new is not None else old
        target = current.get("target") if isinstance(current, Mapping) else None
        drafts.append(
            EventDraft(
                type="waiver",
                actor=info.actor,
                commit=info.commit,
                ref=info.ref,
                registry_digest=registry.digest,
                policy_digest=info.policy_digest,
                decision={"action": action},
                artifacts=[identity] + ([target] if isinstance(target, str) else []),
                details={
                    "waiver": identity,
                    "action": action,
                    "before": old,
                    "after": new,
                    "pr": info.pr,
                    "author": info.author,
                    "approvers": list(info.approvers),
                },
            )
        )
    return drafts


def release_events(
    info: ReleaseInfo, registry: RegistryLike, previous_waivers: Mapping[str, Any]
) -> Sequence[EventDraft]:
    """The release event plus one waiver event per waiver added, changed or removed."""
    deployments = deployments_live(registry)
    waivers = waivers_in_force(registry)
    artifacts = set(deployments)
    for entry in deployments.values():
        artifacts.update(item["ref"] for item in entry["live"])
    release = EventDraft(
        type="release",
        actor=info.actor,
        commit=info.commit,
        ref=info.ref,
        registry_digest=registry.digest,
        policy_digest=info.policy_digest,
        decision={"approved": bool(info.approvers)},
        artifacts=sorted(artifacts),
        details={
            "pr": info.pr,
            "author": info.author,
            "approvers": list(info.approvers),
            "deployments": deployments,
            "waivers": waivers,
        },
    )
    return [release, *_waiver_events(info, registry, waivers, previous_waivers)]
