# A 5-rule port of govctl's catalog for conftest (benchmarks/bench_conftest.py): the rules that
# need only the artifact file itself, written over the raw YAML document, as a conftest user
# would. govctl's own check runs all of its rules (with related artifacts) on the same files.
package main

import rego.v1

deployment if input.kind == "Deployment"

prod if {
	deployment
	input.spec.environment == "prod"
}

# GOV-CST-001: prod deployments cap tokens per request.
deny contains msg if {
	prod
	not input.spec.budget.maxInputTokens
	msg := sprintf("%s: prod deployment without maxInputTokens", [input.metadata.name])
}

# GOV-SEC-style: deployments require authentication.
deny contains msg if {
	deployment
	not input.spec.auth.required
	msg := sprintf("%s: authentication is not required", [input.metadata.name])
}

# GOV-REL-style: prod deployments retry with a timeout.
deny contains msg if {
	prod
	not input.spec.reliability.timeoutMs
	msg := sprintf("%s: no request timeout", [input.metadata.name])
}

# GOV-MON-style: logging enabled and PII redacted.
deny contains msg if {
	deployment
	not input.spec.logging.redactPII
	msg := sprintf("%s: logs keep personal data", [input.metadata.name])
}

# GOV-OVS-style: high-risk deployments have human oversight.
deny contains msg if {
	deployment
	input.spec.riskTier == "high"
	not input.spec.humanOversight.mode
	msg := sprintf("%s: high risk without human oversight", [input.metadata.name])
}
