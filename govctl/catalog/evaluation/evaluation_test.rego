package govctl.rules.evaluation_test

import rego.v1

import data.govctl.rules.evaluation
import data.govctl.test.fixtures as fx

denies(inp) := r if {
	s := inp.subject
	rel := inp.related
	d := inp.derived
	n := inp.now
	r := evaluation.deny with input.subject as s with input.related as rel with input.derived as d with input.now as n
}

warns(inp) := r if {
	s := inp.subject
	rel := inp.related
	d := inp.derived
	n := inp.now
	r := evaluation.warn with input.subject as s with input.related as rel with input.derived as d with input.now as n
}

test_clean_deployment_and_suite_have_no_findings if {
	count(denies(fx.deployment_input)) == 0
	count(warns(fx.deployment_input)) == 0
	count(denies(fx.suite_input)) == 0
	count(warns(fx.suite_input)) == 0
}

# GOV-EVL-001 ------------------------------------------------------------------------------

test_evl_001_passes_for_dev_without_suite if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/environment", "value": "dev"},
		{"op": "add", "path": "/derived/evalSuite", "value": null},
	])
	not "GOV-EVL-001" in fx.rules(denies(inp))
}

test_evl_001_passes_at_exactly_200_cases if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/derived/dataset/cases", "value": 200}])
	not "GOV-EVL-001" in fx.rules(denies(inp))
}

test_evl_001_fails_without_suite if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "remove", "path": "/subject/spec/evalSuite"},
		{"op": "add", "path": "/derived/evalSuite", "value": null},
		{"op": "add", "path": "/derived/dataset", "value": null},
		{"op": "add", "path": "/derived/evalRuns", "value": []},
	])
	fx.only(denies(inp), "GOV-EVL-001") == {{
		"rule": "GOV-EVL-001",
		"path": "spec.evalSuite",
		"msg": "prod deployment support-assistant-eu-prod has no eval suite — reference one whose dataset holds at least 200 cases",
	}}
}

test_evl_001_fails_for_199_cases if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/environment", "value": "staging"},
		{"op": "add", "path": "/derived/dataset/cases", "value": 199},
	])
	fx.only(denies(inp), "GOV-EVL-001") == {{
		"rule": "GOV-EVL-001",
		"path": "spec.evalSuite",
		"msg": "eval suite support-reply-golden dataset registry/evals/datasets/support-golden.jsonl has 199 cases; a staging deployment needs at least 200 (minCases) cases — add cases to the dataset",
	}}
}

test_evl_001_fails_for_missing_dataset_file if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/derived/dataset/exists", "value": false},
		{"op": "add", "path": "/derived/dataset/cases", "value": 0},
	])
	fx.at(denies(inp), "GOV-EVL-001") == {"spec.evalSuite"}
}

# GOV-EVL-002 ------------------------------------------------------------------------------

test_evl_002_passes_for_staging_without_runs if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/environment", "value": "staging"},
		{"op": "add", "path": "/derived/evalRuns", "value": []},
	])
	not "GOV-EVL-002" in fx.rules(denies(inp))
}

test_evl_002_fails_when_prompt_changed_since_the_run if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/Prompt~1support-reply@1.4.0/digest", "value": "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}])
	fx.only(denies(inp), "GOV-EVL-002") == {{
		"rule": "GOV-EVL-002",
		"path": "spec.evalSuite",
		"msg": "no passing EvalRun of suite support-reply-golden covers prompt support-reply@1.4.0 (sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff), model gpt-4o@2024-08-06 and dataset sha256:6666666666666666666666666666666666666666666666666666666666666666 (none of the suite's 1 EvalRuns matches these digests) — run the suite against exactly this prompt and model and commit the EvalRun",
	}}
}

test_evl_002_fails_when_a_metric_misses_its_threshold if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/EvalRun~1support-reply-golden-2026-11-20/spec/results/p95_latency_ms", "value": 2100}])
	some f in fx.only(denies(inp), "GOV-EVL-002")
	f.path == "spec.evalSuite"
	endswith(f.msg, "(1 matching EvalRuns, none passed every metric of the suite) — run the suite against exactly this prompt and model and commit the EvalRun")
}

test_evl_002_fails_when_a_metric_is_missing if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/related/EvalRun~1support-reply-golden-2026-11-20/spec/results/factual_accuracy"}])
	fx.at(denies(inp), "GOV-EVL-002") == {"spec.evalSuite"}
}

test_evl_002_fails_for_run_on_another_model if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/EvalRun~1support-reply-golden-2026-11-20/spec/model", "value": "gpt-4o-mini@2024-07-18"}])
	fx.at(denies(inp), "GOV-EVL-002") == {"spec.evalSuite"}
}

test_evl_002_fails_without_runs if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/derived/evalRuns", "value": []}])
	fx.only(denies(inp), "GOV-EVL-002") == {{
		"rule": "GOV-EVL-002",
		"path": "spec.evalSuite",
		"msg": "no passing EvalRun of suite support-reply-golden covers prompt support-reply@1.4.0 (sha256:3333333333333333333333333333333333333333333333333333333333333333), model gpt-4o@2024-08-06 and dataset sha256:6666666666666666666666666666666666666666666666666666666666666666 (the suite has no EvalRuns) — run the suite against exactly this prompt and model and commit the EvalRun",
	}}
}

# GOV-EVL-003 ------------------------------------------------------------------------------

test_evl_003_passes_at_30_days if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/related/EvalRun~1support-reply-golden-2026-11-20/spec/completedAt", "value": "2026-10-23T00:00:00+00:00"},
		{"op": "add", "path": "/derived/evalEvidence/0/completedAtNs", "value": 1792713600000000000},
	])
	count(warns(inp)) == 0
}

test_evl_003_warns_for_stale_run if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/related/EvalRun~1support-reply-golden-2026-11-20/spec/completedAt", "value": "2026-10-01T09:30:00+00:00"},
		{"op": "add", "path": "/derived/evalEvidence/0/completedAtNs", "value": 1790847000000000000},
	])
	count(denies(inp)) == 0
	warns(inp) == {{
		"rule": "GOV-EVL-003",
		"path": "spec.evalSuite",
		"msg": "the newest passing EvalRun support-reply-golden-2026-11-20 completed on 2026-10-01, 51 days ago (limit 30) — re-run the suite and commit the new EvalRun",
	}}
}

# Two passing runs: the newest decides. A fresh one spares the warning however old the others are.
older_run := fx.patch(fx.run, [
	{"op": "add", "path": "/identity", "value": "EvalRun/support-reply-golden-2026-10-01"},
	{"op": "add", "path": "/metadata/name", "value": "support-reply-golden-2026-10-01"},
	{"op": "add", "path": "/spec/completedAt", "value": "2026-10-01T09:30:00+00:00"},
])

with_older_run(newest_at, newest_ns) := fx.patch(fx.deployment_input, [
	{"op": "add", "path": "/related/EvalRun~1support-reply-golden-2026-10-01", "value": older_run},
	{"op": "add", "path": "/derived/evalRuns/-", "value": "EvalRun/support-reply-golden-2026-10-01"},
	{"op": "add", "path": "/derived/evalEvidence/-", "value": {
		"identity": "EvalRun/support-reply-golden-2026-10-01", "passed": true, "promptMatches": true,
		"promptDigestMatches": true, "modelMatches": true, "datasetDigestMatches": true,
		"completedAtNs": 1790847000000000000,
	}},
	{"op": "add", "path": "/related/EvalRun~1support-reply-golden-2026-11-20/spec/completedAt", "value": newest_at},
	{"op": "add", "path": "/derived/evalEvidence/0/completedAtNs", "value": newest_ns},
])

test_evl_003_passes_when_the_newest_of_several_runs_is_fresh if {
	count(warns(with_older_run("2026-11-20T10:00:00+00:00", 1795168800000000000))) == 0
}

test_evl_003_names_the_newest_of_several_stale_runs if {
	warns(with_older_run("2026-10-11T00:00:00+00:00", 1791676800000000000)) == {{
		"rule": "GOV-EVL-003",
		"path": "spec.evalSuite",
		"msg": "the newest passing EvalRun support-reply-golden-2026-11-20 completed on 2026-10-11, 42 days ago (limit 30) — re-run the suite and commit the new EvalRun",
	}}
}

# GOV-EVL-005 (and GOV-EVL-002/003 ignoring evidence dated after now) -------------------------

run_input(at, ns) := {
	"subject": fx.patch(fx.run, [{"op": "add", "path": "/spec/completedAt", "value": at}]),
	"related": {fx.suite.identity: fx.suite},
	"derived": {"suite": fx.suite.identity, "completedAtNs": ns, "metrics": [], "passed": true},
	"config": {},
	"now": fx.now,
	"change": null,
}

deployment_with_run_at(at, ns) := fx.patch(fx.deployment_input, [
	{"op": "add", "path": "/related/EvalRun~1support-reply-golden-2026-11-20/spec/completedAt", "value": at},
	{"op": "add", "path": "/derived/evalEvidence/0/completedAtNs", "value": ns},
])

test_evl_005_passes_for_a_run_completed_exactly_now if {
	count(denies(run_input("2026-11-22T00:00:00+00:00", 1795305600000000000))) == 0
}

test_evl_005_fails_for_a_run_dated_tomorrow if {
	denies(run_input("2026-11-23T00:00:00+00:00", 1795392000000000000)) == {{
		"rule": "GOV-EVL-005",
		"path": "spec.completedAt",
		"msg": "EvalRun support-reply-golden-2026-11-20 says it completed on 2026-11-23, after the time of this check (2026-11-22) — evidence from the future is not evidence; set completedAt to when the run really completed",
	}}
}

test_evl_005_fails_for_a_run_dated_in_year_9999 if {
	fx.rules(denies(run_input("9999-01-01T00:00:00+00:00", 253370764800000000000))) == {"GOV-EVL-005"}
}

test_evl_002_does_not_accept_a_run_dated_after_now if {
	inp := deployment_with_run_at("9999-01-01T00:00:00+00:00", 253370764800000000000)
	fx.rules(denies(inp)) == {"GOV-EVL-002"}
	count(warns(inp)) == 0
	some finding in denies(inp)
	contains(finding.msg, "1 of them dated after now, which is not evidence (GOV-EVL-005)")
}

test_evl_002_accepts_a_run_completed_exactly_now if {
	count(denies(deployment_with_run_at("2026-11-22T00:00:00+00:00", 1795305600000000000))) == 0
}

# GOV-EVL-004 ------------------------------------------------------------------------------

test_evl_004_passes_with_both_tags if {
	count(warns(fx.suite_input)) == 0
}

test_evl_004_warns_without_adversarial_cases if {
	inp := fx.patch(fx.suite_input, [{"op": "add", "path": "/derived/dataset/tagCounts", "value": {"edge_case": 12, "regression": 4}}])
	warns(inp) == {{
		"rule": "GOV-EVL-004",
		"path": "spec.dataset",
		"msg": "dataset registry/evals/datasets/support-golden.jsonl has no cases tagged adversarial — add such cases (each case lists its tags in its tags field)",
	}}
}

test_evl_004_warns_for_zero_counts if {
	inp := fx.patch(fx.suite_input, [{"op": "add", "path": "/derived/dataset/tagCounts", "value": {"edge_case": 0, "adversarial": 0}}])
	fx.at(warns(inp), "GOV-EVL-004") == {"spec.dataset"}
}
