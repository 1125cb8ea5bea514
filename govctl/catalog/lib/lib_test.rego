package govctl.lib_test

import rego.v1

import data.govctl.lib

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
