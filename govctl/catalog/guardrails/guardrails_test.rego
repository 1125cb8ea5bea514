package govctl.rules.guardrails_test

import rego.v1

import data.govctl.rules.guardrails
import data.govctl.test.fixtures as fx

denies(inp) := r if {
	s := inp.subject
	rel := inp.related
	d := inp.derived
	c := inp.change
	r := guardrails.deny with input.subject as s with input.related as rel with input.derived as d with input.change as c
}

warns(inp) := r if {
	s := inp.subject
	rel := inp.related
	d := inp.derived
	c := inp.change
	r := guardrails.warn with input.subject as s with input.related as rel with input.derived as d with input.change as c
}

# The deployment without any guardrail policy.
unguarded := fx.patch(fx.deployment_input, [
	{"op": "remove", "path": "/subject/spec/guardrails"},
	{"op": "add", "path": "/derived/guardrails", "value": null},
	{"op": "remove", "path": "/related/GuardrailPolicy~1customer-facing-strict"},
])

test_clean_deployment_has_no_guardrail_findings if {
	count(denies(fx.deployment_input)) == 0
	count(warns(fx.deployment_input)) == 0
}

# GOV-GRD-001 ------------------------------------------------------------------------------

test_grd_001_passes_for_internal_deployment if {
	inp0 := unguarded
	inp := fx.patch(inp0, [{"op": "add", "path": "/subject/spec/userFacing", "value": false}])
	not "GOV-GRD-001" in fx.rules(denies(inp))
}

test_grd_001_fails_for_logging_prompt_injection if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/GuardrailPolicy~1customer-facing-strict/spec/input/0/action", "value": "log"}])
	fx.only(denies(inp), "GOV-GRD-001") == {{
		"rule": "GOV-GRD-001",
		"path": "spec.guardrails",
		"msg": "guardrail policy customer-facing-strict lacks an input prompt_injection check that blocks (its prompt_injection action is log) — add {type: prompt_injection, action: block} to its input checks (blocking actions: block)",
	}}
}

test_grd_001_fails_without_guardrail_policy if {
	inp := unguarded
	fx.only(denies(inp), "GOV-GRD-001") == {{
		"rule": "GOV-GRD-001",
		"path": "spec.guardrails",
		"msg": "deployment has no guardrail policy (spec.guardrails), so it lacks an input prompt_injection check that blocks — add {type: prompt_injection, action: block} to its input checks (blocking actions: block)",
	}}
}

# GOV-GRD-002 ------------------------------------------------------------------------------

test_grd_002_passes_without_pii if {
	inp0 := unguarded
	inp := fx.patch(inp0, [{"op": "add", "path": "/subject/spec/dataClasses", "value": ["financial"]}])
	not "GOV-GRD-002" in fx.rules(denies(inp))
}

test_grd_002_fails_without_output_redaction if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/related/GuardrailPolicy~1customer-facing-strict/spec/output/0"}])
	fx.only(denies(inp), "GOV-GRD-002") == {{
		"rule": "GOV-GRD-002",
		"path": "spec.guardrails",
		"msg": "guardrail policy customer-facing-strict lacks output pii_redaction although the deployment processes pii — add the missing checks",
	}}
}

test_grd_002_fails_without_any_pii_check if {
	inp := unguarded
	fx.only(denies(inp), "GOV-GRD-002") == {{
		"rule": "GOV-GRD-002",
		"path": "spec.guardrails",
		"msg": "deployment has no guardrail policy (spec.guardrails), so it lacks input pii_detection, output pii_redaction although the deployment processes pii — add the missing checks",
	}}
}

# GOV-GRD-003 ------------------------------------------------------------------------------

test_grd_003_passes_for_internal_staging_deployment if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/environment", "value": "staging"},
		{"op": "add", "path": "/subject/spec/userFacing", "value": false},
		{"op": "add", "path": "/related/GuardrailPolicy~1customer-facing-strict/spec/output", "value": []},
	])
	not "GOV-GRD-003" in fx.rules(warns(inp))
}

test_grd_003_warns_for_missing_output_checks if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/GuardrailPolicy~1customer-facing-strict/spec/output", "value": [{"type": "pii_redaction", "action": "redact"}]}])
	fx.only(warns(inp), "GOV-GRD-003") == {{
		"rule": "GOV-GRD-003",
		"path": "spec.guardrails",
		"msg": "guardrail policy customer-facing-strict lacks output format_validation (prod), output safety (user-facing) — add the missing output checks",
	}}
}

# GOV-GRD-004 ------------------------------------------------------------------------------

test_grd_004_passes_for_limited_risk_failing_open if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/riskTier", "value": "limited"},
		{"op": "add", "path": "/related/GuardrailPolicy~1customer-facing-strict/spec/onError", "value": "allow"},
	])
	not "GOV-GRD-004" in fx.rules(denies(inp))
}

test_grd_004_fails_for_high_risk_failing_open if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/GuardrailPolicy~1customer-facing-strict/spec/onError", "value": "allow"}])
	fx.only(denies(inp), "GOV-GRD-004") == {{
		"rule": "GOV-GRD-004",
		"path": "spec.guardrails",
		"msg": "guardrail policy customer-facing-strict fails open (onError: allow) but this deployment is high-risk — set onError: block so a guardrail error blocks the request",
	}}
}

# GOV-GRD-005 ------------------------------------------------------------------------------

weakened := {"GuardrailPolicy/customer-facing-strict": {
	"type": "modified",
	"fromPath": null,
	"fields": [{"path": "spec.input[0].threshold", "before": 0.8, "after": 0.95}],
	"predicates": ["modified.spec", "guardrail.weakened"],
	"reasons": {"guardrail.weakened": ["input prompt_injection threshold raised from 0.8 to 0.95"]},
}}

test_grd_005_passes_without_a_base if {
	not "GOV-GRD-005" in fx.rules(denies(fx.deployment_input))
}

test_grd_005_passes_for_strengthening_change if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/change", "value": {"GuardrailPolicy/customer-facing-strict": {
		"type": "modified", "fromPath": null,
		"fields": [{"path": "spec.input[0].threshold", "before": 0.8, "after": 0.6}],
		"predicates": ["modified.spec"], "reasons": {},
	}}}])
	not "GOV-GRD-005" in fx.rules(denies(inp))
}

test_grd_005_passes_for_weakening_outside_prod if {
	change := weakened
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/change", "value": change},
		{"op": "add", "path": "/subject/spec/environment", "value": "staging"},
	])
	not "GOV-GRD-005" in fx.rules(denies(inp))
}

test_grd_005_fails_for_weakening_used_in_prod if {
	change := weakened
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/change", "value": change}])
	fx.only(denies(inp), "GOV-GRD-005") == {{
		"rule": "GOV-GRD-005",
		"path": "spec.guardrails",
		"msg": "this change weakens guardrail policy customer-facing-strict used by prod deployment support-assistant-eu-prod: input prompt_injection threshold raised from 0.8 to 0.95 — revert it, or roll the weaker policy out outside prod first",
	}}
}

# GOV-GRD-006 ------------------------------------------------------------------------------

test_grd_006_passes_for_internal_deployment if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/userFacing", "value": false},
		{"op": "remove", "path": "/related/GuardrailPolicy~1customer-facing-strict/spec/input/2"},
	])
	not "GOV-GRD-006" in fx.rules(warns(inp))
}

test_grd_006_warns_without_topic_filter if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/related/GuardrailPolicy~1customer-facing-strict/spec/input/2"}])
	fx.only(warns(inp), "GOV-GRD-006") == {{
		"rule": "GOV-GRD-006",
		"path": "spec.guardrails",
		"msg": "guardrail policy customer-facing-strict lacks an input topic_filter although the deployment is user-facing — add {type: topic_filter, allowedTopics: [...], action: block}",
	}}
}

# Parameters of GOV-GRD-002, 003 and 006: the check types each requires --------------------

test_grd_002_input_and_output_checks_parameters if {
	found := denies(fx.deployment_input) with data.govctl.parameters as fx.parameters({"GOV-GRD-002": {
		"inputChecks": {"value": ["pii_detection", "secrets_detection"]},
		"outputChecks": {"value": ["pii_redaction", "grounding"]},
	}})
	fx.only(found, "GOV-GRD-002") == {{
		"rule": "GOV-GRD-002",
		"path": "spec.guardrails",
		"msg": "guardrail policy customer-facing-strict lacks input secrets_detection although the deployment processes pii — add the missing checks",
	}}
}

test_grd_002_empty_check_lists_require_nothing if {
	inp := unguarded
	found := denies(inp) with data.govctl.parameters as fx.parameters({"GOV-GRD-002": {
		"inputChecks": {"value": []},
		"outputChecks": {"value": []},
	}})
	not "GOV-GRD-002" in fx.rules(found)
}

test_grd_003_output_checks_parameters if {
	found := warns(fx.deployment_input) with data.govctl.parameters as fx.parameters({"GOV-GRD-003": {
		"prodOutputChecks": {"value": ["format_validation", "schema"]},
		"userFacingOutputChecks": {"value": ["safety", "toxicity"]},
	}})
	fx.only(found, "GOV-GRD-003") == {{
		"rule": "GOV-GRD-003",
		"path": "spec.guardrails",
		"msg": "guardrail policy customer-facing-strict lacks output schema (prod), output toxicity (user-facing) — add the missing output checks",
	}}
}

test_grd_003_user_facing_checks_apply_outside_prod if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/environment", "value": "staging"}])
	found := warns(inp) with data.govctl.parameters as fx.parameters({"GOV-GRD-003": {
		"prodOutputChecks": {"value": ["schema"]},
		"userFacingOutputChecks": {"value": ["toxicity"]},
	}})
	fx.only(found, "GOV-GRD-003") == {{
		"rule": "GOV-GRD-003",
		"path": "spec.guardrails",
		"msg": "guardrail policy customer-facing-strict lacks output toxicity (user-facing) — add the missing output checks",
	}}
}

test_grd_006_input_checks_parameter if {
	found := warns(fx.deployment_input) with data.govctl.parameters as fx.parameters({"GOV-GRD-006": {"inputChecks": {"value": ["topic_filter", "jailbreak", "language"]}}})
	fx.only(found, "GOV-GRD-006") == {
		{
			"rule": "GOV-GRD-006",
			"path": "spec.guardrails",
			"msg": "guardrail policy customer-facing-strict lacks an input jailbreak although the deployment is user-facing — add {type: jailbreak, action: block}",
		},
		{
			"rule": "GOV-GRD-006",
			"path": "spec.guardrails",
			"msg": "guardrail policy customer-facing-strict lacks an input language although the deployment is user-facing — add {type: language, action: block}",
		},
	}
}
