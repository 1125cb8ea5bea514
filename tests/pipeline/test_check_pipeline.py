"""The check pipeline end to end on small real repositories: exit codes, determinism, cache
invalidation, engine failures, waivers, scoping by path."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govctl.api import CheckOptions, check
from govctl.errors import EngineError
from tests.conftest import NOW, run_cli

POLICY = """\
# METADATA
# title: Test rules
# custom:
#   kinds: [Deployment, Prompt]
package test.rules

import rego.v1

# METADATA
# title: prod deployments need auth
# custom:
#   id: TST-SEC-001
#   severity: error
#   waivable: true
#   controls: ["EU-AI-ACT:Art.15"]
deny contains {"rule": "TST-SEC-001", "msg": "prod deployment without auth", "path": "spec.auth"} if {
  input.subject.kind == "Deployment"
  input.subject.spec.environment == "prod"
  not input.subject.spec.auth.required
}

# METADATA
# title: deployments should use an approved model
# custom:
#   id: TST-MDL-001
#   severity: warning
#   waivable: false
warn contains {"rule": "TST-MDL-001", "msg": sprintf("model %s is %s", [m.ref, s]), "path": m.path} if {
  input.subject.kind == "Deployment"
  some m in input.derived.models
  s := input.related[m.identity].spec.status
  s != "approved"
}

# METADATA
# title: prompts are not high risk
# custom:
#   id: TST-PRM-001
#   severity: info
info contains {"rule": "TST-PRM-001", "msg": "high-risk prompt", "path": "spec.riskTier"} if {
  input.subject.kind == "Prompt"
  input.subject.spec.riskTier == "high"
}
"""

MODEL = """\
apiVersion: govctl/v1
kind: Model
metadata: {{name: {name}, version: "2024-08-06", owner: team-a}}
spec:
  provider: openai
  providerModelId: {name}
  status: {status}
  hosting: {{regions: [westeurope], jurisdictions: [EU]}}
  dataHandling: {{trainsOnInputs: false}}
  pricing: {{inputPer1M: 2.5, outputPer1M: 10}}
  limits: {{contextWindow: 128000, maxOutputTokens: 16384}}
"""

PROMPT = """\
apiVersion: govctl/v1
kind: Prompt
metadata: {{name: {name}, version: 1.0.0, owner: team-a}}
spec:
  messages: [{{role: user, content: "{{{{question}}}}"}}]
  variables: [{{name: question, source: user}}]
  model: {model}@2024-08-06
  riskTier: {risk}
"""

DEPLOYMENT = """\
apiVersion: govctl/v1
kind: Deployment
metadata: {{name: {name}, owner: team-a}}
spec:
  environment: {env}
  riskTier: limited
  userFacing: false
  userJurisdictions: [EU]
  dataClasses: [internal]
  prompt: {prompt}@1.0.0
{extra}"""


def repo_files(**overrides: str) -> dict[str, str]:
    files = {
        "policies/test.rego": POLICY,
        "registry/models/alpha.yaml": MODEL.format(name="alpha", status="approved"),
        "registry/models/beta.yaml": MODEL.format(name="beta", status="deprecated"),
        "prompts/p1/1.0.0.yaml": PROMPT.format(name="p1", model="alpha", risk="high"),
        "prompts/p2/1.0.0.yaml": PROMPT.format(name="p2", model="beta", risk="minimal"),
        "registry/deployments/d1.yaml": DEPLOYMENT.format(
            name="d1", env="prod", prompt="p1", extra=""
        ),
        "registry/deployments/d2.yaml": DEPLOYMENT.format(
            name="d2", env="dev", prompt="p2", extra="  auth: {required: true}\n"
        ),
    }
    files.update(overrides)
    return files


def run(root: Path, **kwargs) -> object:
    return check(CheckOptions(root=root, now=kwargs.pop("now", NOW), audit=False, **kwargs))


def test_findings_severities_and_locations(make_repo):
    root = make_repo(repo_files())
    result = run(root, use_cache=False)
    got = {(f.rule, f.severity, f.ref, f.path, f.file, f.line) for f in result.findings}
    assert got == {
        ("TST-SEC-001", "error", "Deployment/d1", "spec.auth", "registry/deployments/d1.yaml", 4),
        (
            "TST-MDL-001",
            "warning",
            "Deployment/d2",
            "spec.prompt",
            "registry/deployments/d2.yaml",
            10,
        ),
        ("TST-PRM-001", "info", "Prompt/p1@1.0.0", "spec.riskTier", "prompts/p1/1.0.0.yaml", 8),
    }
    assert result.exit_code == 1
    assert result.summary.errors == 1 and result.summary.warnings == 1 and result.summary.infos == 1


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 1), ("warning", 1), ("never", 0)])
def test_fail_on(make_repo, fail_on, expected):
    root = make_repo(repo_files())
    assert run(root, use_cache=False, fail_on=fail_on).exit_code == expected


def test_fail_on_warning_fails_on_warnings_only(make_repo):
    fixed = DEPLOYMENT.format(
        name="d1", env="prod", prompt="p1", extra="  auth: {required: true}\n"
    )
    root = make_repo(repo_files(**{"registry/deployments/d1.yaml": fixed}))
    assert run(root, use_cache=False, fail_on="error").exit_code == 0
    assert run(root, use_cache=False, fail_on="warning").exit_code == 1


def test_clean_repository_exits_zero_through_the_cli(make_repo):
    files = repo_files()
    del files["policies/test.rego"]
    root = make_repo(files)
    proc = run_cli("-C", str(root), "check", "--now", NOW, "--no-audit")
    assert proc.returncode == 0, proc.stderr


def test_output_is_byte_identical_with_now(make_repo):
    root = make_repo(repo_files())
    outputs = set()
    for extra in ([], ["--no-cache"], [], ["--workers", "1"]):
        proc = run_cli(
            "-C", str(root), "check", "--format", "json", "--now", NOW, "--no-audit", *extra
        )
        assert proc.returncode == 1
        outputs.add(proc.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())["now"] == NOW


def test_cache_reevaluates_only_what_a_change_touches(make_repo):
    root = make_repo(repo_files())
    first = run(root)
    assert first.evaluated_subjects == {
        "Deployment/d1",
        "Deployment/d2",
        "Prompt/p1@1.0.0",
        "Prompt/p2@1.0.0",
    }
    unchanged = run(root)
    assert unchanged.evaluated_subjects == frozenset() and unchanged.cached == 4
    assert unchanged.findings == first.findings

    # A related artifact changes: everything whose closure holds it, nothing else.
    (root / "registry/models/beta.yaml").write_text(MODEL.format(name="beta", status="approved"))
    after_model = run(root)
    assert after_model.evaluated_subjects == {"Prompt/p2@1.0.0", "Deployment/d2"}
    assert not [f for f in after_model.findings if f.rule == "TST-MDL-001"]

    # The subject itself changes.
    (root / "registry/deployments/d1.yaml").write_text(
        DEPLOYMENT.format(name="d1", env="prod", prompt="p1", extra="  auth: {required: true}\n")
    )
    assert run(root).evaluated_subjects == {"Deployment/d1"}

    # A policy changes: everything is evaluated again.
    policy = root / "policies/test.rego"
    policy.write_text(policy.read_text() + "\n# reviewed\n")
    assert len(run(root).evaluated_subjects) == 4

    # Same day, other time: cached; another day: evaluated again (input.now day in the key).
    assert run(root, now="2026-11-22T18:00:00Z").evaluated_subjects == frozenset()
    assert len(run(root, now="2026-11-23T00:00:00Z").evaluated_subjects) == 4


def test_cache_survives_a_corrupt_cache_file(make_repo):
    root = make_repo(repo_files())
    run(root)
    for file in (root / ".govctl-cache").glob("*.bin"):
        file.write_bytes(b"\x00garbage")
    result = run(root)
    assert len(result.evaluated_subjects) == 4 and result.exit_code == 1


def test_native_crash_while_compiling_is_exit_3(make_repo):
    crashing = (
        "package crash\n\nimport rego.v1\n\nbase := input.v\n\nchain := base\n\n"
        'deny contains "c" if { chain with input as base }\n'
    )
    root = make_repo(repo_files(**{"policies/crash.rego": crashing}))
    # regopy (the fallback engine) dies on this construct: a clean engine error, never a dead run.
    with pytest.raises(EngineError, match="crashed"):
        check(CheckOptions(root=root, engine="regopy", now=NOW, use_cache=False, audit=False))
    # OPA's Wasm compilation (the default when opa can compile it) evaluates it like OPA.
    proc = run_cli("-C", str(root), "check", "--now", NOW, "--no-audit", "--no-cache")
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr


DIVIDE = """\
# METADATA
# custom:
#   id: TST-DIV-001
#   kinds: [Deployment]
package divide

import rego.v1

deny contains {"rule": "TST-DIV-001", "msg": sprintf("%v", [x]), "path": ""} if {
  input.subject.metadata.name == "d1"
  x := 1 / (count(input.subject.spec.dataClasses) - 1)
}
"""


def test_policy_runtime_error_names_rule_and_subject(make_repo):
    root = make_repo(repo_files(**{"policies/divide.rego": DIVIDE}))
    # regopy, like OPA with strict builtin errors, fails the run naming subject and rule.
    with pytest.raises(EngineError) as caught:
        check(CheckOptions(root=root, engine="regopy", now=NOW, use_cache=False, audit=False))
    assert caught.value.subject == "Deployment/d1" and caught.value.rule == "TST-DIV-001"
    assert "divide.deny" in str(caught.value)


def test_wasm_builtin_errors_are_undefined_and_lint_flags_them(make_repo):
    root = make_repo(repo_files(**{"policies/divide.rego": DIVIDE}))
    # OPA's Wasm is lenient: the failing division is undefined, so the rule does not fire.
    result = check(CheckOptions(root=root, now=NOW, use_cache=False, audit=False))
    assert "fallback" not in result.engine
    assert not [f for f in result.findings if f.rule == "TST-DIV-001"]
    # ... which is why `govctl policy lint` flags builtins that can fail.
    proc = run_cli("-C", str(root), "policy", "lint")
    assert "policies/divide.rego" in proc.stdout + proc.stderr


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        out += [int(c) for c in children]
    return out


def test_worker_killed_mid_evaluation_is_exit_3_naming_the_subject(make_repo):
    slow = """\
# METADATA
# custom:
#   id: TST-SLOW-001
#   kinds: [Deployment]
package slow

import rego.v1

deny contains {"rule": "TST-SLOW-001", "msg": "slow", "path": ""} if {
  input.subject.metadata.name == "d1"
  count([x | some x in numbers.range(1, 6000000); x % 7 == 0]) < 0
}
"""
    files = repo_files(**{"policies/slow.rego": slow})
    root = make_repo(files)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "govctl",
            "-C",
            str(root),
            "check",
            "--now",
            NOW,
            "--no-audit",
            "--no-cache",
            "--workers",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Worker processes even for this small repository (Wasm evaluates few subjects in-process).
        env={**os.environ, "GOVCTL_WASM_IN_PROCESS": "0"},
    )
    deadline = time.monotonic() + 120
    killed = False
    while time.monotonic() < deadline and not killed and proc.poll() is None:
        time.sleep(0.1)
        for child in _children(proc.pid):
            # The worker evaluating d1 computes for seconds; other children are short-lived.
            # Killed well before it could finish d1 (CPU time accrues while it evaluates), so
            # the kill never lands on a worker that already answered.
            if _cpu_seconds(child) >= 0.5:
                # SIGKILL, not SIGSEGV: wasmtime handles SIGSEGV itself (its guard pages), so a
                # SIGSEGV sent from outside need not end a Wasm worker.
                os.kill(child, signal.SIGKILL)
                killed = True
                break
    _, stderr = proc.communicate(timeout=120)
    assert killed
    assert proc.returncode == 3, stderr
    assert "crashed" in stderr and "Deployment/d1" in stderr
    assert "Traceback" not in stderr


def test_waiver_turns_a_finding_into_waived(make_repo):
    waiver = """\
apiVersion: govctl/v1
kind: Waiver
metadata: {name: d1-auth, owner: compliance}
spec:
  rule: TST-SEC-001
  target: Deployment/d1
  justification: SSO rollout next sprint
  approvedBy: head-of-compliance
  expires: 2026-12-31
  ticket: COMP-1
"""
    root = make_repo(repo_files(**{"registry/waivers/d1.yaml": waiver}))
    result = run(root, use_cache=False)
    sec = [f for f in result.findings if f.rule == "TST-SEC-001"]
    assert len(sec) == 1 and sec[0].waived and sec[0].waiver == "Waiver/d1-auth"
    assert result.summary.waived == 1 and result.summary.errors == 0
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("rule", "target", "expires", "expected"),
    [
        ("TST-SEC-001", "Deployment/d1", "2026-11-01", {"GOV-WVR-001"}),
        ("TST-SEC-001", "Deployment/d1", "2027-06-30", {"GOV-WVR-003"}),
        ("NOPE-001", "Deployment/d1", "2026-12-31", {"GOV-WVR-002"}),
        ("TST-SEC-001", "Deployment/ghost", "2026-12-31", {"GOV-WVR-002"}),
        ("TST-MDL-001", "Deployment/d2", "2026-12-31", {"GOV-WVR-002"}),
    ],
)
def test_invalid_waivers_are_findings_and_waive_nothing(make_repo, rule, target, expires, expected):
    waiver = f"""\
apiVersion: govctl/v1
kind: Waiver
metadata: {{name: w, owner: compliance}}
spec: {{rule: {rule}, target: {target}, justification: j, approvedBy: cro, expires: {expires}}}
"""
    root = make_repo(repo_files(**{"registry/waivers/w.yaml": waiver}))
    result = run(root, use_cache=False)
    assert {f.rule for f in result.findings if f.rule.startswith("GOV-WVR")} == expected
    assert not any(f.waived for f in result.findings)


def test_paths_scope_reports_the_file_and_its_dependents(make_repo):
    root = make_repo(repo_files())
    result = run(root, use_cache=False, paths=("registry/models/beta.yaml",))
    assert {f.ref for f in result.findings} == {"Deployment/d2"}
    assert result.evaluated_subjects == {"Prompt/p2@1.0.0", "Deployment/d2"}


def test_disabled_rules_are_not_reported(make_repo):
    from tests.conftest import CONFIG

    config = CONFIG.replace("failOn: error,", "failOn: error, disabled: [TST-SEC-001],")
    root = make_repo(repo_files(), config=config)
    assert "TST-SEC-001" not in {f.rule for f in run(root, use_cache=False).findings}


def _git_init(root: Path) -> None:
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "init"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e.x", *args], cwd=root,
                       check=True, capture_output=True)


def test_check_appends_one_audit_event(make_repo):
    root = make_repo(repo_files())
    _git_init(root)
    proc = run_cli("-C", str(root), "check", "--now", NOW, "--format", "json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    # A local run records into the personal trail (docs/audit.md), read with --local.
    log = run_cli("-C", str(root), "audit", "log", "--local", "--format", "json")
    events = json.loads(log.stdout)
    events = events["events"] if isinstance(events, dict) else events
    assert len(events) == 1
    event = events[0]
    assert event["type"] == "check"
    payload = json.dumps(event)
    assert report["registryDigest"] in payload and report["policyDigest"] in payload
    assert "TST-SEC-001" in payload and NOW in payload
    assert run_cli("-C", str(root), "audit", "verify", "--local").returncode == 0
    assert not (root / "audits").exists()  # nothing written where checkpoints are committed


def test_a_failed_run_writes_no_audit_event(make_repo):
    # Two values for one complete rule: an evaluation error on every engine (exit 3).
    conflict = "package conflict\n\nimport rego.v1\n\nx := 1 if input.subject\n\n" \
               'x := 2 if input.subject\n\ndeny contains "c" if x\n'
    root = make_repo(repo_files(**{"policies/conflict.rego": conflict}))
    proc = run_cli("-C", str(root), "check", "--now", NOW, "--no-cache")
    assert proc.returncode == 3, proc.stderr
    assert not (root / "audits" / "govctl.duckdb").exists()
    assert not (root / ".govctl-audit" / "local.duckdb").exists()
    assert list(root.glob("audits/**/*.json")) == []


def test_paths_naming_config_or_a_policy_check_everything(make_repo):
    root = make_repo(repo_files())
    for scope in (("govctl.yaml",), ("policies/test.rego",)):
        result = run(root, use_cache=False, paths=scope)
        assert len(result.evaluated_subjects) == 4, scope


def test_paths_naming_a_template_reach_its_prompt(make_repo):
    template_prompt = PROMPT.format(name="p3", model="alpha", risk="high").replace(
        '  messages: [{role: user, content: "{{question}}"}]\n', "  templateFile: p3.md\n"
    )
    root = make_repo(repo_files(**{"prompts/p3/1.0.0.yaml": template_prompt,
                                   "prompts/p3/p3.md": "Q: {{question}}\n"}))
    result = run(root, use_cache=False, paths=("prompts/p3/p3.md",))
    assert result.evaluated_subjects == {"Prompt/p3@1.0.0"}


def test_check_never_loads_duckdb_before_evaluating():
    # A process that has loaded DuckDB makes forked regopy workers grow without bound, so the
    # check path (CLI and library) must not import the audit modules before evaluation.
    code = (
        "import sys, govctl.cli.main, govctl.api, govctl.check, govctl.output;"
        "assert 'duckdb' not in sys.modules, 'duckdb imported'"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
