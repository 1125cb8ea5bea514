package govctl.rules.cost_test

import rego.v1

import data.govctl.rules.cost
import data.govctl.test.fixtures as fx

denies(inp) := r if {
	s := inp.subject
	rel := inp.related
	d := inp.derived
	r := cost.deny with input.subject as s with input.related as rel with input.derived as d
}

test_clean_deployment_has_no_cost_findings if {
	count(denies(fx.deployment_input)) == 0
}

# GOV-CST-001 ------------------------------------------------------------------------------

test_cst_001_passes_for_staging_without_token_caps if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/environment", "value": "staging"},
		{"op": "remove", "path": "/subject/spec/budget/maxInputTokens"},
		{"op": "remove", "path": "/subject/spec/budget/maxOutputTokens"},
	])
	not "GOV-CST-001" in fx.rules(denies(inp))
}

test_cst_001_fails_for_prod_without_token_caps if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "remove", "path": "/subject/spec/budget/maxInputTokens"},
		{"op": "add", "path": "/subject/spec/budget/maxOutputTokens", "value": null},
	])
	fx.only(denies(inp), "GOV-CST-001") == {
		{
			"rule": "GOV-CST-001",
			"path": "spec.budget.maxInputTokens",
			"msg": "prod deployment support-assistant-eu-prod sets no budget.maxInputTokens — cap tokens per request so one request cannot run up unbounded cost",
		},
		{
			"rule": "GOV-CST-001",
			"path": "spec.budget.maxOutputTokens",
			"msg": "prod deployment support-assistant-eu-prod sets no budget.maxOutputTokens — cap tokens per request so one request cannot run up unbounded cost",
		},
	}
}

# GOV-CST-002 ------------------------------------------------------------------------------

test_cst_002_passes_at_the_ceiling if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/budget/monthlyCeilingUSD", "value": 2025}])
	not "GOV-CST-002" in fx.rules(denies(inp))
}

test_cst_002_fails_without_ceiling if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/environment", "value": "dev"},
		{"op": "remove", "path": "/subject/spec/budget/monthlyCeilingUSD"},
	])
	fx.only(denies(inp), "GOV-CST-002") == {{
		"rule": "GOV-CST-002",
		"path": "spec.budget.monthlyCeilingUSD",
		"msg": "dev deployment support-assistant-eu-prod declares no budget.monthlyCeilingUSD (projected at x1: 2025 USD) — declare the monthly ceiling the owner has approved",
	}}
}

test_cst_002_passes_when_projection_exceeds_ceiling_by_float_noise if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/budget/monthlyCeilingUSD", "value": 2024.5},
		{"op": "add", "path": "/derived/cost/monthlyUSD/x1", "value": 2024.5000000000002},
	])
	not "GOV-CST-002" in fx.rules(denies(inp))
}

test_cst_002_fails_when_projection_exceeds_ceiling if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/budget/monthlyCeilingUSD", "value": 2024.5},
		{"op": "add", "path": "/derived/cost/monthlyUSD/x1", "value": 2024.51},
	])
	fx.only(denies(inp), "GOV-CST-002") == {{
		"rule": "GOV-CST-002",
		"path": "spec.budget.monthlyCeilingUSD",
		"msg": "projected monthly cost at x1 volume is 2025 USD for gpt-4o@2024-08-06, above the ceiling of 2024.5 USD — lower the token budget or volume, choose a cheaper model, or raise the ceiling with approval",
	}}
}

test_cst_002_fails_for_large_projection if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/derived/cost/monthlyUSD/x1", "value": 12345678.9}])
	some f in fx.only(denies(inp), "GOV-CST-002")
	startswith(f.msg, "projected monthly cost at x1 volume is 12345679 USD for gpt-4o@2024-08-06, above the ceiling of 5000 USD")
}

test_cst_002_fails_when_cost_cannot_be_projected if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/derived/cost", "value": {
		"currency": "USD",
		"monthlyUSD": {"x1": null, "x10": null, "x50": null, "x100": null},
		"reason": "budget.expectedRequestsPerDay is not declared",
	}}])
	fx.only(denies(inp), "GOV-CST-002") == {{
		"rule": "GOV-CST-002",
		"path": "spec.budget.monthlyCeilingUSD",
		"msg": "the monthly cost of gpt-4o@2024-08-06 cannot be projected against the ceiling (budget.expectedRequestsPerDay is not declared) — declare budget.expectedRequestsPerDay, avgInputTokens and avgOutputTokens, and price the model in USD",
	}}
}

test_cst_002_fails_for_non_usd_pricing if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/derived/cost/currency", "value": "EUR"}])
	some f in fx.only(denies(inp), "GOV-CST-002")
	contains(f.msg, "(the model is priced in EUR)")
}

# GOV-CST-003 ------------------------------------------------------------------------------

test_cst_003_passes_when_limits_fit_exactly if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/budget/maxInputTokens", "value": 111616},
		{"op": "add", "path": "/subject/spec/budget/maxOutputTokens", "value": 16384},
	])
	not "GOV-CST-003" in fx.rules(denies(inp))
}

test_cst_003_fails_for_context_window if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/budget/maxInputTokens", "value": 100000},
		{"op": "add", "path": "/related/Model~1gpt-4o-mini@2024-07-18/spec/limits/contextWindow", "value": 32000},
	])
	fx.only(denies(inp), "GOV-CST-003") == {{
		"rule": "GOV-CST-003",
		"path": "spec.budget.maxInputTokens",
		"msg": "maxInputTokens + maxOutputTokens = 100800 exceeds the context window of gpt-4o-mini@2024-07-18 (32000) — lower the token limits or choose models with a larger window",
	}}
}

test_cst_003_fails_for_max_output if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/budget/maxOutputTokens", "value": 20000}])
	fx.only(denies(inp), "GOV-CST-003") == {{
		"rule": "GOV-CST-003",
		"path": "spec.budget.maxOutputTokens",
		"msg": "maxOutputTokens 20000 exceeds the maximum output of gpt-4o-mini@2024-07-18 (16384), gpt-4o@2024-08-06 (16384) — lower it or choose models that can produce that much",
	}}
}

test_cst_003_checks_each_limit_against_its_own_budget if {
	# Context window large enough, max output small: only the output limit may fire.
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/budget/maxInputTokens", "value": 6000},
		{"op": "add", "path": "/subject/spec/budget/maxOutputTokens", "value": 700},
		{"op": "add", "path": "/related/Model~1gpt-4o-mini@2024-07-18/spec/limits", "value": {"contextWindow": 32768, "maxOutputTokens": 4096}},
		{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/spec/limits", "value": {"contextWindow": 32768, "maxOutputTokens": 512}},
	])
	fx.only(denies(inp), "GOV-CST-003") == {{
		"rule": "GOV-CST-003",
		"path": "spec.budget.maxOutputTokens",
		"msg": "maxOutputTokens 700 exceeds the maximum output of gpt-4o@2024-08-06 (512) — lower it or choose models that can produce that much",
	}}
}
