# The same five rules for `conftest test --combine` (benchmarks/bench_conftest.py): two of them
# need another file (the deployment's model), as most of govctl's catalog does, so every file is
# parsed into one input array and the rules join over it, as a conftest user porting related-
# artifact rules would write them.
package main

import rego.v1

deployments contains d if {
	some file in input
	d := file.contents
	d.kind == "Deployment"
}

models[ref] := m if {
	some file in input
	m := file.contents
	m.kind == "Model"
	ref := concat("@", [m.metadata.name, m.metadata.version])
}

# GOV-CST-001: prod deployments cap tokens per request.
deny contains msg if {
	some d in deployments
	d.spec.environment == "prod"
	not d.spec.budget.maxInputTokens
	msg := sprintf("%s: prod deployment without maxInputTokens", [d.metadata.name])
}

# GOV-SEC-style: deployments require authentication.
deny contains msg if {
	some d in deployments
	not d.spec.auth.required
	msg := sprintf("%s: authentication is not required", [d.metadata.name])
}

# GOV-RES-style (needs the model): the model is hosted where the users are.
deny contains msg if {
	some d in deployments
	m := models[d.spec.model]
	every zone in m.spec.hosting.jurisdictions {
		not zone in d.spec.userJurisdictions
	}
	msg := sprintf("%s: model %s is hosted outside the users' jurisdictions", [d.metadata.name, d.spec.model])
}

# GOV-MDL-style (needs the model): no deprecated model in use.
deny contains msg if {
	some d in deployments
	models[d.spec.model].spec.status == "deprecated"
	msg := sprintf("%s: model %s is deprecated", [d.metadata.name, d.spec.model])
}

# GOV-OVS-style: high-risk deployments have human oversight.
deny contains msg if {
	some d in deployments
	d.spec.riskTier == "high"
	not d.spec.humanOversight.mode
	msg := sprintf("%s: high risk without human oversight", [d.metadata.name])
}
