"""The fastjsonschema pre-check never accepts a document jsonschema rejects.

validate_document trusts fastjsonschema's acceptance and skips jsonschema, so the one failure
that matters is fastjsonschema saying yes where jsonschema says no. Seeds are every artifact in
the reference registry and the rule fixtures; hypothesis mutates them (wrong types, floats for
integers, bools for numbers, trailing newlines against patterns, unknown and missing fields).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govctl.loader.documents import process_file
from govctl.loader.validate import fast_accepts, validate_document, validator_for
from govctl.loader.yamlparse import YamlLimits

ROOT = Path(__file__).resolve().parents[2]


def _seeds() -> list[tuple[str, dict[str, Any]]]:
    files = [
        *ROOT.joinpath("registry").rglob("*.yaml"),
        *ROOT.joinpath("tests/fixtures").rglob("*.yaml"),
    ]
    out = []
    for file in sorted(files):
        for document in process_file(file.read_bytes(), YamlLimits()).documents:
            out.append((document.kind, document.doc))
    return out


SEEDS = _seeds()
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, 1, -1, 2, 100, 10**6, 2**63, 1.0, 0.5, -0.0, 1e300, 0.3, 1.5]),
    st.integers(),
    st.floats(allow_nan=False),
    st.sampled_from(["", " ", "x", "x\n", "prod", "dev", "eu-west-1", "1.2.3", "1.2.3\n", "ü"]),
    st.sampled_from(["2026-01-01", "2026-01-01T00:00:00+00:00", "sha256:" + "a" * 64, "team-a"]),
    st.text(max_size=8),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
MUTATION = st.tuples(
    st.integers(min_value=0),
    st.sampled_from(["tweak", "tweak", "tweak", "set", "drop", "add", "wrap"]),
    VALUES,
)


def _tweaked(value: Any, pick: int) -> Any:
    """A near miss of the same shape: what a person editing YAML gets wrong."""
    if isinstance(value, bool):
        return [int(value), str(value).lower(), None, not value][pick % 4]
    if isinstance(value, int):
        return [float(value), value + 0.5, -value, value * 1000, True, str(value), 0][pick % 7]
    if isinstance(value, float):
        return [int(value), -value, 0, value * 1e6, str(value)][pick % 5]
    if isinstance(value, str):
        options = [
            value + "\n",
            "",
            value.upper(),
            " " + value,
            value + "-x",
            value[:1],
            "ü" + value,
        ]
        return options[pick % len(options)]
    if isinstance(value, list):
        return [[], value * 2, value[:1], [None]][pick % 4]
    if isinstance(value, dict):
        return [{}, {k: v for k, v in list(value.items())[1:]}][pick % 2]
    return value


def _slots(value: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key) in a document, depth first."""
    if isinstance(value, dict):
        for key in list(value):
            out.append((value, key))
            _slots(value[key], out)
    elif isinstance(value, list):
        for index in range(len(value)):
            out.append((value, index))
            _slots(value[index], out)
    return out


def _mutate(doc: dict[str, Any], pick: int, how: str, new: Any) -> None:
    slots = _slots(doc, [])
    container, key = slots[pick % len(slots)]
    if how == "set":
        container[key] = new
    elif how == "tweak":
        container[key] = _tweaked(container[key], pick // len(slots))
    elif how == "wrap":
        container[key] = [container[key]]
    elif how == "drop" and isinstance(container, dict):
        del container[key]
    elif how == "add" and isinstance(container, dict):
        container[f"{key}X"] = new
    elif how == "drop":
        container.pop(key)
    else:
        container.insert(key, new)


def _jsonschema_accepts(kind: str, doc: Any) -> bool:
    return not any(True for _ in validator_for(kind).iter_errors(doc))


def test_there_are_seeds_of_every_kind() -> None:
    kinds = {kind for kind, _ in SEEDS}
    assert {"Deployment", "Prompt", "Model", "EvalSuite", "EvalRun", "Waiver"} <= kinds


@pytest.mark.parametrize("kind,doc", SEEDS, ids=[f"{k}-{i}" for i, (k, _) in enumerate(SEEDS)])
def test_both_validators_agree_on_the_seeds(kind: str, doc: dict[str, Any]) -> None:
    assert fast_accepts(kind, doc) == _jsonschema_accepts(kind, doc)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(SEEDS), st.lists(MUTATION, min_size=1, max_size=3))
def test_fast_acceptance_implies_jsonschema_acceptance(
    seed: tuple[str, dict[str, Any]], mutations: list[tuple[int, str, Any]]
) -> None:
    kind, original = seed
    doc = copy.deepcopy(original)
    for pick, how, new in mutations:
        _mutate(doc, pick, how, new)
    before = copy.deepcopy(doc)
    if fast_accepts(kind, doc):
        assert _jsonschema_accepts(kind, doc)
    assert doc == before  # the pre-check never fills in defaults


def test_a_rejected_document_still_gets_jsonschema_messages() -> None:
    kind, doc = next((k, d) for k, d in SEEDS if k == "Model")
    doc = copy.deepcopy(doc)
    doc["spec"]["hostedRegion"] = "eu-west-1"
    assert not fast_accepts(kind, doc)
    messages = [v.message for v in validate_document(kind, doc)]
    assert any(m.startswith("unknown field 'hostedRegion'") for m in messages), messages
