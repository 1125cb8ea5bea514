package govctl.rules.data_test

import rego.v1

import data.govctl.rules.data as datarules
import data.govctl.test.fixtures as fx

warns(inp) := r if {
	s := inp.subject
	r := datarules.warn with input.subject as s
}

test_dat_001_passes_for_daily_refresh if {
	count(warns(fx.deployment_input)) == 0
}

test_dat_001_passes_for_exactly_a_week if {
	every cadence in ["P7D", "P1W", "P6DT24H", "PT168H", "P6DT23H59M60S"] {
		inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/retrieval/refreshCadence", "value": cadence}])
		count(warns(inp)) == 0
	}
}

test_dat_001_passes_without_retrieval if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/subject/spec/retrieval"}])
	count(warns(inp)) == 0
}

test_dat_001_warns_without_cadence if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/subject/spec/retrieval/refreshCadence"}])
	warns(inp) == {{
		"rule": "GOV-DAT-001",
		"path": "spec.retrieval.refreshCadence",
		"msg": "retrieval store pgvector-eu declares no refreshCadence — set spec.retrieval.refreshCadence to P7D or shorter",
	}}
}

test_dat_001_warns_for_cadences_over_a_week if {
	every cadence in ["P8D", "P1M", "P1Y", "P2W", "P7DT1S", "PT169H"] {
		inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/retrieval/refreshCadence", "value": cadence}])
		fx.at(warns(inp), "GOV-DAT-001") == {"spec.retrieval.refreshCadence"}
	}
}

test_dat_001_message_names_the_cadence if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/retrieval/refreshCadence", "value": "P1M"}])
	warns(inp) == {{
		"rule": "GOV-DAT-001",
		"path": "spec.retrieval.refreshCadence",
		"msg": "retrieval store pgvector-eu refreshes every P1M, longer than P7D (maxRefreshCadence) — refresh more often so answers use current documents",
	}}
}

test_dat_001_warns_for_null_cadence if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/retrieval/refreshCadence", "value": null}])
	fx.at(warns(inp), "GOV-DAT-001") == {"spec.retrieval.refreshCadence"}
}
