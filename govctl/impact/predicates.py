"""Named change predicates, in the style of dbt's state selectors (``state:modified.body``).

Each predicate is a small pure function of one artifact's two sides (base ``old``, head ``new``,
either may be None) and their field diff; it returns the reasons it holds — human sentences
naming the values — or an empty list. The names are a contract (docs/ARCHITECTURE.md,
"input.change"): policies and ``govctl.yaml`` approvals match on them.

Definitions where docs/spec.md §2/§5 leaves room (docs/impact.md lists them for reviewers):
- ``guardrail.weakened``: a check removed (matched by ``type`` within input/output), a threshold
  raised or removed, an action moved to a weaker one (block > redact > escalate > retry > log; an
  unknown or missing action counts as weakest), ``onError`` set to ``allow``, or the whole policy
  removed. Topic lists, entities and timeouts are not part of the definition.
- ``residency.widened``: a region pattern or jurisdiction added to ``allowedRegions`` /
  ``allowedJurisdictions`` (or the list dropped), a data class or user jurisdiction removed (the
  rule then governs less data), ``waivable`` turned on, or the whole rule removed.
- ``eval.threshold_lowered``: direction-aware (``higher`` by default): a threshold lowered for
  higher-is-better metrics, raised for lower-is-better ones, removed, a metric removed, or its
  direction flipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from govctl.impact.diff import FieldChange, same
from govctl.registry import Artifact

ACTION_STRENGTH = ("block", "redact", "escalate", "retry", "log")  # strongest first
GUARDRAIL_SIDES = ("input", "output")
SHOWN_PATHS = 5


@dataclass(frozen=True)
class Delta:
    """One artifact on the base (``old``) and head (``new``) side, with its field changes."""

    identity: str
    kind: str
    old: Artifact | None
    new: Artifact | None
    fields: tuple[FieldChange, ...]

    @property
    def both(self) -> bool:
        return self.old is not None and self.new is not None

    def spec_value(self, side: Artifact | None, key: str) -> Any:
        return side.spec.get(key) if side is not None else None


Predicate = Callable[[Delta], list[str]]


def show(value: Any) -> str:
    """A value as a reviewer reads it: no JSON quoting, ``none`` for absent."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _paths(fields: Iterable[FieldChange], prefix: str) -> list[str]:
    starts = (prefix + ".", prefix + "[")
    return [f.path for f in fields if f.path == prefix or f.path.startswith(starts)]


def _listing(paths: list[str]) -> str:
    more = len(paths) - SHOWN_PATHS
    return ", ".join(paths[:SHOWN_PATHS]) + (f" and {more} more" if more > 0 else "")


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


# --- lifecycle ---------------------------------------------------------------------------------


def added(delta: Delta) -> list[str]:
    return [f"added in {delta.new.path}"] if delta.old is None and delta.new else []


def removed(delta: Delta) -> list[str]:
    return [f"removed from {delta.old.path}"] if delta.new is None and delta.old else []


def renamed(delta: Delta) -> list[str]:
    if delta.old is None or delta.new is None or delta.old.path == delta.new.path:
        return []
    return [f"moved from {delta.old.path} to {delta.new.path}"]


def modified_spec(delta: Delta) -> list[str]:
    paths = _paths(delta.fields, "spec")
    return [f"{len(paths)} spec field(s) changed: {_listing(paths)}"] if paths else []


def modified_metadata(delta: Delta) -> list[str]:
    paths = _paths(delta.fields, "metadata")
    return [f"{len(paths)} metadata field(s) changed: {_listing(paths)}"] if paths else []


# --- guardrails --------------------------------------------------------------------------------


def action_rank(action: Any) -> int:
    """0 for block … 4 for log; unknown or missing actions rank weakest (fail closed)."""
    return ACTION_STRENGTH.index(action) if action in ACTION_STRENGTH else len(ACTION_STRENGTH)


def _checks(spec: Mapping[str, Any], side: str) -> list[tuple[str, dict[str, Any]]]:
    items = spec.get(side)
    if not isinstance(items, list):
        return []
    return [(str(i.get("type")), i) for i in items if isinstance(i, dict)]


def _check_weakenings(side: str, kind: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    before, after = _number(old.get("threshold")), _number(new.get("threshold"))
    if before is not None and after is not None and after > before:
        out.append(f"{side} {kind} threshold raised from {show(before)} to {show(after)}")
    elif before is not None and after is None:
        out.append(f"{side} {kind} threshold removed (was {show(before)})")
    if action_rank(new.get("action")) > action_rank(old.get("action")):
        out.append(
            f"{side} {kind} action moved from {show(old.get('action'))} "
            f"to weaker {show(new.get('action'))}"
        )
    return out


def guardrail_weakenings(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """How the guardrail spec ``new`` is weaker than ``old`` (docs/spec.md §2); empty if not."""
    reasons: list[str] = []
    for side in GUARDRAIL_SIDES:
        remaining = _checks(new, side)
        for kind, check in _checks(old, side):
            match = next((i for i, (k, _) in enumerate(remaining) if k == kind), None)
            if match is None:
                reasons.append(f"{side} {kind} check removed (action {show(check.get('action'))})")
                continue
            reasons += _check_weakenings(side, kind, check, remaining.pop(match)[1])
    if new.get("onError") == "allow" and old.get("onError") != "allow":
        was = old.get("onError") or "block, the default"
        reasons.append(f"onError set to allow, failing open (was {was})")
    return reasons


def guardrail_weakened(delta: Delta) -> list[str]:
    if delta.old is None:
        return []
    if delta.new is None:
        return [f"guardrail policy {delta.old.name} removed with all its checks"]
    return guardrail_weakenings(delta.old.spec, delta.new.spec)


# --- residency ---------------------------------------------------------------------------------

_RESIDENCY_GAINS = ("allowedRegions", "allowedJurisdictions")
_RESIDENCY_LOSSES = (
    ("dataClasses", "that data is no longer governed by this rule"),
    ("userJurisdictions", "their users' data is no longer governed by this rule"),
)


def residency_widened(delta: Delta) -> list[str]:
    if delta.old is None:
        return []
    if delta.new is None:
        return [f"residency rule {delta.old.name} removed: its data is no longer restricted"]
    old, new = delta.old.spec, delta.new.spec
    reasons = []
    for key in _RESIDENCY_GAINS:
        if isinstance(old.get(key), list) and not isinstance(new.get(key), list):
            reasons.append(f"{key} removed (was {show(old.get(key))}): no restriction left")
            continue
        gained = [v for v in _strings(new.get(key)) if v not in _strings(old.get(key))]
        if gained:
            reasons.append(f"{key} gained {', '.join(gained)}")
    for key, why in _RESIDENCY_LOSSES:
        lost = [v for v in _strings(old.get(key)) if v not in _strings(new.get(key))]
        if lost:
            reasons.append(f"{key} no longer include {', '.join(lost)} ({why})")
    if new.get("waivable") is True and old.get("waivable") is not True:
        reasons.append("waivable turned on: its findings can now be waived")
    return reasons


# --- evaluation --------------------------------------------------------------------------------


def _metric_loosenings(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    direction = old.get("direction") or "higher"
    if (new.get("direction") or "higher") != direction:
        return [f"{name} direction changed from {direction} to {new.get('direction') or 'higher'}"]
    before, after = _number(old.get("threshold")), _number(new.get("threshold"))
    if before is not None and after is None:
        return [f"{name} threshold removed (was {show(before)})"]
    if before is None or after is None:
        return []
    if direction == "lower" and after > before:
        return [f"{name} threshold raised from {show(before)} to {show(after)} (lower is better)"]
    if direction != "lower" and after < before:
        return [f"{name} threshold lowered from {show(before)} to {show(after)}"]
    return []


def _metrics(spec: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Metrics by name (the first of a repeated name: duplicates are a schema matter)."""
    items = spec.get("metrics")
    out: dict[str, dict[str, Any]] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            out.setdefault(item["name"], item)
    return out


def eval_threshold_lowered(delta: Delta) -> list[str]:
    if delta.old is None or delta.new is None:
        return []
    old, new = _metrics(delta.old.spec), _metrics(delta.new.spec)
    reasons = []
    for name, metric in old.items():
        if name not in new:
            reasons.append(f"metric {name} removed (threshold was {show(metric.get('threshold'))})")
        else:
            reasons += _metric_loosenings(name, metric, new[name])
    return reasons


# --- prompts, models, deployments --------------------------------------------------------------


def prompt_released_version_mutated(delta: Delta) -> list[str]:
    if delta.old is None or delta.new is None:
        return []
    paths = _paths(delta.fields, "spec")
    if not paths:
        return []
    label = f"{delta.new.name}@{delta.new.version}"
    return [f"released version {label} changed {_listing(paths)}; publish a new version instead"]


def _spec_change(key: str, label: str, absent: str = "none") -> Predicate:
    def predicate(delta: Delta) -> list[str]:
        if not delta.both:
            return []
        before, after = delta.spec_value(delta.old, key), delta.spec_value(delta.new, key)
        if same(before, after) or (before is None and after is None):
            return []
        was = absent if before is None else show(before)
        now = absent if after is None else show(after)
        return [f"{label} changed from {was} to {now}"]

    predicate.__name__ = f"{key}_changed"
    return predicate


model_status_changed = _spec_change("status", "status")
deployment_prompt_changed = _spec_change("prompt", "prompt")
deployment_model_changed = _spec_change("model", "model", absent="the prompt's model")
deployment_fallbacks_changed = _spec_change("fallbacks", "fallbacks")
deployment_environment_changed = _spec_change("environment", "environment")
deployment_guardrails_changed = _spec_change("guardrails", "guardrails")


# name → (kinds it applies to; empty = every kind, predicate). Order is the reporting order.
PREDICATES: tuple[tuple[str, tuple[str, ...], Predicate], ...] = (
    ("added", (), added),
    ("removed", (), removed),
    ("renamed", (), renamed),
    ("modified.spec", (), modified_spec),
    ("modified.metadata", (), modified_metadata),
    ("guardrail.weakened", ("GuardrailPolicy",), guardrail_weakened),
    ("residency.widened", ("ResidencyRule",), residency_widened),
    ("eval.threshold_lowered", ("EvalSuite",), eval_threshold_lowered),
    ("prompt.released_version_mutated", ("Prompt",), prompt_released_version_mutated),
    ("model.status_changed", ("Model",), model_status_changed),
    ("deployment.prompt_changed", ("Deployment",), deployment_prompt_changed),
    ("deployment.model_changed", ("Deployment",), deployment_model_changed),
    ("deployment.fallbacks_changed", ("Deployment",), deployment_fallbacks_changed),
    ("deployment.environment_changed", ("Deployment",), deployment_environment_changed),
    ("deployment.guardrails_changed", ("Deployment",), deployment_guardrails_changed),
)


def evaluate(delta: Delta) -> dict[str, list[str]]:
    """Every predicate that holds for ``delta``, in reporting order, with its reasons."""
    out: dict[str, list[str]] = {}
    for name, kinds, predicate in PREDICATES:
        if kinds and delta.kind not in kinds:
            continue
        reasons = predicate(delta)
        if reasons:
            out[name] = reasons
    return out
