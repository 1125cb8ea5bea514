package govctl.lib_test

import rego.v1

import data.govctl.lib
import data.govctl.test.fixtures as fx

# lib.param resolves a parameter for the subject: a risk-tier override wins over an environment
# override, which wins over the global value.
entry := {"value": 200, "environments": {"staging": 150}, "riskTiers": {"high": 500}}

test_param_global_value if {
	lib.resolve_param(entry, {"environment": "prod", "riskTier": "limited"}) == 200
}

test_param_environment_override if {
	lib.resolve_param(entry, {"environment": "staging", "riskTier": "limited"}) == 150
}

test_param_risk_tier_wins_over_environment if {
	lib.resolve_param(entry, {"environment": "staging", "riskTier": "high"}) == 500
}

test_param_without_overrides if {
	lib.resolve_param({"value": [1, 2]}, {"environment": "staging"}) == [1, 2]
}

# --- formatting ----------------------------------------------------------------------------

test_num_formats_like_both_engines if {
	lib.num(0) == "0"
	lib.num(2.5) == "2.5"
	lib.num(0.000001) == "0.000001"
	lib.num(-1.25) == "-1.25"
	lib.num(-0.0000001) == "0" # rounds to zero: no minus sign
	lib.num(1000000) == "1000000"
	lib.num(-2500000.4) == "-2500000"
	lib.num(12345678.9) == "12345679"
}

test_money_rounds_up_after_cents if {
	lib.money(2024.5000000000002) == "2025"
	lib.money(100) == "100"
	lib.cents(0.015) == 2
}

test_list_and_path if {
	lib.list({"b", "a"}) == "a, b"
	lib.path("spec.fallbacks", 2) == "spec.fallbacks[2]"
	lib.int_str(42) == "42"
}

# --- time ----------------------------------------------------------------------------------

test_ns_reads_dates_and_timestamps if {
	lib.ns("1970-01-02") == 86400000000000
	lib.ns("1970-01-01T00:00:01Z") == 1000000000
	lib.ns("1970-01-01T01:00:00+01:00") == 0
	lib.date("2026-11-22T10:00:00+00:00") == "2026-11-22"
	lib.now_ns == 86400000000000 with input.now as "1970-01-02"
}

# --- presence ------------------------------------------------------------------------------

test_presence_helpers if {
	lib.has({"a": 1}, "a")
	not lib.has({"a": null}, "a")
	lib.get({"a": null}, "a", 7) == 7
	lib.get({"a": 0}, "a", 7) == 0
	lib.number({"a": 1.5}, "a") == 1.5
	not lib.number({"a": "x"}, "a")
	lib.string({"a": "x"}, "a") == "x"
	not lib.string({"a": 1}, "a")
}

# --- the subject and its resolved references -----------------------------------------------

test_subject_helpers if {
	subject := fx.deployment
	lib.subject == fx.deployment with input.subject as subject
	lib.deployment_label == "prod deployment support-assistant-eu-prod" with input.subject as subject
	lib.is_high_risk with input.subject as subject
	lib.processes_pii with input.subject as subject
	lib.data_classes == {"pii", "financial"} with input.subject as subject
}

# resolved(inp): lib's views of the resolved references for the input inp.
resolved(inp) := r if {
	s := inp.subject
	rel := inp.related
	d := inp.derived
	r := {
		"models": lib.models, "primary": lib.primary,
		"residency_rules": lib.residency_rules, "has_governing_rule": has_rule,
	} with input.subject as s with input.related as rel with input.derived as d
}

default has_rule := false

has_rule if lib.has_governing_rule

test_models_lists_the_resolved_models_primary_first if {
	models := resolved(fx.deployment_input).models
	{[m.index, m.role, m.identity] | some m in models} == {
		[0, "primary", fx.primary_model.identity],
		[1, "fallback", fx.fallback_model.identity],
	}
	every m in models {
		m.model == fx.deployment_input.related[m.identity]
	}
	primary := resolved(fx.deployment_input).primary
	{m.identity | some m in primary} == {fx.primary_model.identity}
	{lib.role_label(m) | some m in models} == {
		"primary model gpt-4o@2024-08-06", "fallback gpt-4o-mini@2024-07-18",
	}
}

test_models_skips_unresolved_references if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/derived/models/1/identity", "value": null}])
	models := resolved(inp).models
	{m.role | some m in models} == {"primary"}
}

test_residency_rules_are_the_governing_rules_that_resolve if {
	resolved(fx.deployment_input).residency_rules == {fx.residency_rule}
	resolved(fx.deployment_input).has_governing_rule == true
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/derived/residencyRules", "value": ["ResidencyRule/gone"]}])
	count(resolved(inp).residency_rules) == 0
	resolved(inp).has_governing_rule == false
}
