# Shared helpers for the govctl policy catalog. This package defines no findings.
#
# Engine notes (regopy 1.5.2 vs OPA v1; see docs/policies.md "Engine caveats"):
# - Build messages with concat(), never sprintf("%s"/"%v") of a string that a builtin produced
#   (format_int, concat, lower, ...): regopy splices such strings in with their quotes.
# - Format numbers with num()/int_str(): sprintf("%v") of floats differs between the engines
#   (exponent form, precision), format_int() of negative floats rounds differently.
# - Sort before joining: set, object and nested-loop iteration orders differ between the engines.
# - Guard comparisons with is_number(): regopy orders null above numbers (null > 0 is true).
# - regopy reads JSON numbers with ~15 significant digits: compare computed amounts in cents.
# - regopy may evaluate body expressions out of order: bind optional values through string() /
#   number() instead of guarding them with a separate is_string()/is_number() expression.
# - Inside a comprehension, never index with a function argument (obj[arg]): regopy leaves the
#   argument unbound; use object.get(obj, arg, null).
# - Never negate a builtin call on a possibly undefined value (`not is_string(x.y)`, `not x.y in s`,
#   `not count(x.y) > 0`): OPA hoists the argument out of the negation (undefined), regopy
#   negates the whole call (true). Negate a helper rule or has(obj, key) instead.
#
# Speed notes: regopy evaluates each Deployment against ~40 rule bodies; measured on regopy 1.5.2
# (a rule or builtin costs ~5-25 us, so these patterns decide whether a deployment takes 4 or
# 14 ms):
# - No set of objects that embed artifacts (~0.3 ms per pass over a few members): iterate the
#   identity lists of input.derived and look input.related[id] up where a field is needed. Prefer
#   arrays to sets generally (sets are slow to build), booleans to bare object-valued rules (a bare
#   `lib.guardrail` as a condition costs ~40 us; see has_guardrail), and memoised rules to
#   functions called with constant arguments.
# - Inside a function, index input with a local, never with an argument or an expression of one:
#   `f(k) := input.related[k]` or `input.related[concat("", ["Prompt/", k])]` (head or body) make
#   regopy scan every key (~0.6 ms on input.related); `id := concat(...)` then
#   `input.related[id]` does not. Likewise bind before testing: `v := obj[k]; v != null`, not
#   `f(obj, k) := obj[k] if g(obj, k)` (~0.3-0.9 ms on a deployment spec).
# - In a body that iterates (`some x in xs`, `xs[_]`, `_ = x` counts too), regopy evaluates every
#   condition that uses none of the body's variables before anything else, whatever its position:
#   a cheap first guard does not protect an expensive one there. Fold such guards into one rule
#   whose own body short-circuits (see evaluation.evidence_stale) or keep them cheap.
# - Rules are evaluated completely: there is no early exit once a boolean rule or `some` found a
#   match. Guard expensive passes with a cheap necessary condition (model.sunset_near).
# - Test optional subject fields with a direct reference in a memoised rule
#   (`has_x if input.subject.spec.a.b != null`) and negate the rule, not a call.
# - Build messages only after the last guard (they are: `finding := {...}` comes last).
# - sort(), max() and min() compare integers as text on regopy (max([9, 10]) is 9): sort strings
#   only, and compare numbers with < and >.
# - govctl treats every rule named deny*, warn*, info* or violation* as a finding set: name
#   helpers otherwise.
package govctl.lib

import rego.v1

day_ns := 86400000000000

# --- presence ------------------------------------------------------------------------------

# has(obj, key): obj[key] is present and not null (YAML `key:` with no value parses as null).
has(obj, key) if {
	v := obj[key]
	v != null
}

# get(obj, key, fallback): obj[key], or fallback when absent or null.
get(obj, key, _) := v if {
	v := obj[key]
	v != null
}

get(obj, key, fallback) := fallback if not has(obj, key)

# number(obj, key): obj[key] when it is a number (undefined otherwise).
number(obj, key) := v if {
	v := obj[key]
	is_number(v)
}

# string(obj, key): obj[key] when it is a string (undefined otherwise).
# Bind optional fields through number()/string() before handing them to a builtin: regopy does
# not evaluate a rule body strictly in order (an expression that only needs `entry` may run
# before the guard `is_string(entry.x)`), and with strict builtin errors a builtin given a null
# fails the whole evaluation. A value bound by these functions is never null.
string(obj, key) := v if {
	v := obj[key]
	is_string(v)
}

# --- parameters ----------------------------------------------------------------------------

# param(rule, name): the effective value of a catalog parameter for the subject. govctl loads
# every parameter as data.govctl.parameters[rule][name] = {"value": v, "environments": {env: v},
# "riskTiers": {tier: v}} (defaults: parameters.yaml next to this catalog; overrides:
# govctl.yaml policy.parameters). A risk-tier override wins over an environment override, which
# wins over the global value. Call it from a rule with constant arguments, e.g.
# `min_cases := lib.param("GOV-EVL-001", "minCases")`, so it is computed once per subject.
param(rule, name) := resolve_param(data.govctl.parameters[rule][name], input.subject.spec)

# resolve_param(p, spec): the value of parameter entry p for a subject spec (see param).
resolve_param(p, spec) := v if {
	tier := spec.riskTier
	v := p.riskTiers[tier]
} else := v if {
	env := spec.environment
	v := p.environments[env]
} else := p.value

# --- formatting ----------------------------------------------------------------------------

# int_str(x): a non-negative integral number as decimal digits.
int_str(x) := format_int(x, 10)

# num(x): a number as text, the same on OPA and regopy: rounded to at most 6 decimals and written
# with integer arithmetic (sprintf("%v") of floats differs between the engines, and regopy's `%`
# returns malformed numbers for large operands). Values of 1e6 and more print as whole numbers.
num(x) := concat("", [sign(x, micros(x)), digits(micros(x))]) if abs(x) < 1000000

num(x) := concat("", [sign(x, 1), format_int(round(abs(x)), 10)]) if abs(x) >= 1000000

micros(x) := round(abs(x) * 1000000)

sign(x, m) := "-" if negative_nonzero(x, m)

sign(x, m) := "" if not negative_nonzero(x, m)

negative_nonzero(x, m) if {
	x < 0
	m > 0
}

# digits(m): m millionths as a decimal without trailing zeros.
digits(m) := format_int(floor(m / 1000000), 10) if m == floor(m / 1000000) * 1000000

digits(m) := concat(".", [
	format_int(floor(m / 1000000), 10),
	trim_right(substring(format_int((m - (floor(m / 1000000) * 1000000)) + 1000000, 10), 1, 6), "0"),
]) if {
	m != floor(m / 1000000) * 1000000
}

# cents(x): an amount in whole cents. Compare money in cents: regopy keeps about 15 significant
# digits of a JSON number (2024.5000000000002 reads as 2024.5) while OPA keeps all of them, so a
# projection that exceeds a ceiling only by float noise would otherwise differ between engines.
cents(x) := round(x * 100)

# money(x): a non-negative amount rounded up to whole units, after rounding to cents.
money(x) := format_int(ceil(cents(x) / 100), 10)

# list(xs): the strings of a set or array, sorted and joined with ", ".
list(xs) := concat(", ", sort(xs))

# path(base, i): "base[i]".
path(base, i) := concat("", [base, "[", format_int(i, 10), "]"])

# --- time ----------------------------------------------------------------------------------

# ns(ts): nanoseconds since the epoch of an RFC 3339 timestamp or a YYYY-MM-DD date (00:00 UTC).
# A trailing "Z" is rewritten to "+00:00" because regopy's parser rejects "Z".
ns(ts) := time.parse_rfc3339_ns(concat("", [ts, "T00:00:00+00:00"])) if count(ts) == 10

ns(ts) := time.parse_rfc3339_ns(concat("", [trim_suffix(ts, "Z"), "+00:00"])) if {
	count(ts) > 10
	endswith(ts, "Z")
}

ns(ts) := time.parse_rfc3339_ns(ts) if {
	count(ts) > 10
	not endswith(ts, "Z")
}

now_ns := ns(input.now)

# date(ts): the YYYY-MM-DD part of a date or timestamp.
date(ts) := substring(ts, 0, 10)

# --- the subject ---------------------------------------------------------------------------

subject := input.subject

spec := input.subject.spec

is_deployment if input.subject.kind == "Deployment"

environment := input.subject.spec.environment if is_deployment

is_prod if environment == "prod"

is_staging_or_prod if environment in {"staging", "prod"}

is_user_facing if {
	is_deployment
	input.subject.spec.userFacing == true
}

is_high_risk if {
	is_deployment
	input.subject.spec.riskTier == "high"
}

data_classes := {c | some c in input.subject.spec.dataClasses}

# processes_pii: the subject lists pii among its dataClasses (cheaper than "pii" in data_classes).
processes_pii if "pii" in input.subject.spec.dataClasses

# Short description used at the start of deployment messages, e.g. "prod deployment app-eu".
deployment_label := concat("", [environment, " deployment ", input.subject.metadata.name])

# --- resolved references (Deployment) ------------------------------------------------------

# The catalog iterates input.derived.models, whose entries are small
# ({ref, identity, role, path, sunsetNs}, primary first; identity null when the reference does
# not resolve, which GOV-REG-002 reports), and looks the Model up in input.related[identity]
# only where a rule needs one of its fields. role_label() and the finding paths read the entry.

# primary_entry: the input.derived.models entry of the primary model, when it resolves
# (undefined otherwise). govctl lists the primary first and at most once.
primary_entry := m if {
	is_deployment
	m := input.derived.models[0]
	m.role == "primary"
	_ = input.related[m.identity]
}

# primary_identity: the resolved primary model's identity, e.g. "Model/gpt-4o@2024-08-06".
primary_identity := primary_entry.identity

# models: the deployment's resolved models, primary first, each
# {ref, identity, role, path, index, sunsetNs, model} where model is the related Model artifact.
# Convenient for policies outside the catalog, but a set of objects that embed artifacts is slow
# on regopy (~0.3 ms per iteration of a few members): the catalog uses input.derived.models.
models contains entry if {
	is_deployment
	some i, m in input.derived.models
	m.identity != null
	model := input.related[m.identity]
	entry := {
		"ref": m.ref, "identity": m.identity, "role": m.role,
		"path": m.path, "index": i, "model": model,
		"sunsetNs": object.get(m, "sunsetNs", null),
	}
}

# primary: the entry of models for the primary model (a set of at most one; see models).
primary contains entry if {
	some entry in models
	entry.role == "primary"
}

# role_label(entry): "primary model gpt-4o@2024-08-06" or "fallback gpt-4o-mini@2024-07-18"
# (entry: an element of input.derived.models or of models).
role_label(entry) := concat("", ["primary model ", entry.ref]) if entry.role == "primary"

role_label(entry) := concat("", ["fallback ", entry.ref]) if entry.role != "primary"

# guardrail: the deployment's related GuardrailPolicy (undefined when none resolves).
guardrail := input.related[input.derived.guardrails] if {
	is_deployment
	input.derived.guardrails != null
}

# has_guardrail: the guardrail policy resolves (exactly when `lib.guardrail` as a condition holds).
# Test this boolean rather than `lib.guardrail` itself: a bare reference to an object-valued rule
# costs ~40 us on regopy.
has_guardrail if {
	# Bind the object first: the cheap form on regopy (see the speed notes above).
	policy := guardrail # regal ignore:pointless-reassignment
	policy != false
}

# eval_suite: the deployment's related EvalSuite (undefined when none resolves).
eval_suite := input.related[input.derived.evalSuite] if {
	is_deployment
	input.derived.evalSuite != null
}

# has_governing_rule: at least one governing ResidencyRule resolves. Rules iterate
# `some id in input.derived.residencyRules` and look the rule up where a field is needed.
has_governing_rule if {
	is_deployment
	some id in input.derived.residencyRules
	_ = input.related[id]
}

# residency_rules: the governing ResidencyRules of the deployment (slow on regopy like models;
# the catalog iterates input.derived.residencyRules).
residency_rules contains rule if {
	is_deployment
	some id in input.derived.residencyRules
	rule := input.related[id]
}
