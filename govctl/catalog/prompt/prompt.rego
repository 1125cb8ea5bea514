# METADATA
# title: Prompt hygiene
# description: >-
#   Rules evaluated on every Prompt version: declared variables match the template, user input
#   stays out of system messages, no secrets in prompt text, conservative sampling for high risk.
#   Variable usage and secrets are found in Python (input.derived.variablesUsed,
#   input.derived.secrets): prompt text may hold any characters and regopy sees strings escaped.
# custom:
#   kinds: [Prompt]
package govctl.rules.prompt

import rego.v1

import data.govctl.lib

# Parameter (govctl/catalog/parameters.yaml; overridable in govctl.yaml policy.parameters).
max_temperature := lib.param("GOV-PRM-004", "maxTemperature")

# Names written {{name}} anywhere in the prompt, over all roles.
used contains name if {
	input.subject.kind == "Prompt"
	some names in input.derived.variablesUsed
	some name in names
}

declared contains v.name if {
	input.subject.kind == "Prompt"
	some v in input.subject.spec.variables
}

undeclared := used - declared

# The same names as arrays, for the checks: sets are several times slower to build on regopy,
# and `x in array` answers the same as `x in set`. The sets above serve the messages.
used_names := [name |
	input.subject.kind == "Prompt"
	some names in input.derived.variablesUsed
	some name in names
]

declared_names := [v.name |
	input.subject.kind == "Prompt"
	some v in input.subject.spec.variables
]

is_declared(name) if name in declared_names

# has_undeclared: undeclared is not empty (the cheap test).
has_undeclared if {
	some name in used_names
	not is_declared(name)
}

braced(names) := concat(", ", [concat("", ["{{", n, "}}"]) | some n in sort(names)])

# METADATA
# title: Template variables match the declared variables
# description: >-
#   Every {{variable}} written in the messages (or the template file) is declared in
#   spec.variables with its source, and every declared variable is used.
# custom:
#   id: GOV-PRM-001
#   severity: error
#   component: model strategy
#   stage: baseline
#   waivable: true
#   kinds: [Prompt]
#   controls:
#     - ISO-42001:A.6.2.2
#     - NIST-AI-RMF:MEASURE-2.5
#     - EU-AI-ACT:Art.15
#   remediation: >-
#     Declare each variable the template uses in spec.variables with its source (user, retrieval
#     or system), and remove declarations the template does not use.
deny contains finding if {
	has_undeclared
	finding := {
		"rule": "GOV-PRM-001",
		"path": "spec.variables",
		"msg": concat("", [
			"the template uses ", braced(undeclared), " but spec.variables does not declare ",
			plural(undeclared, "it", "them"), " — declare each with its source (user, retrieval or",
			" system) or remove it from the template",
		]),
	}
}

deny contains finding if {
	input.subject.kind == "Prompt"
	some i, v in input.subject.spec.variables
	not v.name in used_names
	finding := {
		"rule": "GOV-PRM-001",
		"path": lib.path("spec.variables", i),
		"msg": concat("", [
			"variable ", v.name, " is declared but the template never uses {{", v.name,
			"}} — remove the declaration or use the variable",
		]),
	}
}

plural(xs, one, _) := one if count(xs) == 1

plural(xs, _, many) := many if count(xs) != 1

# METADATA
# title: User input stays out of system messages
# description: >-
#   A variable whose source is `user` must not be interpolated into a system message: user text
#   there can override the instructions (prompt injection).
# custom:
#   id: GOV-PRM-002
#   severity: error
#   component: security
#   stage: baseline
#   waivable: true
#   kinds: [Prompt]
#   controls:
#     - OWASP-LLM-2025:LLM01
#     - EU-AI-ACT:Art.15
#     - NIST-AI-RMF:MEASURE-2.7
#   remediation: >-
#     Move the user-supplied variable into a user message; keep system messages to instructions
#     and trusted (system or vetted retrieval) context.
deny contains finding if {
	input.subject.kind == "Prompt"
	in_system := object.get(input.derived.variablesUsed, "system", [])
	some i, v in input.subject.spec.variables
	v.source == "user"
	v.name in in_system
	finding := {
		"rule": "GOV-PRM-002",
		"path": lib.path("spec.variables", i),
		"msg": concat("", [
			"user-supplied variable {{", v.name, "}} is interpolated into a system message, where",
			" user text can override the instructions — move it into a user message",
		]),
	}
}

# METADATA
# title: No secrets in prompt text
# description: >-
#   API keys, private keys and tokens must never appear in prompt text: prompts are versioned,
#   logged, sent to providers and can be leaked by the model itself.
# custom:
#   id: GOV-PRM-003
#   severity: error
#   component: security
#   stage: baseline
#   waivable: false
#   kinds: [Prompt]
#   controls:
#     - OWASP-LLM-2025:LLM07
#     - OWASP-LLM-2025:LLM02
#     - EU-AI-ACT:Art.15
#     - NIST-AI-RMF:MEASURE-2.7
#   remediation: >-
#     Remove the secret from the prompt, rotate it (it is in git history now), and give the
#     application its credentials from a secret store at runtime.
deny contains finding if {
	input.subject.kind == "Prompt"
	has_secrets
	paths := {s.path | some s in input.derived.secrets}
	some p in paths
	types := {s.type | some s in input.derived.secrets; s.path == p}
	finding := {
		"rule": "GOV-PRM-003",
		"path": p,
		"msg": concat("", [
			"prompt text at ", p, " contains what looks like a secret (", lib.list(types),
			") — remove it, rotate the credential, and load secrets from a secret store at runtime",
		]),
	}
}

has_secrets if some _ in input.derived.secrets

# METADATA
# title: High-risk prompts sample conservatively
# description: >-
#   A prompt with riskTier high should use a temperature of maxTemperature (parameter, default
#   0.3) or lower, so that answers are reproducible enough to evaluate and review.
# custom:
#   id: GOV-PRM-004
#   severity: warning
#   component: model strategy
#   stage: full
#   waivable: true
#   kinds: [Prompt]
#   controls:
#     - EU-AI-ACT:Art.15
#     - OWASP-LLM-2025:LLM09
#     - NIST-AI-RMF:MEASURE-2.5
#   remediation: Set spec.parameters.temperature to 0.3 or lower for high-risk prompts.
warn contains finding if {
	input.subject.kind == "Prompt"
	input.subject.spec.riskTier == "high"
	temperature := input.subject.spec.parameters.temperature
	is_number(temperature)
	temperature > max_temperature
	finding := {
		"rule": "GOV-PRM-004",
		"path": "spec.parameters.temperature",
		"msg": concat("", [
			"high-risk prompt uses temperature ", lib.num(temperature),
			" — set ", lib.num(max_temperature), " or lower (maxTemperature)",
			" so answers are reproducible enough to",
			" evaluate and review",
		]),
	}
}
