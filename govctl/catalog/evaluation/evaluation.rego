# METADATA
# title: Evaluation gates
# description: >-
#   Evidence that what is deployed was evaluated: a golden dataset of at least 200 cases, a
#   passing EvalRun for the exact prompt digest, primary model and dataset digest, kept fresh,
#   and datasets that cover adversarial and edge cases. Case counts, tag counts and digests are
#   computed by govctl (input.derived.dataset); declared numbers are not trusted.
# custom:
#   kinds: [Deployment, EvalSuite, EvalRun]
package govctl.rules.evaluation

import rego.v1

import data.govctl.lib

# Parameters (govctl/catalog/parameters.yaml; overridable in govctl.yaml policy.parameters).
min_cases := lib.param("GOV-EVL-001", "minCases")

max_age_days := lib.param("GOV-EVL-003", "maxAgeDays")

required_tags := {tag | some tag in lib.param("GOV-EVL-004", "requiredTags")}

# METADATA
# title: Staging and prod deployments have an eval suite of 200+ cases
# description: >-
#   A staging or prod deployment must have an eval suite whose dataset holds at least minCases
#   cases (parameter, default 200).
# custom:
#   id: GOV-EVL-001
#   severity: error
#   component: evaluation
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - EU-AI-ACT:Art.9
#     - NIST-AI-RMF:MEASURE-2.3
#     - ISO-42001:A.6.2.4
#   remediation: >-
#     Reference an eval suite (spec.evalSuite) whose JSONL dataset holds at least 200 cases.
deny contains finding if {
	lib.is_staging_or_prod
	not lib.eval_suite
	finding := {
		"rule": "GOV-EVL-001",
		"path": "spec.evalSuite",
		"msg": concat("", [
			lib.deployment_label, " has no eval suite — reference one whose dataset holds at least ",
			lib.int_str(min_cases), " cases",
		]),
	}
}

deny contains finding if {
	lib.is_staging_or_prod
	dataset_too_small
	suite := lib.eval_suite
	dataset := input.derived.dataset
	finding := {
		"rule": "GOV-EVL-001",
		"path": "spec.evalSuite",
		"msg": concat("", [
			"eval suite ", suite.metadata.name, " ", dataset_state(dataset), "; a ",
			lib.environment, " deployment needs at least ", lib.int_str(min_cases), " (minCases)",
			" cases — add cases to the dataset",
		]),
	}
}

# dataset_too_small: input.derived.dataset (the suite's, computed by govctl) is null, missing its
# file, or holds fewer than min_cases cases.
dataset_too_small if input.derived.dataset == null

dataset_too_small if input.derived.dataset.exists != true

dataset_too_small if {
	input.derived.dataset.exists == true
	not enough_cases
}

enough_cases if {
	cases := input.derived.dataset.cases
	is_number(cases)
	cases >= min_cases
}

dataset_state(null) := "has no dataset"

dataset_state(dataset) := concat("", ["dataset ", dataset.path, " does not exist"]) if {
	dataset != null
	dataset.exists != true
}

dataset_state(dataset) := concat("", [
	"dataset ", dataset.path, " has ", lib.int_str(cases), " cases",
]) if {
	dataset != null
	dataset.exists == true
	cases := lib.get(dataset, "cases", 0)
}

# --- EvalRuns ------------------------------------------------------------------------------

prompt := input.related[input.derived.prompt] if {
	lib.is_deployment
	input.derived.prompt != null
}

# run_ids: the identities of the EvalRuns of the deployment's suite that resolve. Runs are
# looked up by identity where needed: a set of run artifacts is slow to build on regopy.
run_ids contains id if {
	lib.is_deployment
	some id in input.derived.evalRuns
	_ = input.related[id]
}

metric_passes(metric, results) if {
	name := metric.name
	value := results[name]
	is_number(value)
	threshold := metric.threshold
	is_number(threshold)
	meets(value, threshold, object.get(metric, "direction", "higher"))
}

meets(value, threshold, "lower") if value <= threshold

meets(value, threshold, direction) if {
	direction != "lower"
	value >= threshold
}

run_passed(run) if {
	every metric in lib.eval_suite.spec.metrics {
		metric_passes(metric, run.spec.results)
	}
}

# matching_run_ids: the runs for exactly what is deployed (prompt digest, primary model, dataset
# digest); passing_run_ids: those that passed every metric of the suite.
# Metrics are only checked for matching runs (run_passed costs ~50 us per metric on regopy).
matching_run_ids contains id if {
	lib.is_deployment
	some id in input.derived.evalRuns
	spec := input.related[id].spec
	spec.promptDigest == prompt.digest
	concat("", ["Model/", spec.model]) == lib.primary_identity
	spec.datasetDigest == input.derived.dataset.digest
}

passing_run_ids contains id if {
	some id in matching_run_ids
	not dated_after_now(id)
	run_passed(input.related[id])
}

# dated_after_now: a run that claims to complete after input.now is not evidence (GOV-EVL-005
# reports it on the EvalRun): a date far in the future would otherwise keep GOV-EVL-003 quiet.
dated_after_now(id) if completed_at[input.related[id].identity] > lib.now_ns

future_matching_ids contains id if {
	some id in matching_run_ids
	dated_after_now(id)
}

has_passing_run if some _ in passing_run_ids

primary_ref := lib.primary_entry.ref

primary_ref := "(unresolved)" if not lib.primary_entry

# METADATA
# title: Prod deployments have passing evidence for exactly what they serve
# description: >-
#   A prod deployment needs an EvalRun of its suite that passed every suite metric for the exact
#   prompt digest, primary model and dataset digest it serves.
# custom:
#   id: GOV-EVL-002
#   severity: error
#   component: evaluation
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - EU-AI-ACT:Art.15
#     - NIST-AI-RMF:MEASURE-2.3
#     - ISO-42001:A.6.2.4
#   remediation: >-
#     Run the eval suite against the deployed prompt version and primary model, and commit the
#     EvalRun with the digests govctl reports.
deny contains finding if {
	lib.is_prod
	suite := lib.eval_suite
	not has_passing_run
	finding := {
		"rule": "GOV-EVL-002",
		"path": "spec.evalSuite",
		"msg": concat("", [
			"no passing EvalRun of suite ", suite.metadata.name, " covers prompt ",
			prompt.metadata.name, "@", prompt.metadata.version, " (", prompt.digest, "), model ",
			primary_ref, " and dataset ", dataset_digest, runs_note, future_note,
			" — run the suite against exactly this prompt and model and commit the EvalRun",
		]),
	}
}

dataset_digest := lib.get(lib.get(input.derived, "dataset", {}), "digest", "(no digest)")

runs_note := concat("", [
	" (none of the suite's ", lib.int_str(count(run_ids)), " EvalRuns matches these digests)",
]) if {
	count(run_ids) > 0
	count(matching_run_ids) == 0
}

runs_note := concat("", [
	" (", lib.int_str(count(matching_run_ids)),
	" matching EvalRuns, none passed every metric of the suite)",
]) if {
	count(matching_run_ids) > 0
}

runs_note := " (the suite has no EvalRuns)" if count(run_ids) == 0

default future_note := ""

future_note := concat("", [
	"; ", lib.int_str(count(future_matching_ids)),
	" of them dated after now, which is not evidence (GOV-EVL-005)",
]) if {
	count(future_matching_ids) > 0
}

# newest_name: the name of the newest passing run (the first by name of equally new ones).
newest_name := sort(names)[0] if {
	names := [candidate.metadata.name |
		some candidate_id in passing_run_ids
		candidate := input.related[candidate_id]
		completed_at[candidate.identity] == newest_ns
	]
}

# completed_at: run identity → when the run completed, in epoch nanoseconds, computed by govctl
# (input.derived.evalEvidence[].completedAtNs): timestamps are never parsed in Rego. Built once
# per evaluation, then looked up (a function scanning the evidence list costs that scan per run).
completed_at[evidence.identity] := evidence.completedAtNs if {
	some evidence in input.derived.evalEvidence
	is_number(evidence.completedAtNs)
}

newest_ns := max({completed_at[input.related[id].identity] | some id in passing_run_ids})

# fresh_run: a passing run completed within max_age_days (then the newest one did too): the cheap
# test that spares computing newest_ns for fresh evidence.
fresh_run if {
	some id in passing_run_ids
	ns := completed_at[input.related[id].identity]
	lib.now_ns - ns <= max_age_days * lib.day_ns
}

# evidence_stale: the guard of GOV-EVL-003 as one rule. regopy evaluates every condition of a body
# that iterates (`some ... in`) which does not use the iteration's variables before iterating,
# whatever its position: has_passing_run and fresh_run would run for every deployment.
evidence_stale if {
	lib.is_prod
	has_passing_run
	not fresh_run
}

# METADATA
# title: Evaluation evidence is fresh
# description: >-
#   The newest passing EvalRun behind a prod deployment should be at most maxAgeDays old
#   (parameter, default 30).
# custom:
#   id: GOV-EVL-003
#   severity: warning
#   component: evaluation
#   stage: full
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - NIST-AI-RMF:MEASURE-2.4
#     - ISO-42001:A.6.2.6
#     - EU-AI-ACT:Art.9
#   remediation: Re-run the eval suite and commit the new EvalRun.
warn contains finding if {
	evidence_stale
	age_ns := lib.now_ns - newest_ns
	age_ns > max_age_days * lib.day_ns
	some id in passing_run_ids
	run := input.related[id]
	run.metadata.name == newest_name
	finding := {
		"rule": "GOV-EVL-003",
		"path": "spec.evalSuite",
		"msg": concat("", [
			"the newest passing EvalRun ", run.metadata.name, " completed on ",
			lib.date(run.spec.completedAt), ", ", lib.int_str(floor(age_ns / lib.day_ns)),
			" days ago (limit ", lib.int_str(max_age_days), ")",
			" — re-run the suite and commit the new EvalRun",
		]),
	}
}

# METADATA
# title: Evaluation evidence is not dated in the future
# description: >-
#   An EvalRun whose completedAt lies after the time of the check (input.now) cannot be evidence:
#   it is ignored by GOV-EVL-002 and GOV-EVL-003, and reported on the run itself.
# custom:
#   id: GOV-EVL-005
#   severity: error
#   component: evaluation
#   stage: baseline
#   waivable: false
#   kinds: [EvalRun]
#   controls:
#     - EU-AI-ACT:Art.15
#     - NIST-AI-RMF:MEASURE-2.3
#     - ISO-42001:A.6.2.4
#   remediation: >-
#     Set spec.completedAt to when the run really completed (RFC 3339, e.g. 2026-11-20T10:00:00Z);
#     a check evaluated as of an earlier --now does not see later evidence.
deny contains finding if {
	input.subject.kind == "EvalRun"
	ns := input.derived.completedAtNs
	is_number(ns)
	ns > lib.now_ns
	finding := {
		"rule": "GOV-EVL-005",
		"path": "spec.completedAt",
		"msg": concat("", [
			"EvalRun ", input.subject.metadata.name, " says it completed on ",
			lib.date(input.subject.spec.completedAt), ", after the time of this check (",
			lib.date(input.now), ") — evidence from the future is not evidence; set completedAt to ",
			"when the run really completed",
		]),
	}
}

has_cases(dataset, tag) if {
	n := dataset.tagCounts[tag]
	is_number(n)
	n > 0
}

# METADATA
# title: Eval datasets cover adversarial and edge cases
# description: >-
#   An eval suite's dataset should hold cases tagged adversarial and cases tagged edge_case
#   (counted by govctl from each case's "tags").
# custom:
#   id: GOV-EVL-004
#   severity: warning
#   component: evaluation
#   stage: full
#   waivable: true
#   kinds: [EvalSuite]
#   controls:
#     - OWASP-LLM-2025:LLM01
#     - NIST-AI-RMF:MEASURE-2.7
#     - EU-AI-ACT:Art.15
#     - ISO-42001:A.6.2.4
#   remediation: Add cases tagged adversarial and edge_case to the dataset.
warn contains finding if {
	input.subject.kind == "EvalSuite"
	dataset := input.derived.dataset
	dataset.exists == true
	missing := {tag | some tag in required_tags; not has_cases(dataset, tag)}
	count(missing) > 0
	finding := {
		"rule": "GOV-EVL-004",
		"path": "spec.dataset",
		"msg": concat("", [
			"dataset ", dataset.path, " has no cases tagged ", lib.list(missing),
			" — add such cases (each case lists its tags in its tags field)",
		]),
	}
}
