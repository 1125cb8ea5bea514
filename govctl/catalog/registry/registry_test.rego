package govctl.rules.registry_test

import rego.v1

import data.govctl.rules.registry
import data.govctl.test.fixtures as fx

denies(inp) := r if {
	s := inp.subject
	d := inp.derived
	c := inp.change
	r := registry.deny with input.subject as s with input.derived as d with input.change as c
}

test_reg_005_passes_without_a_base if {
	count(denies(fx.prompt_input)) == 0
}

test_reg_005_passes_for_metadata_only_change if {
	inp := fx.patch(fx.prompt_input, [{"op": "add", "path": "/change", "value": {"Prompt/support-reply@1.4.0": {
		"type": "modified", "fromPath": null,
		"fields": [{"path": "metadata.description", "before": null, "after": "Support replies"}],
		"predicates": ["modified.metadata"], "reasons": {},
	}}}])
	count(denies(inp)) == 0
}

test_reg_005_passes_when_another_artifact_changed if {
	inp := fx.patch(fx.prompt_input, [{"op": "add", "path": "/change", "value": {"Prompt/support-reply@1.3.0": {
		"type": "modified", "fromPath": null,
		"fields": [{"path": "spec.changelog", "before": "a", "after": "b"}],
		"predicates": ["modified.spec", "prompt.released_version_mutated"], "reasons": {},
	}}}])
	count(denies(inp)) == 0
}

test_reg_005_fails_for_spec_change_of_released_version if {
	inp := fx.patch(fx.prompt_input, [{"op": "add", "path": "/change", "value": {"Prompt/support-reply@1.4.0": {
		"type": "modified", "fromPath": null,
		"fields": [
			{"path": "spec.parameters.temperature", "before": 0.2, "after": 0.5},
			{"path": "spec.messages[0].content", "before": "a", "after": "b"},
		],
		"predicates": ["modified.spec", "prompt.released_version_mutated"], "reasons": {},
	}}}])
	denies(inp) == {{
		"rule": "GOV-REG-005",
		"path": "metadata.version",
		"msg": "released prompt support-reply@1.4.0 changed spec.messages[0].content, spec.parameters.temperature since the base; released versions are immutable — restore it and publish the change as a new version (bump metadata.version in a new file)",
	}}
}

test_reg_005_fails_for_renamed_file_with_spec_change if {
	inp := fx.patch(fx.prompt_input, [{"op": "add", "path": "/change", "value": {"Prompt/support-reply@1.4.0": {
		"type": "renamed", "fromPath": "prompts/support/1.4.0.yaml",
		"fields": [], "predicates": ["renamed", "modified.spec"], "reasons": {},
	}}}])
	fx.at(denies(inp), "GOV-REG-005") == {"metadata.version"}
}
