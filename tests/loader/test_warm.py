"""The warm path: files whose stat identity is unchanged are not read again, a run over an
unchanged registry reuses the previous run's results, and neither ever changes an answer.

Every test compares a run that reuses the cache with a run that does not (complete output), on
real files with real timestamps. Files written by a test are younger than the racy margin, so
tests that need trusted index entries shorten the margin and wait it out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govctl.cache import Cache
from govctl.config import load_config
from govctl.loader import statindex
from govctl.loader.load import LoadSettings, load_registry
from govctl.loader.source import WorkTreeSource
from tests.conftest import NOW, run_cli
from tests.pipeline.test_bad_input import SUITE
from tests.pipeline.test_check_pipeline import DEPLOYMENT, repo_files, run

MARGIN_NS = 200_000_000  # a short racy margin, so tests wait 0.25 s instead of 2 s


@pytest.fixture
def short_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statindex, "RACY_MARGIN_NS", MARGIN_NS)


def _settle() -> None:
    """Wait until every file written so far is older than the racy margin."""
    time.sleep(MARGIN_NS / 1e9 + 0.05)


def _load(root: Path) -> int:
    """Load the registry through the repository's cache; the number of YAML files read."""
    cache = Cache(root / ".govctl-cache")
    loaded = load_registry(
        WorkTreeSource(root), load_config(root / "govctl.yaml"), LoadSettings(), cache, cache
    )
    cache.save()
    return loaded.files_read


def _findings(result: object) -> list[tuple[object, ...]]:
    return [
        (f.rule, f.severity, f.ref, f.path, f.file, f.line, f.message)
        for f in result.findings  # type: ignore[attr-defined]
    ]


def _cold(root: Path, **kwargs: object) -> list[tuple[object, ...]]:
    return _findings(run(root, use_cache=False, **kwargs))


def _json(root: Path, *extra: str) -> dict[str, object]:
    done = run_cli("-C", str(root), "check", "--now", NOW, "--no-audit", "--format", "json", *extra)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_a_warm_run_prints_exactly_what_a_cold_run_prints(make_repo) -> None:
    root = make_repo(repo_files())
    cold = _json(root, "--no-cache")
    first = _json(root)
    again = _json(root)
    assert first == cold and again == cold
    assert first["findings"]  # the comparison is over real findings


def test_unchanged_files_are_not_read_again(make_repo, short_margin) -> None:
    root = make_repo(repo_files())
    _settle()
    assert _load(root) == 6
    assert _load(root) == 0
    (root / "registry/models/alpha.yaml").write_text(
        (root / "registry/models/alpha.yaml").read_text() + "# a comment\n"
    )
    assert _load(root) == 1  # just the edited file


def test_files_written_within_the_racy_margin_are_read_every_time(make_repo) -> None:
    root = make_repo(repo_files())  # younger than the real 2 s margin
    assert _load(root) == 6
    assert _load(root) == 6


def test_an_edit_keeping_size_and_mtime_is_still_seen(make_repo, short_margin) -> None:
    """The racy-git case made deliberate: same size, mtime set back; ctime still moves."""
    secured = DEPLOYMENT.format(
        name="d1", env="prod", prompt="p1", extra="  auth: {required: true }\n"
    )
    root = make_repo(repo_files(**{"registry/deployments/d1.yaml": secured}))
    _settle()
    first = run(root)
    assert "TST-SEC-001" not in {f.rule for f in first.findings}
    assert _load(root) == 0  # trusted entries from here on
    path = root / "registry/deployments/d1.yaml"
    before = path.stat()
    edited = path.read_text().replace("required: true }", "required: false}")
    assert len(edited) == len(path.read_text())
    path.write_text(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    again = run(root)
    assert "TST-SEC-001" in {f.rule for f in again.findings}
    assert _findings(again) == _cold(root)


def test_one_edit_changes_exactly_its_findings(make_repo, short_margin) -> None:
    root = make_repo(repo_files())
    _settle()
    first = run(root)
    assert first.evaluated == 4
    path = root / "registry/deployments/d2.yaml"
    path.write_text(path.read_text().replace("environment: dev", "environment: prod"))
    path.write_text(path.read_text().replace("  auth: {required: true}\n", ""))
    again = run(root)
    assert again.evaluated == 1  # only the edited deployment; the others come from the cache
    new = set(_findings(again)) - set(_findings(first))
    assert {(f[0], f[2]) for f in new} == {("TST-SEC-001", "Deployment/d2")}
    assert _findings(again) == _cold(root)
    assert _json(root) == _json(root, "--no-cache")


def test_added_and_deleted_files_are_seen(make_repo, short_margin) -> None:
    root = make_repo(repo_files())
    _settle()
    run(root)
    added = root / "registry/deployments/d3.yaml"
    added.write_text(DEPLOYMENT.format(name="d3", env="prod", prompt="p1", extra=""))
    with_d3 = run(root)
    assert ("TST-SEC-001", "Deployment/d3") in {(f.rule, f.ref) for f in with_d3.findings}
    assert _findings(with_d3) == _cold(root)
    added.unlink()
    (root / "registry/models/beta.yaml").unlink()
    without = run(root)
    refs = {f.ref for f in without.findings}
    assert "Deployment/d3" not in refs
    assert _findings(without) == _cold(root)


def test_an_edited_policy_re_evaluates_every_subject(make_repo, short_margin) -> None:
    root = make_repo(repo_files())
    _settle()
    first = run(root)
    assert run(root).evaluated == 0
    policy = root / "policies/test.rego"
    policy.write_text(policy.read_text().replace("high-risk prompt", "prompt of high risk"))
    again = run(root)
    assert again.evaluated == first.evaluated == 4
    assert "prompt of high risk" in {f.message for f in again.findings}
    assert _findings(again) == _cold(root)


EXPIRY_POLICY = """\
# METADATA
# title: Expiry rules
# custom:
#   kinds: [Deployment]
package test.expiry

import rego.v1

# METADATA
# title: deployments are reviewed before 2026-06-01
# custom:
#   id: TST-EXP-001
#   severity: error
deny contains {"rule": "TST-EXP-001", "msg": "review overdue", "path": "spec"} if {
  input.subject.kind == "Deployment"
  time.parse_rfc3339_ns(input.now) >= time.parse_rfc3339_ns("2026-06-01T00:00:00+00:00")
}
"""


def test_a_time_dependent_rule_follows_the_clock_with_a_warm_cache(make_repo) -> None:
    root = make_repo(repo_files(**{"policies/expiry.rego": EXPIRY_POLICY}))
    before, after = "2026-05-31T23:00:00+00:00", "2026-06-01T01:00:00+00:00"
    early = run(root, now=before)
    assert "TST-EXP-001" not in {f.rule for f in early.findings}
    assert run(root, now=before).evaluated == 0  # warm
    late = run(root, now=after)
    assert {f.ref for f in late.findings if f.rule == "TST-EXP-001"} == {
        "Deployment/d1",
        "Deployment/d2",
    }
    assert _findings(late) == _cold(root, now=after)
    assert _findings(run(root, now=before)) == _findings(early)  # and back again


def test_the_stat_index_is_never_consulted_for_a_git_tree(make_repo) -> None:
    """Only work-tree files have a stat identity; a source without one is always read."""

    class Source(WorkTreeSource):
        pass

    root = make_repo(repo_files())
    source = Source(root)
    assert source.stat_identity("registry/models/alpha.yaml") is None  # not listed yet
    source.list_yaml(["registry"])
    assert source.stat_identity("registry/models/alpha.yaml") is not None
    assert source.stat_identity("registry/../govctl.yaml") is None


def test_racy_entries_are_not_recorded(tmp_path: Path) -> None:
    recorded: dict[str, tuple[object, ...]] = {}

    class Index:
        def get_stat(self, path: str) -> tuple[object, ...] | None:
            return recorded.get(path)

        def put_stat(self, path: str, entry: tuple[object, ...]) -> None:
            recorded[path] = entry

    file = tmp_path / "a.yaml"
    file.write_text("x: 1\n")
    identity = statindex.identity_of(str(file))
    assert identity is not None
    sha = "0" * 64
    statindex.record(Index(), "a.yaml", identity, sha, started_ns=time.time_ns())
    assert recorded == {}  # modified just now: could change again unseen
    later = max(identity[1], identity[2]) + statindex.RACY_MARGIN_NS + 1
    statindex.record(Index(), "a.yaml", identity, sha, started_ns=later)
    assert statindex.recorded_sha(Index(), "a.yaml", identity) == sha
    other = (identity[0] + 1, *identity[1:])
    assert statindex.recorded_sha(Index(), "a.yaml", other) is None
    assert statindex.identity_of(str(tmp_path)) is None  # a folder has no identity


RESIDENCY = """\
apiVersion: govctl/v1
kind: ResidencyRule
metadata: {{name: eu-only, owner: team-a}}
spec:
  dataClasses: [{data_class}]
  userJurisdictions: [EU]
  allowedJurisdictions: [EU]
  allowedRegions: [eastus]
"""

RESIDENCY_POLICY = """\
# METADATA
# title: Residency test rules
# custom:
#   kinds: [Deployment]
package test.residency

import rego.v1

# METADATA
# title: governed deployments run in an allowed region
# custom:
#   id: TST-RES-001
#   severity: error
deny contains {"rule": "TST-RES-001", "msg": "westeurope not allowed", "path": "spec"} if {
  input.subject.kind == "Deployment"
  some rule in input.related
  rule.kind == "ResidencyRule"
  not "westeurope" in rule.spec.allowedRegions
}
"""


def test_a_change_reaching_dependents_re_evaluates_them(make_repo) -> None:
    """A model's status is read by the deployments that reach it through their prompt: they are
    evaluated again, the rest is not."""
    root = make_repo(repo_files())
    first = run(root)
    assert first.evaluated == 4
    beta = root / "registry/models/beta.yaml"
    beta.write_text(beta.read_text().replace("status: deprecated", "status: approved"))
    again = run(root)
    assert again.evaluated_subjects == {"Prompt/p2@1.0.0", "Deployment/d2"}
    assert "TST-MDL-001" not in {f.rule for f in again.findings}
    assert _findings(again) == _cold(root)


@pytest.mark.parametrize("edit", ["starts governing", "added"])
def test_a_rule_that_attaches_itself_to_deployments_is_seen(make_repo, edit: str) -> None:
    """A ResidencyRule that starts to govern deployments is in none of their previous closures;
    the change must still reach them."""
    files = repo_files(**{"policies/residency.rego": RESIDENCY_POLICY})
    if edit == "starts governing":
        files["registry/residency/eu.yaml"] = RESIDENCY.format(data_class="pii")
    root = make_repo(files)
    first = run(root)
    assert "TST-RES-001" not in {f.rule for f in first.findings}
    (root / "registry/residency").mkdir(exist_ok=True)
    (root / "registry/residency/eu.yaml").write_text(RESIDENCY.format(data_class="internal"))
    again = run(root)
    assert {f.ref for f in again.findings if f.rule == "TST-RES-001"} == {
        "Deployment/d1",
        "Deployment/d2",
    }
    assert _findings(again) == _cold(root)
    assert _json(root) == _json(root, "--no-cache")


@pytest.mark.parametrize("mac", ["kept", "none"])
def test_a_forged_state_is_not_used(make_repo, mac: str) -> None:
    """A state claiming that an edited deployment did not change (its new digest, its old
    findings) does not verify: the deployment is evaluated again."""
    import marshal

    from govctl.cache import MAC_BYTES, MAGIC

    root = make_repo(repo_files())
    first = run(root)
    assert ("TST-SEC-001", "Deployment/d1") in {(f.rule, f.ref) for f in first.findings}
    (path,) = (root / ".govctl-cache").glob("state-*.bin")
    data = path.read_bytes()
    generation, entries = marshal.loads(data[len(MAGIC) + MAC_BYTES :])
    d1 = root / "registry/deployments/d1.yaml"
    d1.write_text(d1.read_text() + "  auth: {required: true}\n")
    cache = Cache(root / "unused-cache")
    digest = (
        load_registry(
            WorkTreeSource(root), load_config(root / "govctl.yaml"), LoadSettings(), cache
        )
        .registry.artifacts["Deployment/d1"]
        .digest
    )
    used, (context, artifacts, datasets, closures, results) = entries["latest"]
    artifacts = tuple(
        (i, kind, digest if i == "Deployment/d1" else d, valid) for i, kind, d, valid in artifacts
    )
    forged = marshal.dumps(
        (generation, {"latest": (used, (context, artifacts, datasets, closures, results))})
    )
    mac_bytes = data[len(MAGIC) : len(MAGIC) + MAC_BYTES]
    path.write_bytes(MAGIC + mac_bytes + forged if mac == "kept" else forged)
    for runs in (root / ".govctl-cache").glob("runs-*.bin"):
        runs.unlink()
    again = run(root)
    assert "Deployment/d1" in again.evaluated_subjects
    assert ("TST-SEC-001", "Deployment/d1") not in {(f.rule, f.ref) for f in again.findings}
    assert _findings(again) == _cold(root)


def test_an_unchanged_dataset_is_not_read_and_a_same_size_edit_is_seen(
    make_repo, short_margin
) -> None:
    root = make_repo(
        repo_files(
            **{
                "registry/evals/suite.yaml": SUITE,
                "registry/evals/cases.jsonl": '{"q": 1}\n{"q": 2}\n',
            }
        )
    )
    _settle()
    assert _load(root) == 8  # 7 YAML files and the dataset
    assert _load(root) == 0
    dataset = root / "registry/evals/cases.jsonl"
    before = dataset.stat()
    dataset.write_text('{"q": 1}\nnot json\n')
    os.utime(dataset, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert dataset.stat().st_size == before.st_size
    result = run(root)
    assert ("GOV-REG-001", "registry/evals/cases.jsonl", 2) in {
        (f.rule, f.file, f.line) for f in result.findings
    }
    assert _findings(result) == _cold(root)


def test_a_template_edit_changes_the_prompt_digest_with_a_warm_cache(make_repo) -> None:
    from tests.pipeline.test_check_pipeline import PROMPT

    templated = PROMPT.format(name="p3", model="alpha", risk="high").replace(
        '  messages: [{role: user, content: "{{question}}"}]\n', "  templateFile: p3.md\n"
    )
    root = make_repo(
        repo_files(**{"prompts/p3/1.0.0.yaml": templated, "prompts/p3/p3.md": "Q: {{question}}\n"})
    )
    first = run(root)
    assert run(root).registry_digest == first.registry_digest  # the remembered digest
    (root / "prompts/p3/p3.md").write_text("Question: {{question}}\n")
    again = run(root)
    assert again.registry_digest != first.registry_digest
    assert again.registry_digest == run(root, use_cache=False).registry_digest
    assert "Prompt/p3@1.0.0" in again.evaluated_subjects


# What a warm check must not import: GitPython (no --base), the artifact models (nothing is
# validated when every file comes from the cache) and importlib.metadata's version lookup.
NOT_IMPORTED_WARM = ("git", "govctl.models.kinds", "govctl.loader.validate", "jsonschema")


def test_a_warm_check_imports_neither_git_nor_the_artifact_models(make_repo) -> None:
    root = make_repo(repo_files())
    _json(root)  # fills the cache
    time.sleep(2.1)  # past the racy margin of a fresh process: every file is taken from the cache
    args = ["-C", str(root), "check", "--now", NOW, "--no-audit", "--format", "json"]
    # govctl.check is listed as well: the probe must see what the run does import.
    watched = ("govctl.check", *NOT_IMPORTED_WARM)
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['govctl', *{args!r}]\n"
        "try:\n    runpy.run_module('govctl', run_name='__main__')\n"
        "except SystemExit as exit:\n    code = exit.code\n"
        f"print('IMPORTED', [m for m in {watched!r} if m in sys.modules], code)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    last = done.stdout.strip().splitlines()[-1]
    assert last == "IMPORTED ['govctl.check'] 1", done.stdout + done.stderr
