# METADATA
# title: Access, logging and abuse protection
# description: >-
#   Authentication for staging and prod, audit logs kept long enough and free of raw personal
#   data, and rate limits on user-facing prod.
# custom:
#   kinds: [Deployment]
package govctl.rules.security

import rego.v1

import data.govctl.lib

# Parameter (govctl/catalog/parameters.yaml; overridable in govctl.yaml policy.parameters).
min_retention_days := lib.param("GOV-SEC-002", "minRetentionDays")

logging := lib.get(lib.spec, "logging", {}) if lib.is_deployment

# Guards read the fields directly (cheap on regopy); `logging` above serves messages.
auth_required if input.subject.spec.auth.required == true

logging_enabled if input.subject.spec.logging.enabled == true

redacts_pii if input.subject.spec.logging.redactPII == true

has_rate_limit if input.subject.spec.rateLimit != null

retention_days := v if {
	lib.is_deployment
	v := input.subject.spec.logging.retentionDays
	is_number(v)
}

# METADATA
# title: Staging and prod require authentication
# description: A staging or prod deployment must require authenticated callers (auth.required).
# custom:
#   id: GOV-SEC-001
#   severity: error
#   component: security
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - EU-AI-ACT:Art.15
#     - NIST-AI-RMF:MEASURE-2.7
#     - OWASP-LLM-2025:LLM10
#     - ISO-42001:A.6.2.5
#   remediation: Set spec.auth.required to true (and rbac where roles differ).
deny contains finding if {
	lib.is_staging_or_prod
	not auth_required
	finding := {
		"rule": "GOV-SEC-001",
		"path": "spec.auth.required",
		"msg": concat("", [
			lib.deployment_label, " does not require authentication — set spec.auth.required: true",
		]),
	}
}

# METADATA
# title: Logs are kept long enough and redact personal data
# description: >-
#   A high-risk deployment must log, and keep its logs at least minRetentionDays (parameter,
#   default 180); a deployment that
#   logs pii must redact it (logging.redactPII).
# custom:
#   id: GOV-SEC-002
#   severity: error
#   component: security
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - EU-AI-ACT:Art.12
#     - EU-AI-ACT:Art.26
#     - ISO-42001:A.6.2.8
#     - OWASP-LLM-2025:LLM02
#   remediation: >-
#     Enable logging with retentionDays of at least 180 for high-risk deployments, and set
#     redactPII: true when the deployment processes pii.
deny contains finding if {
	lib.is_high_risk
	not logging_enabled
	finding := {
		"rule": "GOV-SEC-002",
		"path": "spec.logging.enabled",
		"msg": concat("", [
			"high-risk ", lib.deployment_label, " does not keep logs",
			" — enable spec.logging with retentionDays of at least ", lib.int_str(min_retention_days),
		]),
	}
}

deny contains finding if {
	lib.is_high_risk
	logging_enabled
	not retained_long_enough
	finding := {
		"rule": "GOV-SEC-002",
		"path": "spec.logging.retentionDays",
		"msg": concat("", [
			"high-risk ", lib.deployment_label, " keeps logs for ", retention_text,
			" — set spec.logging.retentionDays to at least ", lib.int_str(min_retention_days),
		]),
	}
}

deny contains finding if {
	lib.is_deployment
	logging_enabled
	not redacts_pii
	lib.processes_pii
	finding := {
		"rule": "GOV-SEC-002",
		"path": "spec.logging.redactPII",
		"msg": concat("", [
			lib.deployment_label, " processes pii and logs without redaction",
			" — set spec.logging.redactPII: true",
		]),
	}
}

retained_long_enough if retention_days >= min_retention_days

retention_text := concat("", [lib.num(retention_days), " days"]) if retention_declared

retention_text := "an undeclared period" if not retention_declared

retention_declared if is_number(retention_days)

# METADATA
# title: User-facing prod is rate limited
# description: A user-facing prod deployment should declare rateLimit.requestsPerMinute.
# custom:
#   id: GOV-SEC-003
#   severity: warning
#   component: scaling
#   stage: full
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - OWASP-LLM-2025:LLM10
#     - ISO-42001:A.4.5
#     - NIST-AI-RMF:MEASURE-2.7
#   remediation: Set spec.rateLimit.requestsPerMinute.
warn contains finding if {
	lib.is_user_facing
	lib.is_prod
	not has_rate_limit
	finding := {
		"rule": "GOV-SEC-003",
		"path": "spec.rateLimit",
		"msg": concat("", [
			"user-facing ", lib.deployment_label, " has no rate limit",
			" — set spec.rateLimit.requestsPerMinute to protect cost and capacity from abuse",
		]),
	}
}
