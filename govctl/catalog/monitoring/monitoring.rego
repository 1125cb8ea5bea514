# METADATA
# title: Monitoring
# description: Prod deployments alert on latency, error rate and cost per request.
# custom:
#   kinds: [Deployment]
package govctl.rules.monitoring

import rego.v1

import data.govctl.lib

# alert_set(field): spec.monitoring.alerts[field] is present and not null.
alert_set(field) if {
	# Index input with a local, never with the argument: regopy scans every key otherwise.
	key := field # regal ignore:pointless-reassignment
	v := input.subject.spec.monitoring.alerts[key]
	v != null
}

# Parameter GOV-OBS-001 requiredAlerts (govctl/catalog/parameters.yaml): the alert fields a
# prod deployment sets; labels name the known ones in messages.
required_alerts := lib.param("GOV-OBS-001", "requiredAlerts")

alert_labels := {
	"p95LatencyMs": "p95 latency",
	"errorRate": "error rate",
	"costPerRequestUSD": "cost per request",
}

# METADATA
# title: Prod deployments alert on latency, errors and cost
# description: >-
#   A prod deployment must define monitoring alerts for p95 latency, error rate and cost per
#   request.
# custom:
#   id: GOV-OBS-001
#   severity: error
#   component: monitoring
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - EU-AI-ACT:Art.26
#     - NIST-AI-RMF:MEASURE-2.4
#     - NIST-AI-RMF:MANAGE-4.1
#     - ISO-42001:A.6.2.6
#   remediation: >-
#     Set spec.monitoring.alerts.p95LatencyMs, errorRate and costPerRequestUSD.
deny contains finding if {
	lib.is_prod
	some field in required_alerts
	not alert_set(field)
	label := object.get(alert_labels, field, field)
	finding := {
		"rule": "GOV-OBS-001",
		"path": concat("", ["spec.monitoring.alerts.", field]),
		"msg": concat("", [
			lib.deployment_label, " has no ", label, " alert",
			" — set spec.monitoring.alerts.", field,
		]),
	}
}
