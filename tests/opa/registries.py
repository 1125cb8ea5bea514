"""Hypothesis strategies for random *valid* registries, derived from the pydantic models.

``model_strategy`` walks a model's fields and builds values from their types and constraints
(Literal choices, numeric bounds, patterns, min lengths, nested models, optional fields present or
absent). Cross-references (prompt → model, deployment → prompt, guardrails, suites; runs, waivers)
and a few vocabularies (environments, regions, data classes, metric names) are overridden so that
references usually resolve and rules have something to decide. Strings draw on characters the
embedded engine is known to hold escaped (quotes, backslashes, newlines, non-ASCII), and numbers
mix integers and decimals: that is where the engines could differ.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import annotated_types as at
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from govctl.canonical import digest_bytes, digest_json
from govctl.models.common import DATE_PATTERN, TIMESTAMP_PATTERN
from govctl.models.kinds import ARTIFACT_MODELS

OMIT = object()  # an optional field left out
TEAMS = ["team-a", "ml-platform", "compliance", "security"]
ENVIRONMENTS = ["dev", "staging", "prod"]
JURISDICTIONS = ["EU", "US", "KZ"]
REGIONS = ["westeurope", "eastus", "eu-central-1", "kz-almaty-1"]
REGION_PATTERNS = [*REGIONS, "eu-*", "*", "west*"]
DATA_CLASSES = ["pii", "financial", "phi", "confidential", "public", "internal"]
METRICS = ["factual_accuracy", "p95_latency_ms", "safety"]
VARIABLES = ["question", "policy_excerpt", "name"]
RULES = ["GOV-EVL-002", "GOV-EVL-003", "GOV-RES-001", "GOV-GRD-006", "GOV-XXX-999"]
NOW = "2026-11-22T00:00:00+00:00"
_TODAY = date(2026, 11, 22)

# Text the embedded engine is known to hold escaped, next to plain text.
TRICKY = st.sampled_from(['"', "\\", "\n", "é", "ü", "🙂", "'", "%", "{", "}", "\t"])
TEXT = st.lists(
    st.one_of(st.text(alphabet="abcxyz -_.:/", min_size=1, max_size=6), TRICKY), max_size=5
).map("".join)
DECIMAL = st.one_of(
    st.integers(0, 3000),
    st.integers(0, 300000).map(lambda n: n / 100),
    st.sampled_from([0.1, 0.2, 0.3, 0.7, 0.95, 1e-7, 12345.678]),
)
DATE = st.dates(_TODAY - timedelta(days=400), _TODAY + timedelta(days=400)).map(date.isoformat)
TIMESTAMP = st.builds(
    lambda day, secs, frac, offset: (
        datetime.combine(day, datetime.min.time(), UTC) + timedelta(seconds=secs)
    ).strftime("%Y-%m-%dT%H:%M:%S") + frac + offset,
    st.dates(_TODAY - timedelta(days=90), _TODAY),
    st.integers(0, 86399),
    st.sampled_from(["", ".5", ".123456"]),
    st.sampled_from(["Z", "+00:00", "+05:00", "-03:30"]),
)


def _constraints(meta: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in meta:
        if isinstance(item, FieldInfo):
            out.update(_constraints(list(item.metadata)))
        elif isinstance(item, at.Ge):
            out["ge"] = item.ge
        elif isinstance(item, at.Gt):
            out["gt"] = item.gt
        elif isinstance(item, at.Le):
            out["le"] = item.le
        elif isinstance(item, at.MinLen):
            out["min_length"] = item.min_length
        elif getattr(item, "pattern", None):
            out["pattern"] = item.pattern
    return out


def _number(tp: type, c: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    low = c.get("ge", c["gt"] + (1 if tp is int else 0.01) if "gt" in c else 0)
    high = c.get("le", 300000)
    if tp is int:
        return st.integers(int(low), int(high))
    if high - low <= 10:  # scores, temperatures: short decimals inside the bounds
        return st.one_of(st.sampled_from([low, high]),
                         st.integers(0, 100).map(lambda n: round(low + (high - low) * n / 100, 4)))
    return DECIMAL.filter(lambda x: low <= x <= high)


def _string(c: Mapping[str, Any]) -> st.SearchStrategy[str]:
    pattern = c.get("pattern")
    if pattern == DATE_PATTERN:
        return DATE
    if pattern == TIMESTAMP_PATTERN:
        return TIMESTAMP
    if pattern:
        return st.from_regex(pattern, fullmatch=True).filter(lambda s: len(s) <= 40)
    if c.get("min_length"):
        return TEXT.filter(lambda s: len(s) >= c["min_length"])
    return TEXT


def type_strategy(tp: Any, c: Mapping[str, Any], overrides: Mapping[str, Any],
                  path: str) -> st.SearchStrategy[Any]:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        return type_strategy(args[0], {**c, **_constraints(list(args[1:]))}, overrides, path)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return st.one_of(*(type_strategy(a, c, overrides, path) for a in options))
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin is list:
        return st.lists(type_strategy(args[0], {}, overrides, path + "[]"),
                        min_size=c.get("min_length", 0), max_size=3)
    if origin is dict:
        if args[1] is Any:
            return st.just({"type": "object", "properties": {"answer": {"type": "string"}}})
        return st.dictionaries(st.sampled_from(VARIABLES + METRICS),
                               type_strategy(args[1], {}, overrides, path + "{}"), max_size=2)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return model_strategy(tp, overrides, path)
    if tp is bool:
        return st.booleans()
    if tp in (int, float):
        return _number(tp, c)
    if tp is str:
        return _string(c)
    raise TypeError(f"no strategy for {tp!r} at {path}")


def model_strategy(model: type[BaseModel], overrides: Mapping[str, Any],
                   path: str = "") -> st.SearchStrategy[dict[str, Any]]:
    """A dict valid for ``model``; ``overrides`` maps dotted field paths to strategies."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        here = f"{path}.{name}" if path else name
        if here in overrides:
            strategy = overrides[here]
        else:
            strategy = type_strategy(info.annotation, _constraints(list(info.metadata)),
                                     overrides, here)
            if not info.is_required():
                strategy = st.one_of(st.just(OMIT), strategy)
        fields[name] = strategy
    return st.fixed_dictionaries(fields).map(
        lambda d: {k: v for k, v in d.items() if v is not OMIT}
    )


@dataclass(frozen=True)
class Names:
    models: list[str]  # name@version
    prompts: list[str]
    guardrails: list[str]
    suites: list[str]


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(OMIT), strategy)


def _refs(pool: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from([*pool, "ghost@1.0.0"]) if pool else st.just("ghost@1.0.0")


def _envelope(kind: str, spec: st.SearchStrategy[Any], name: str, version: str | None,
              metadata_overrides: Mapping[str, Any] | None = None) -> st.SearchStrategy[Any]:
    model = ARTIFACT_MODELS[kind]
    overrides: dict[str, Any] = {
        "apiVersion": st.just("govctl/v1"),
        "spec": spec,
        "metadata.name": st.just(name),
        "metadata.owner": st.sampled_from([*TEAMS, TEAMS[0], "ghost-team"]),
        "metadata.version": st.just(version) if version is not None else st.just(OMIT),
        "metadata.labels": _opt(st.dictionaries(st.sampled_from(["tier", "app"]), TEXT, max_size=2)),
        "metadata.annotations": st.just(OMIT),
        **(metadata_overrides or {}),
    }
    return model_strategy(model, overrides)


def _spec(kind: str, overrides: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    model = ARTIFACT_MODELS[kind].model_fields["spec"].annotation
    return model_strategy(model, {f"spec.{k}": v for k, v in overrides.items()}, "spec")


def _content(variables: list[str]) -> st.SearchStrategy[str]:
    pieces = st.one_of(TEXT, st.sampled_from([f"{{{{{v}}}}}" for v in variables]),
                       st.just("sk-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4"))
    return st.lists(pieces, min_size=1, max_size=4).map("".join)


@st.composite
def registries(draw: st.DrawFn) -> dict[str, Any]:
    """{relative path: JSON text or bytes} of a small repository (plus govctl.yaml)."""
    files: dict[str, Any] = {}
    n_models = draw(st.integers(1, 3))
    models = [f"m{i}@2025-0{i + 1}-01" for i in range(n_models)]
    suites = [f"s{i}" for i in range(draw(st.integers(0, 2)))]
    guardrails = [f"g{i}" for i in range(draw(st.integers(0, 2)))]
    prompts = [f"p{i}@1.{i}.0" for i in range(draw(st.integers(1, 2)))]
    regions = st.lists(st.sampled_from(REGIONS), min_size=1, max_size=2, unique=True)
    juris = st.lists(st.sampled_from(JURISDICTIONS), min_size=1, max_size=2, unique=True)
    classes = st.lists(st.sampled_from(DATA_CLASSES), min_size=1, max_size=3, unique=True)
    docs: list[tuple[str, dict[str, Any]]] = []
    for ref in models:
        name, version = ref.split("@")
        spec = _spec("Model", {"hosting.regions": regions, "hosting.jurisdictions": juris})
        docs.append((f"registry/models/{name}.yaml", draw(_envelope("Model", spec, name, version))))
    for name in suites:
        spec = _spec("EvalSuite", {
            "dataset": st.just(f"datasets/{name}.jsonl"),
            "tags": st.lists(st.sampled_from(["edge_case", "adversarial", "regression"]),
                             max_size=3, unique=True),
            "metrics[].name": st.sampled_from(METRICS),
        })
        docs.append((f"registry/evals/{name}.yaml", draw(_envelope("EvalSuite", spec, name, None))))
        if draw(st.integers(0, 9)):  # now and then the dataset file is missing
            cases = draw(st.sampled_from([0, 3, 199, 200, 230]))
            tags = draw(st.lists(st.sampled_from(["edge_case", "adversarial"]), max_size=2))
            lines = [json.dumps({"id": i, "tags": tags if i % 2 else []}) for i in range(cases)]
            files[f"registry/evals/datasets/{name}.jsonl"] = "\n".join(lines) + "\n"
    for name in guardrails:
        spec = _spec("GuardrailPolicy", {})
        docs.append((f"registry/guardrails/{name}.yaml",
                     draw(_envelope("GuardrailPolicy", spec, name, None))))
    for i in range(draw(st.integers(0, 2))):
        spec = _spec("ResidencyRule", {
            "dataClasses": classes, "userJurisdictions": juris, "allowedJurisdictions": juris,
            "allowedRegions": st.lists(st.sampled_from(REGION_PATTERNS), min_size=1, max_size=2),
        })
        docs.append((f"registry/residency/r{i}.yaml",
                     draw(_envelope("ResidencyRule", spec, f"r{i}", None))))
    for ref in prompts:
        name, version = ref.split("@")
        spec = _spec("Prompt", {
            "templateFile": st.just(OMIT),
            "messages": st.lists(st.fixed_dictionaries({
                "role": st.sampled_from(["system", "user", "assistant"]),
                "content": _content(VARIABLES)}), min_size=1, max_size=3),
            "variables[].name": st.sampled_from(VARIABLES),
            "model": _opt(_refs(models)),
            "evalSuite": _opt(st.sampled_from([*suites, "ghost"])),
        })
        docs.append((f"prompts/{name}/{version}.yaml",
                     draw(_envelope("Prompt", spec, name, version))))
    digests = {f"Prompt/{doc['metadata']['name']}@{doc['metadata']['version']}": digest_json(doc)
               for _, doc in docs if doc["kind"] == "Prompt"}
    for i in range(draw(st.integers(0, 2))):
        prompt = draw(_refs(prompts))
        data = files.get(f"registry/evals/datasets/{suites[0]}.jsonl") if suites else None
        spec = _spec("EvalRun", {
            "suite": st.sampled_from([*suites, "ghost"]),
            "prompt": st.just(prompt), "model": _refs(models),
            "promptDigest": st.sampled_from([digests.get(f"Prompt/{prompt}", "sha256:" + "0" * 64),
                                             "sha256:" + "1" * 64]),
            "datasetDigest": st.just(digest_bytes(data.encode()) if data else "sha256:" + "2" * 64),
            "results": st.dictionaries(st.sampled_from(METRICS), DECIMAL, max_size=3),
        })
        docs.append((f"registry/evals/runs/run{i}.yaml",
                     draw(_envelope("EvalRun", spec, f"run{i}", None))))
    deployments = [f"d{i}" for i in range(draw(st.integers(1, 3)))]
    for name in deployments:
        spec = _spec("Deployment", {
            "environment": st.sampled_from(ENVIRONMENTS),
            "servedRegions": st.lists(st.sampled_from(REGIONS), max_size=2),
            "userJurisdictions": juris, "dataClasses": classes,
            "prompt": _refs(prompts), "model": _opt(_refs(models)),
            "fallbacks": st.lists(_refs(models), max_size=2),
            "guardrails": _opt(st.sampled_from([*guardrails, "ghost"])),
            "evalSuite": _opt(st.sampled_from([*suites, "ghost"])),
            "rollout.rollbackTo": _opt(_refs(prompts)),
            "retrieval.region": st.sampled_from(REGIONS),
            "retrieval.jurisdiction": _opt(st.sampled_from(JURISDICTIONS)),
            "logging.region": _opt(st.sampled_from(REGIONS)),
            "logging.jurisdiction": _opt(st.sampled_from(JURISDICTIONS)),
        })
        docs.append((f"registry/deployments/{name}.yaml",
                     draw(_envelope("Deployment", spec, name, None))))
    targets = [f"Deployment/{d}" for d in deployments] + ["Deployment/ghost"]
    for i in range(draw(st.integers(0, 1))):
        spec = _spec("Waiver", {"rule": st.sampled_from(RULES),
                                "target": st.sampled_from(targets)})
        docs.append((f"registry/waivers/w{i}.yaml",
                     draw(_envelope("Waiver", spec, f"w{i}", None))))
    for path, doc in docs:
        files[path] = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    return files


CONFIG = """\
apiVersion: govctl/v1
kind: Config
teams: [team-a, ml-platform, compliance, security]
environments: [dev, staging, prod]
roots: [registry, prompts]
policy: {paths: []}
cache: {enabled: false}
"""


def write_registry(root: Path, files: Mapping[str, Any]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "govctl.yaml").write_text(CONFIG, encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
