package govctl.rules.reliability_test

import rego.v1

import data.govctl.rules.reliability
import data.govctl.test.fixtures as fx

denies(inp) := r if {
	s := inp.subject
	rel := inp.related
	d := inp.derived
	r := reliability.deny with input.subject as s with input.related as rel with input.derived as d
}

warns(inp) := r if {
	s := inp.subject
	rel := inp.related
	d := inp.derived
	r := reliability.warn with input.subject as s with input.related as rel with input.derived as d
}

test_clean_deployment_has_no_reliability_findings if {
	count(denies(fx.deployment_input)) == 0
	count(warns(fx.deployment_input)) == 0
}

# GOV-REL-001 ------------------------------------------------------------------------------

test_rel_001_passes_for_limited_risk_without_fallback if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/riskTier", "value": "limited"},
		{"op": "add", "path": "/subject/spec/fallbacks", "value": []},
		{"op": "remove", "path": "/derived/models/1"},
	])
	not "GOV-REL-001" in fx.rules(denies(inp))
}

test_rel_001_fails_without_fallback if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "remove", "path": "/subject/spec/fallbacks"},
		{"op": "remove", "path": "/derived/models/1"},
	])
	denies(inp) == {{
		"rule": "GOV-REL-001",
		"path": "spec.fallbacks",
		"msg": "high-risk prod deployment support-assistant-eu-prod has no fallback model — add one (different from the primary) to spec.fallbacks",
	}}
}

test_rel_001_fails_for_fallback_equal_to_primary if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/fallbacks", "value": ["gpt-4o-mini@2024-07-18", "gpt-4o@2024-08-06"]},
		{"op": "add", "path": "/derived/models/-", "value": {
			"ref": "gpt-4o@2024-08-06", "identity": "Model/gpt-4o@2024-08-06",
			"role": "fallback", "path": "spec.fallbacks[1]",
		}},
	])
	denies(inp) == {{
		"rule": "GOV-REL-001",
		"path": "spec.fallbacks[1]",
		"msg": "fallback gpt-4o@2024-08-06 is the primary model itself, so it does not help when the primary fails — choose a different model",
	}}
}

# GOV-REL-002 ------------------------------------------------------------------------------

test_rel_002_passes_for_staging_without_reliability if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/environment", "value": "staging"},
		{"op": "remove", "path": "/subject/spec/reliability"},
	])
	count(warns(inp)) == 0
}

test_rel_002_warns_for_each_missing_setting if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/subject/spec/reliability"}])
	fx.at(warns(inp), "GOV-REL-002") == {
		"spec.reliability.retries", "spec.reliability.backoff", "spec.reliability.timeoutMs",
	}
}

test_rel_002_warns_for_zero_retries_and_fixed_backoff if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/reliability", "value": {"retries": 0, "backoff": "fixed", "timeoutMs": 5000}}])
	warns(inp) == {
		{
			"rule": "GOV-REL-002",
			"path": "spec.reliability.retries",
			"msg": "prod deployment support-assistant-eu-prod does not retry failed model calls — set spec.reliability.retries (e.g. 3)",
		},
		{
			"rule": "GOV-REL-002",
			"path": "spec.reliability.backoff",
			"msg": "prod deployment support-assistant-eu-prod uses backoff fixed — set spec.reliability.backoff: exponential so retries do not pile onto a struggling provider",
		},
	}
}

# GOV-REL-003 ------------------------------------------------------------------------------

test_rel_003_passes_for_all_at_once_without_rollback if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/rollout", "value": {"strategy": "all-at-once"}}])
	not "GOV-REL-003" in fx.rules(denies(inp))
}

test_rel_003_fails_for_canary_without_rollback if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/subject/spec/rollout/rollbackTo"}])
	denies(inp) == {{
		"rule": "GOV-REL-003",
		"path": "spec.rollout.rollbackTo",
		"msg": "canary rollout of support-reply@1.4.0 has no rollbackTo — set spec.rollout.rollbackTo to the released prompt version serving today",
	}}
}

test_rel_003_fails_for_unreleased_rollback_target if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/rollout/rollbackTo", "value": "support-reply@1.2.9"}])
	denies(inp) == {{
		"rule": "GOV-REL-003",
		"path": "spec.rollout.rollbackTo",
		"msg": "canary rollout of support-reply@1.4.0 rolls back to support-reply@1.2.9, which is not a released prompt version — set spec.rollout.rollbackTo to the released prompt version serving today",
	}}
}

test_rel_003_fails_for_rollback_to_itself if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/rollout/rollbackTo", "value": "support-reply@1.4.0"}])
	fx.at(denies(inp), "GOV-REL-003") == {"spec.rollout.rollbackTo"}
}

test_rel_003_fails_for_null_rollback_target if {
	# An explicit null (valid YAML for an optional field) must not reach a builtin.
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/rollout/rollbackTo", "value": null}])
	fx.at(denies(inp), "GOV-REL-003") == {"spec.rollout.rollbackTo"}
}

# Parameters of GOV-REL-002 ------------------------------------------------------------------

test_rel_002_min_retries_parameter if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/reliability/retries", "value": 2}])
	count(warns(inp)) == 0
	warns(inp) == {{
		"rule": "GOV-REL-002",
		"path": "spec.reliability.retries",
		"msg": "prod deployment support-assistant-eu-prod retries failed model calls 2 times, fewer than 3 (minRetries) — raise spec.reliability.retries",
	}} with data.govctl.parameters as fx.parameters({"GOV-REL-002": {"minRetries": {"value": 3}}})
	count(warns(inp)) == 0 with data.govctl.parameters as fx.parameters({"GOV-REL-002": {"minRetries": {"value": 2}}})
}

test_rel_002_no_retries_quotes_a_high_minimum if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/subject/spec/reliability/retries"}])
	warns(inp) == {{
		"rule": "GOV-REL-002",
		"path": "spec.reliability.retries",
		"msg": "prod deployment support-assistant-eu-prod does not retry failed model calls — set spec.reliability.retries (at least 5)",
	}} with data.govctl.parameters as fx.parameters({"GOV-REL-002": {"minRetries": {"value": 5}}})
}

test_rel_002_backoff_strategies_parameter if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/reliability/backoff", "value": "jittered"}])
	fx.at(warns(inp), "GOV-REL-002") == {"spec.reliability.backoff"}
	count(warns(inp)) == 0 with data.govctl.parameters as fx.parameters({"GOV-REL-002": {"backoffStrategies": {"value": ["exponential", "jittered"]}}})
	warns(fx.deployment_input) == {{
		"rule": "GOV-REL-002",
		"path": "spec.reliability.backoff",
		"msg": "prod deployment support-assistant-eu-prod uses backoff exponential — set spec.reliability.backoff: one of decorrelated, jittered so retries do not pile onto a struggling provider",
	}} with data.govctl.parameters as fx.parameters({"GOV-REL-002": {"backoffStrategies": {"value": ["jittered", "decorrelated"]}}})
}
