# METADATA
# title: Guardrails
# description: >-
#   Rules on the GuardrailPolicy a Deployment references (spec.guardrails): the input and output
#   checks it must have, failing closed, and changes that weaken it. Findings belong to the
#   deployment and point at spec.guardrails: pick a stronger policy or strengthen this one.
# custom:
#   kinds: [Deployment]
package govctl.rules.guardrails

import rego.v1

import data.govctl.lib

input_checks := object.get(lib.guardrail.spec, "input", []) if lib.has_guardrail

input_checks := [] if not lib.has_guardrail

output_checks := object.get(lib.guardrail.spec, "output", []) if lib.has_guardrail

output_checks := [] if not lib.has_guardrail

# The check types, listed once per evaluation: `type in input_types` is about twice as cheap on
# regopy as iterating the checks for each lookup.
input_types := [check.type | some check in input_checks]

output_types := [check.type | some check in output_checks]

has_input(type) if type in input_types

has_output(type) if type in output_types

# policy_label: "guardrail policy customer-facing-strict" or a note that there is none.
policy_label := concat("", ["guardrail policy ", lib.guardrail.metadata.name]) if lib.has_guardrail

policy_label := "no guardrail policy (spec.guardrails)" if not lib.has_guardrail

# lacks(what): "guardrail policy x lacks <what>" / "deployment has no guardrail policy ...".
lacks(what) := concat("", [policy_label, " lacks ", what]) if lib.has_guardrail

lacks(what) := concat("", ["deployment has ", policy_label, ", so it lacks ", what]) if {
	not lib.has_guardrail
}

finding(rule_id, msg) := {"rule": rule_id, "path": "spec.guardrails", "msg": msg}

# METADATA
# title: User-facing staging and prod block prompt injection
# description: >-
#   A user-facing staging or prod deployment must run an input prompt_injection check whose
#   action is block.
# custom:
#   id: GOV-GRD-001
#   severity: error
#   component: guardrails
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - OWASP-LLM-2025:LLM01
#     - EU-AI-ACT:Art.15
#     - NIST-AI-RMF:MEASURE-2.7
#   remediation: >-
#     Add {type: prompt_injection, action: block} to the guardrail policy's input checks (or
#     reference a policy that has it).
deny contains finding("GOV-GRD-001", msg) if {
	lib.is_user_facing
	lib.is_staging_or_prod
	not blocks_prompt_injection
	msg := concat("", [
		lacks("an input prompt_injection check that blocks"), pi_detail,
		" — add {type: prompt_injection, action: ", sort(blocking_actions)[0],
		"} to its input checks (blocking actions: ", lib.list(blocking_actions), ")",
	])
}

# Parameter GOV-GRD-001 blockingActions (govctl/catalog/parameters.yaml): the actions that stop
# a prompt-injection attempt.
blocking_actions := lib.param("GOV-GRD-001", "blockingActions")

blocks_prompt_injection if {
	some check in input_checks
	check.type == "prompt_injection"
	check.action in blocking_actions
}

pi_actions contains check.action if {
	some check in input_checks
	check.type == "prompt_injection"
}

pi_detail := concat("", [" (its prompt_injection action is ", lib.list(pi_actions), ")"]) if {
	count(pi_actions) > 0
}

pi_detail := "" if count(pi_actions) == 0

# METADATA
# title: Personal data is detected on input and redacted on output
# description: >-
#   A deployment that processes pii must run an input pii_detection check and an output
#   pii_redaction check (parameters inputChecks and outputChecks: the check types required).
# custom:
#   id: GOV-GRD-002
#   severity: error
#   component: guardrails
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - OWASP-LLM-2025:LLM02
#     - GDPR:Art.25
#     - NIST-AI-RMF:MEASURE-2.10
#   remediation: >-
#     Add {type: pii_detection, action: redact} to the input checks and
#     {type: pii_redaction, action: redact} to the output checks.
deny contains finding("GOV-GRD-002", msg) if {
	lib.processes_pii
	not pii_checks_present
	msg := concat("", [
		lacks(lib.list(pii_missing)), " although the deployment processes pii",
		" — add the missing checks",
	])
}

# Parameters of GOV-GRD-002: the input and output check types a deployment with pii must run.
pii_input_checks := lib.param("GOV-GRD-002", "inputChecks")

pii_output_checks := lib.param("GOV-GRD-002", "outputChecks")

pii_checks_present if count(pii_missing) == 0

pii_missing contains concat(" ", ["input", type]) if {
	some type in pii_input_checks
	not has_input(type)
}

pii_missing contains concat(" ", ["output", type]) if {
	some type in pii_output_checks
	not has_output(type)
}

# METADATA
# title: Outputs are validated and safety-checked
# description: >-
#   A prod deployment should validate output format (format_validation); a user-facing one should
#   run an output safety check (parameters prodOutputChecks and userFacingOutputChecks).
# custom:
#   id: GOV-GRD-003
#   severity: warning
#   component: guardrails
#   stage: full
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - OWASP-LLM-2025:LLM05
#     - NIST-AI-RMF:MEASURE-2.6
#     - EU-AI-ACT:Art.15
#   remediation: >-
#     Add {type: format_validation, action: retry} (prod) and {type: safety, action: block}
#     (user-facing) to the output checks.
warn contains finding("GOV-GRD-003", msg) if {
	output_gap
	msg := concat("", [lacks(lib.list(output_missing)), " — add the missing output checks"])
}

# Parameters of GOV-GRD-003: the output check types every prod deployment, and every
# user-facing one, should run.
prod_output_checks := lib.param("GOV-GRD-003", "prodOutputChecks")

user_facing_output_checks := lib.param("GOV-GRD-003", "userFacingOutputChecks")

# output_gap: output_missing is not empty (the cheap test; the set is built for the message).
output_gap if {
	lib.is_prod
	some type in prod_output_checks
	not has_output(type)
}

output_gap if {
	lib.is_user_facing
	some type in user_facing_output_checks
	not has_output(type)
}

output_missing contains concat("", ["output ", type, " (prod)"]) if {
	lib.is_prod
	some type in prod_output_checks
	not has_output(type)
}

output_missing contains concat("", ["output ", type, " (user-facing)"]) if {
	lib.is_user_facing
	some type in user_facing_output_checks
	not has_output(type)
}

# METADATA
# title: High-risk guardrails fail closed
# description: >-
#   The guardrail policy of a high-risk deployment must block when a guardrail errors or times
#   out (onError: block), never let the request through.
# custom:
#   id: GOV-GRD-004
#   severity: error
#   component: guardrails
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - EU-AI-ACT:Art.15
#     - NIST-AI-RMF:MEASURE-2.6
#     - OWASP-LLM-2025:LLM01
#   remediation: Set onError to block in the guardrail policy.
deny contains finding("GOV-GRD-004", msg) if {
	lib.is_high_risk
	lib.guardrail.spec.onError == "allow"
	msg := concat("", [
		policy_label, " fails open (onError: allow) but this deployment is high-risk",
		" — set onError: block so a guardrail error blocks the request",
	])
}

# METADATA
# title: Guardrails of prod deployments are not weakened
# description: >-
#   A change must not weaken a guardrail policy that a prod deployment uses: removing a check,
#   raising a threshold, moving an action to a weaker one or setting onError to allow
#   (input.change, predicate guardrail.weakened).
# custom:
#   id: GOV-GRD-005
#   severity: error
#   component: guardrails
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - EU-AI-ACT:Art.9
#     - OWASP-LLM-2025:LLM01
#     - NIST-AI-RMF:MEASURE-2.7
#     - ISO-42001:A.6.2.5
#   remediation: >-
#     Revert the weakening, or introduce it as a new guardrail policy used first outside prod.
deny contains finding("GOV-GRD-005", msg) if {
	lib.is_prod
	record := input.change[input.derived.guardrails]
	"guardrail.weakened" in record.predicates
	msg := concat("", [
		"this change weakens ", policy_label, " used by ", lib.deployment_label, ": ",
		weakening_reasons(record), " — revert it, or roll the weaker policy out outside prod first",
	])
}

# Reasons are text built in Python (they quote values): joined in their given order, not sorted,
# because regopy would compare escaped bytes.
weakening_reasons(record) := concat("; ", record.reasons["guardrail.weakened"]) if {
	count(record.reasons["guardrail.weakened"]) > 0
}

weakening_reasons(record) := "a check was removed or loosened" if {
	not count(object.get(object.get(record, "reasons", {}), "guardrail.weakened", [])) > 0
}

# METADATA
# title: User-facing deployments filter topics
# description: >-
#   A user-facing deployment should restrict conversations to its intended use with an input
#   topic_filter check (parameter inputChecks: the input check types required; one finding per
#   missing type).
# custom:
#   id: GOV-GRD-006
#   severity: warning
#   component: guardrails
#   stage: full
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - ISO-42001:A.9.4
#     - NIST-AI-RMF:MAP-1.1
#     - OWASP-LLM-2025:LLM01
#   remediation: >-
#     Add {type: topic_filter, allowedTopics: [...], action: block} to the input checks.
warn contains finding("GOV-GRD-006", msg) if {
	lib.is_user_facing
	some type in user_facing_input_checks
	not has_input(type)
	msg := concat("", [
		lacks(concat(" ", ["an input", type])), " although the deployment is user-facing",
		" — add ", check_example(type),
	])
}

# Parameter GOV-GRD-006 inputChecks: the input check types a user-facing deployment should run.
user_facing_input_checks := lib.param("GOV-GRD-006", "inputChecks")

# check_example(type): the check to add, as YAML flow text.
check_example("topic_filter") := "{type: topic_filter, allowedTopics: [...], action: block}"

check_example(type) := concat("", ["{type: ", type, ", action: block}"]) if type != "topic_filter"
