"""GL113: builtins and operators that can fail on the input's values — undefined on OPA's Wasm,
an error on OPA with strict builtin errors — are flagged; the same calls on constants are not."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from govctl.policy.lint import lint_modules

HEAD = "package p\n\nimport rego.v1\n\n"


def _codes(body: str) -> list[tuple[int, str]]:
    issues = lint_modules([SimpleNamespace(path="p.rego", source=HEAD + body)])
    return [(i.line, i.code) for i in issues if i.code == "GL113"]


@pytest.mark.parametrize(
    "body",
    [
        "x := to_number(input.subject.spec.limit)\n",
        'x := json.unmarshal(input.subject.metadata.annotations["config"])\n',
        "x := 10 / count(input.subject.spec.regions)\n",
        "x := 10 % input.subject.spec.shards\n",
        "x := units.parse(input.subject.spec.size)\n",
    ],
)
def test_flags_what_can_fail_on_input(body: str) -> None:
    assert _codes(body) == [(5, "GL113")]


@pytest.mark.parametrize(
    "body",
    [
        'x := to_number("42")\n',
        "x := 10 / 1000\n",
        "day := 86400\n\ny := input.subject.spec.seconds / day\n",
        "x := to_number(input.subject.spec.limit) # govctl-lint: ignore GL113\n",
    ],
)
def test_constants_and_opt_outs_are_not_flagged(body: str) -> None:
    assert _codes(body) == []
