"""The pure core functions on objects built in memory (no files, no git, no engine).

Each test starts from one good object, changes one field, and asserts the exact outcome — and
that the untouched neighbours stay quiet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from govctl.derived import monthly_cost, prompt_facts
from govctl.graph import DependencyGraph
from govctl.impact.affected import reach
from govctl.impact.approvals import environments, predicate_matches
from govctl.impact.changes import ArtifactChange
from govctl.impact.predicates import action_rank, guardrail_weakenings
from govctl.models.config import Config
from govctl.registry import Artifact, Registry, build_registry
from govctl.rules import RuleMeta
from govctl.waivers import (
    WaiverContext,
    expired,
    not_waivable,
    review_waivers,
    too_long,
    unknown_rule,
    unknown_target,
)

TODAY = dt.date(2026, 11, 22)
CONFIG = Config.model_validate({
    "apiVersion": "govctl/v1", "kind": "Config", "teams": ["team-a"],
    "environments": ["dev", "staging", "prod"],
})


def artifact(kind: str, name: str, spec: dict[str, Any], version: str | None = None) -> Artifact:
    identity = f"{kind}/{name}" + (f"@{version}" if version else "")
    metadata = {"name": name, "owner": "team-a", **({"version": version} if version else {})}
    return Artifact(identity=identity, kind=kind, name=name, version=version,
                    path=f"registry/{name}.yaml", index=0, line=1,
                    doc={"apiVersion": "govctl/v1", "kind": kind, "metadata": metadata,
                         "spec": spec},
                    digest="sha256:" + "0" * 64, valid=True)


def registry(*artifacts: Artifact) -> Registry:
    return build_registry(CONFIG, list(artifacts), {}, ())


def rule(rule_id: str, waivable: bool = True) -> RuleMeta:
    return RuleMeta(id=rule_id, title=rule_id, description="", severity="error",
                    component="evaluation", stage="baseline", waivable=waivable, controls=(),
                    remediation="", kinds=(), source="test", package=None)


MODEL = artifact("Model", "m", {"pricing": {"inputPer1M": 2.0, "outputPer1M": 8.0}}, "v1")
PROMPT = artifact("Prompt", "p", {"model": "m@v1", "riskTier": "high", "messages": [
    {"role": "system", "content": "You help {{customer}}."},
    {"role": "user", "content": "{{question}}"}],
    "variables": [{"name": "question", "source": "user"}]}, "1.0.0")
PROD = artifact("Deployment", "app-prod", {
    "environment": "prod", "userFacing": True, "prompt": "p@1.0.0",
    "budget": {"expectedRequestsPerDay": 1000, "avgInputTokens": 500, "avgOutputTokens": 250}})
RULES = {"GOV-EVL-002": rule("GOV-EVL-002"), "GOV-SEC-001": rule("GOV-SEC-001", waivable=False)}


def waiver(**changes: Any) -> Artifact:
    spec = {"rule": "GOV-EVL-002", "target": "Deployment/app-prod", "justification": "j",
            "approvedBy": "cto", "expires": "2026-12-31", **changes}
    return artifact("Waiver", "w", spec)


def context(*extra: Artifact, max_days: int = 90) -> WaiverContext:
    reg = registry(MODEL, PROMPT, PROD, *extra)
    return WaiverContext(reg, DependencyGraph(reg), RULES, TODAY, max_days)


# --- waivers -----------------------------------------------------------------------------------

def test_a_good_waiver_passes_every_check_and_is_active() -> None:
    good = waiver()
    ctx = context(good)
    checks = (expired, too_long, unknown_rule, unknown_target, not_waivable)
    assert [check(good, ctx) for check in checks] == [None] * 5
    review = review_waivers(ctx.registry, ctx.graph, RULES, TODAY, 90)
    assert review.findings == ()
    assert review.active == {("GOV-EVL-002", "Deployment/app-prod"): "Waiver/w"}


@pytest.mark.parametrize("change, rule_id, path, fired", [
    ({"expires": "2026-11-21"}, "GOV-WVR-001", "spec.expires", expired),
    ({"expires": "2027-03-01"}, "GOV-WVR-003", "spec.expires", too_long),
    ({"rule": "GOV-NOPE-001"}, "GOV-WVR-002", "spec.rule", unknown_rule),
    ({"target": "Deployment/ghost"}, "GOV-WVR-002", "spec.target", unknown_target),
    ({"rule": "GOV-SEC-001"}, "GOV-WVR-002", "spec.rule", not_waivable),
])
def test_one_bad_field_fires_exactly_one_check_and_waives_nothing(
    change: dict[str, Any], rule_id: str, path: str, fired: Any
) -> None:
    bad = waiver(**change)
    ctx = context(bad)
    results = {check.__name__: check(bad, ctx) for check in
               (expired, too_long, unknown_rule, unknown_target, not_waivable)}
    assert [name for name, found in results.items() if found] == [fired.__name__]
    finding = results[fired.__name__]
    assert finding is not None and (finding.rule, finding.ref, finding.path) == (
        rule_id, "Waiver/w", path)
    review = review_waivers(ctx.registry, ctx.graph, RULES, TODAY, 90)
    assert [f.rule for f in review.findings] == [rule_id]
    assert review.active == {}


def test_the_last_allowed_days_are_not_findings() -> None:
    assert expired(waiver(expires="2026-11-22"), context()) is None  # expires today: still valid
    assert too_long(waiver(expires="2027-02-20"), context()) is None  # exactly maxDays (90)
    assert too_long(waiver(expires="2027-02-21"), context()) is not None


# --- guardrail predicates ----------------------------------------------------------------------

STRICT = {"input": [{"type": "prompt_injection", "threshold": 0.8, "action": "block"}],
          "output": [{"type": "pii_redaction", "action": "redact"}], "onError": "block"}


def _with(**changes: Any) -> dict[str, Any]:
    return {**STRICT, **changes}


def test_an_unchanged_or_stronger_guardrail_is_not_weakened() -> None:
    assert guardrail_weakenings(STRICT, STRICT) == []
    stronger = _with(input=[{"type": "prompt_injection", "threshold": 0.5, "action": "block"}],
                     timeoutMs=100)
    assert guardrail_weakenings(STRICT, stronger) == []
    added = _with(output=[*STRICT["output"], {"type": "safety", "action": "block"}])
    assert guardrail_weakenings(STRICT, added) == []


@pytest.mark.parametrize("new, reasons", [
    (_with(input=[{"type": "prompt_injection", "threshold": 0.9, "action": "block"}]),
     ["input prompt_injection threshold raised from 0.8 to 0.9"]),
    (_with(input=[{"type": "prompt_injection", "action": "block"}]),
     ["input prompt_injection threshold removed (was 0.8)"]),
    (_with(input=[{"type": "prompt_injection", "threshold": 0.8, "action": "log"}]),
     ["input prompt_injection action moved from block to weaker log"]),
    (_with(output=[]), ["output pii_redaction check removed (action redact)"]),
    (_with(onError="allow"), ["onError set to allow, failing open (was block)"]),
])
def test_each_weakening_is_named_exactly(new: dict[str, Any], reasons: list[str]) -> None:
    assert guardrail_weakenings(STRICT, new) == reasons


def test_an_unknown_action_counts_as_the_weakest() -> None:
    assert action_rank("log") < action_rank("shrug") == action_rank(None)


# --- approvals ---------------------------------------------------------------------------------

def _change(kind: str, predicates: tuple[str, ...], old: Artifact | None,
            new: Artifact | None, type_: str = "modified") -> ArtifactChange:
    current = new or old
    assert current is not None
    return ArtifactChange(current.identity, kind, type_, current.path, None, (), predicates, {},
                          old, new)


def test_predicate_matches_by_full_name_last_part_or_family_only() -> None:
    change = _change("GuardrailPolicy", ("modified.spec", "guardrail.weakened"), None,
                     artifact("GuardrailPolicy", "g", STRICT))
    assert predicate_matches("guardrail.weakened", change) == "guardrail.weakened"
    assert predicate_matches("weakened", change) == "guardrail.weakened"
    assert predicate_matches("guardrail", change) == "guardrail.weakened"
    assert predicate_matches("modified", change) == "modified"  # the change type
    assert predicate_matches("residency.widened", change) is None
    assert predicate_matches("weak", change) is None


def test_environments_of_a_deployment_change_include_both_sides() -> None:
    staging = artifact("Deployment", "app-prod", {**PROD.spec, "environment": "staging"})
    change = _change("Deployment", ("deployment.environment_changed",), staging, PROD)
    assert environments(change, []) == {"staging", "prod"}
    model_change = _change("Model", ("modified.spec",), MODEL, MODEL)
    assert environments(model_change, []) == set()


# --- affected deployments ----------------------------------------------------------------------

def test_a_changed_model_reaches_the_deployments_whose_closure_holds_it() -> None:
    other = artifact("Model", "other", {}, "v1")
    other_prompt = artifact("Prompt", "q", {"model": "other@v1", "riskTier": "minimal"}, "1.0.0")
    dev = artifact("Deployment", "app-dev", {"environment": "dev", "userFacing": False,
                                             "prompt": "q@1.0.0"})
    graph = DependencyGraph(registry(MODEL, other, PROMPT, other_prompt, PROD, dev))
    reached = reach({"Model/m@v1"}, graph, graph)
    assert [a.info.identity for a in reached.affected] == ["Deployment/app-prod"]
    assert reached.affected[0].via == ("Model/m@v1", "Prompt/p@1.0.0", "Deployment/app-prod")
    assert reached.affected[0].changed == ("Model/m@v1",)
    assert {d.identity for d in reached.by_change["Model/m@v1"]} == {"Deployment/app-prod"}
    assert reach({"Model/unrelated@v1"}, graph, graph).affected == ()


# --- derived facts -----------------------------------------------------------------------------

def test_monthly_cost_is_30_days_of_traffic_at_the_model_prices() -> None:
    cost = monthly_cost(PROD, MODEL)
    # 30 × 1000 × (500 × 2 + 250 × 8) / 1e6 = 90
    assert cost == {"currency": "USD", "reason": None,
                    "monthlyUSD": {"x1": 90.0, "x10": 900.0, "x50": 4500.0, "x100": 9000.0}}


@pytest.mark.parametrize("deployment, model, reason", [
    (PROD, None, "model does not resolve"),
    (PROD, artifact("Model", "m", {}, "v1"), "Model/m@v1 has no pricing"),
    (artifact("Deployment", "d", {"budget": {"expectedRequestsPerDay": 1}}), MODEL,
     "missing spec.budget.avgInputTokens, spec.budget.avgOutputTokens"),
])
def test_monthly_cost_says_why_it_cannot_project(
    deployment: Artifact, model: Artifact | None, reason: str
) -> None:
    cost = monthly_cost(deployment, model)
    assert cost["reason"] == reason
    assert set(cost["monthlyUSD"].values()) == {None}


def test_prompt_facts_list_used_and_declared_variables_and_secrets() -> None:
    facts = prompt_facts(PROMPT)
    assert facts["variablesUsed"]["system"] == ["customer"]
    assert facts["variablesUsed"]["user"] == ["question"]
    assert facts["variablesDeclared"] == {"question": "user"}
    assert facts["secrets"] == []
    leaky = artifact("Prompt", "p", {"messages": [
        {"role": "system", "content": "key sk-" + "a" * 40}]}, "1.0.1")
    assert [s["path"] for s in prompt_facts(leaky)["secrets"]] == ["spec.messages[0].content"]


def test_the_kind_names_list_the_models_in_order() -> None:
    from govctl.models import kinds, names

    assert tuple(kinds.ARTIFACT_MODELS) == names.KINDS
    assert set(names.VERSIONED_KINDS) < set(names.KINDS)
    assert (*names.KINDS, *names.RUNTIME_KINDS) == names.SUBJECT_KINDS


GC_PROBE = """
import gc
from govctl import gcpause
if {tune}:
    gcpause.tune_for_one_run()
with gcpause.paused_gc():
    built = [{{"n": i}} for i in range(5000)]
print(gc.get_freeze_count() >= 5000, gc.get_threshold()[0], gc.isenabled())
"""


def test_a_one_run_process_freezes_what_was_built_and_a_library_caller_does_not() -> None:
    import subprocess
    import sys

    def probe(tune: bool) -> str:
        code = GC_PROBE.format(tune=tune)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        return done.stdout.strip()

    assert probe(True) == "True 200000 True"
    assert probe(False) == "False 700 True"


def test_numbered_chunks_number_every_request_in_the_order_taken() -> None:
    from govctl.policy.engine import EvalRequest, numbered_chunks

    requests = [EvalRequest(f"Model/m{i}", "Model", f'{{"i":{i}}}') for i in range(5)]
    seen: list[EvalRequest] = []
    chunks = list(numbered_chunks(iter(requests), seen, 2))
    assert [[index for index, _, _ in chunk] for chunk in chunks] == [[0, 1], [2, 3], [4]]
    assert seen == requests and chunks[2] == [(4, "Model", '{"i":4}')]
    assert list(numbered_chunks([], [], 2)) == []


def test_namespaces_removed_are_the_stale_and_the_least_recently_used_beyond_the_limit() -> None:
    from govctl.policy.opa_policies import MAX_NAMESPACES, STALE_AFTER_SECONDS, namespaces_to_remove

    now = 10_000_000
    records = {f"k{i}": {"complete": True, "lastUsed": now - i} for i in range(MAX_NAMESPACES + 2)}
    records["old"] = {"complete": True, "lastUsed": now - STALE_AFTER_SECONDS - 1}
    records["foreign"] = {"lastUsed": "yesterday"}
    removed = namespaces_to_remove(records, "k0", now)
    # k0 is this run's; the MAX_NAMESPACES - 1 most recent others stay, with k0 that is the limit.
    assert removed == [f"k{i}" for i in range(MAX_NAMESPACES, MAX_NAMESPACES + 2)] + ["old"]
    assert namespaces_to_remove({"k0": records["k0"], "k1": records["k1"]}, "k0", now) == []
