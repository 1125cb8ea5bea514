"""A repository's own runtime rule (custom.kinds: [GatewayRoute]) shared by the gateway tests."""

from __future__ import annotations

TIMEOUT_RULE = """\
# METADATA
# title: Gateway model groups time out within two minutes
# custom:
#   id: NWB-RTM-001
#   severity: error
#   component: runtime
#   stage: baseline
#   kinds: [GatewayRoute]
#   controls: ["EU-AI-ACT:Art.15"]
#   remediation: Set litellm_params.timeout to 120 seconds or less.
package northwind.gateway_timeout

import rego.v1

deny contains finding if {
\tinput.deployed.timeout > 120
\tfinding := {
\t\t"rule": "NWB-RTM-001",
\t\t"msg": concat("", ["model group ", input.deployed.model_name, " waits longer than 120 s"]),
\t\t"path": "litellm_params.timeout",
\t}
}

deny contains finding if {
\tinput.approved == null
\tnot startswith(input.deployed.model_name, "shadow-")
\tfinding := {"rule": "NWB-RTM-001", "msg": "unapproved group", "path": ""}
}
"""
