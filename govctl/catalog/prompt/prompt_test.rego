package govctl.rules.prompt_test

import rego.v1

import data.govctl.rules.prompt
import data.govctl.test.fixtures as fx

denies(inp) := r if {
	s := inp.subject
	d := inp.derived
	r := prompt.deny with input.subject as s with input.derived as d
}

warns(inp) := r if {
	s := inp.subject
	d := inp.derived
	r := prompt.warn with input.subject as s with input.derived as d
}

test_clean_prompt_has_no_findings if {
	count(denies(fx.prompt_input)) == 0
	count(warns(fx.prompt_input)) == 0
}

# GOV-PRM-001 ------------------------------------------------------------------------------

test_prm_001_passes_for_template_file_prompt if {
	inp := fx.patch(fx.prompt_input, [
		{"op": "add", "path": "/derived/variablesUsed", "value": {"user": ["ticket_text", "queues"]}},
		{"op": "add", "path": "/subject/spec/variables", "value": [
			{"name": "ticket_text", "source": "user"},
			{"name": "queues", "source": "system"},
		]},
	])
	not "GOV-PRM-001" in fx.rules(denies(inp))
}

test_prm_001_fails_for_undeclared_variables if {
	inp := fx.patch(fx.prompt_input, [{"op": "add", "path": "/derived/variablesUsed", "value": {
		"system": ["policy_excerpt", "tone"],
		"user": ["question", "account_id"],
	}}])
	fx.only(denies(inp), "GOV-PRM-001") == {{
		"rule": "GOV-PRM-001",
		"path": "spec.variables",
		"msg": "the template uses {{account_id}}, {{tone}} but spec.variables does not declare them — declare each with its source (user, retrieval or system) or remove it from the template",
	}}
}

test_prm_001_fails_for_unused_declaration if {
	inp := fx.patch(fx.prompt_input, [{"op": "add", "path": "/derived/variablesUsed", "value": {"user": ["question"]}}])
	fx.only(denies(inp), "GOV-PRM-001") == {{
		"rule": "GOV-PRM-001",
		"path": "spec.variables[1]",
		"msg": "variable policy_excerpt is declared but the template never uses {{policy_excerpt}} — remove the declaration or use the variable",
	}}
}

# GOV-PRM-002 ------------------------------------------------------------------------------

test_prm_002_passes_for_retrieval_variable_in_system_message if {
	not "GOV-PRM-002" in fx.rules(denies(fx.prompt_input))
}

test_prm_002_fails_for_user_variable_in_system_message if {
	inp := fx.patch(fx.prompt_input, [{"op": "add", "path": "/derived/variablesUsed", "value": {
		"system": ["policy_excerpt", "question"],
		"user": ["question"],
	}}])
	fx.only(denies(inp), "GOV-PRM-002") == {{
		"rule": "GOV-PRM-002",
		"path": "spec.variables[0]",
		"msg": "user-supplied variable {{question}} is interpolated into a system message, where user text can override the instructions — move it into a user message",
	}}
}

# GOV-PRM-003 ------------------------------------------------------------------------------

test_prm_003_passes_without_secrets if {
	not "GOV-PRM-003" in fx.rules(denies(fx.prompt_input))
}

test_prm_003_fails_for_secret_in_message if {
	inp := fx.patch(fx.prompt_input, [{"op": "add", "path": "/derived/secrets", "value": [
		{"path": "spec.messages[0].content", "type": "openai-api-key"},
		{"path": "spec.messages[0].content", "type": "aws-access-key"},
		{"path": "spec.messages[1].content", "type": "private-key"},
	]}])
	fx.only(denies(inp), "GOV-PRM-003") == {
		{
			"rule": "GOV-PRM-003",
			"path": "spec.messages[0].content",
			"msg": "prompt text at spec.messages[0].content contains what looks like a secret (aws-access-key, openai-api-key) — remove it, rotate the credential, and load secrets from a secret store at runtime",
		},
		{
			"rule": "GOV-PRM-003",
			"path": "spec.messages[1].content",
			"msg": "prompt text at spec.messages[1].content contains what looks like a secret (private-key) — remove it, rotate the credential, and load secrets from a secret store at runtime",
		},
	}
}

# GOV-PRM-004 ------------------------------------------------------------------------------

test_prm_004_passes_at_the_limit if {
	inp := fx.patch(fx.prompt_input, [{"op": "add", "path": "/subject/spec/parameters/temperature", "value": 0.3}])
	count(warns(inp)) == 0
}

test_prm_004_passes_for_limited_risk if {
	inp := fx.patch(fx.prompt_input, [
		{"op": "add", "path": "/subject/spec/parameters/temperature", "value": 0.9},
		{"op": "add", "path": "/subject/spec/riskTier", "value": "limited"},
	])
	count(warns(inp)) == 0
}

test_prm_004_fails_above_the_limit if {
	inp := fx.patch(fx.prompt_input, [{"op": "add", "path": "/subject/spec/parameters/temperature", "value": 0.35}])
	warns(inp) == {{
		"rule": "GOV-PRM-004",
		"path": "spec.parameters.temperature",
		"msg": "high-risk prompt uses temperature 0.35 — set 0.3 or lower (maxTemperature) so answers are reproducible enough to evaluate and review",
	}}
}
