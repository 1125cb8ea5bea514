"""The semantic field diff: paths, keyed lists, scalar lists, quoting."""

from __future__ import annotations

from govctl.findings import parse_path
from govctl.impact.diff import FieldChange, diff_documents, same


def _guardrail(*checks: dict[str, object], on_error: str = "block") -> dict[str, object]:
    return {"spec": {"input": list(checks), "onError": on_error}}


def test_guardrail_checks_are_matched_by_type_not_position() -> None:
    before = _guardrail(
        {"type": "prompt_injection", "threshold": 0.8, "action": "block"},
        {"type": "pii_detection", "action": "redact"},
    )
    after = _guardrail(
        {"type": "pii_detection", "action": "redact"},
        {"type": "prompt_injection", "threshold": 0.9, "action": "block"},
    )
    # reordered and one threshold raised: one change, at the head index of the moved check
    assert diff_documents("GuardrailPolicy", before, after) == [
        FieldChange("spec.input[1].threshold", 0.8, 0.9)
    ]


def test_removed_and_added_keyed_items() -> None:
    before = _guardrail({"type": "jailbreak", "action": "block"}, {"type": "toxicity", "action": "log"})
    after = _guardrail({"type": "toxicity", "action": "log"}, {"type": "secrets_detection", "action": "block"})
    assert diff_documents("GuardrailPolicy", before, after) == [
        FieldChange("spec.input[1]", None, {"type": "secrets_detection", "action": "block"}),
        FieldChange("spec.input[0]", {"type": "jailbreak", "action": "block"}, None),
    ]


def test_repeated_keys_fall_back_to_positions() -> None:
    before = _guardrail({"type": "toxicity", "action": "log"}, {"type": "toxicity", "action": "block"})
    after = _guardrail({"type": "toxicity", "action": "log"}, {"type": "toxicity", "action": "retry"})
    assert diff_documents("GuardrailPolicy", before, after) == [
        FieldChange("spec.input[1].action", "block", "retry")
    ]


def test_other_lists_of_objects_are_compared_by_position() -> None:
    before = {"spec": {"messages": [{"role": "system", "content": "a"}, {"role": "user", "content": "q"}]}}
    after = {"spec": {"messages": [{"role": "system", "content": "b"}]}}
    assert diff_documents("Prompt", before, after) == [
        FieldChange("spec.messages[0].content", "a", "b"),
        FieldChange("spec.messages[1]", {"role": "user", "content": "q"}, None),
    ]


def test_lists_of_scalars_are_one_value() -> None:
    before = {"spec": {"allowedRegions": ["westeurope", "eu-*"]}}
    after = {"spec": {"allowedRegions": ["westeurope", "eu-*", "us-east-1"]}}
    assert diff_documents("ResidencyRule", before, after) == [
        FieldChange("spec.allowedRegions", ["westeurope", "eu-*"], ["westeurope", "eu-*", "us-east-1"])
    ]


def test_keys_that_are_not_identifiers_are_quoted_and_parse_back() -> None:
    before = {"metadata": {"labels": {"app.kubernetes.io/name": "a"}}}
    after = {"metadata": {"labels": {"app.kubernetes.io/name": "b", "team": "x"}}}
    changes = diff_documents("Model", before, after)
    assert changes == [
        FieldChange('metadata.labels["app.kubernetes.io/name"]', "a", "b"),
        FieldChange("metadata.labels.team", None, "x"),
    ]
    assert parse_path(changes[0].path) == ("metadata", "labels", "app.kubernetes.io/name")


def test_null_and_absent_are_the_same_and_types_matter() -> None:
    assert diff_documents("Model", {"spec": {"sunset": None}}, {"spec": {}}) == []
    assert diff_documents("Model", {"spec": {"a": 1}}, {"spec": {"a": 1.0}}) == []
    assert diff_documents("Model", {"spec": {"a": 1}}, {"spec": {"a": True}}) == [
        FieldChange("spec.a", 1, True)
    ]
    assert not same({"a": [1, {"b": "x"}]}, {"a": [1, {"b": "y"}]})
