"""Data-driven rule fixtures: every ``tests/fixtures/rules/<RULE>/{PASSED,FAILED}`` folder is a test.

A case is ``base/`` overlaid with the case's files (same relative path replaces, new paths are
added; ``case.yaml`` may list ``remove:`` paths). ``case.yaml``:
``now`` (default 2026-11-22), ``base`` (a folder of files overlaid on base/ for a base *commit*;
the case is then checked with ``--base`` against it, in a real git repository), ``expect`` (FAILED:
findings that must appear, matched on the keys given), ``policies`` (a folder of this repository,
e.g. ``policies``, copied into the case and added to its policy.paths: fixtures of the
repository's own rules). PASSED must produce no finding of the rule.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from govctl.api import CheckOptions, check
from govctl.loader.yamlparse import parse_yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "rules"
BASE = FIXTURES / "base"
NOW = "2026-11-22T00:00:00+00:00"


def _cases() -> list[Any]:
    # A missing folder is a collection error, never zero tests that pass.
    if not BASE.is_dir():
        raise FileNotFoundError(f"{BASE} is missing: the rule fixtures are part of the suite")
    out = []
    for rule_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name != "base"):
        for outcome in ("PASSED", "FAILED"):
            case = rule_dir / outcome
            if case.is_dir():
                out.append(
                    pytest.param(rule_dir.name, outcome, case, id=f"{rule_dir.name}-{outcome}")
                )
    if not out:
        raise FileNotFoundError(f"no PASSED/FAILED case under {FIXTURES}")
    return out


def _case_config(case: Path) -> dict[str, Any]:
    file = case / "case.yaml"
    if not file.exists():
        return {}
    docs = parse_yaml(file.read_text(encoding="utf-8")).documents
    return docs[0].value if docs and isinstance(docs[0].value, dict) else {}


def _overlay(target: Path, folder: Path, removals: list[str]) -> None:
    for source in folder.rglob("*"):
        rel = source.relative_to(folder)
        if source.is_dir() or rel.as_posix() == "case.yaml" or rel.parts[0] == "_base":
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)
    for rel in removals:
        (target / rel).unlink(missing_ok=True)


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _build(tmp_path: Path, case: Path, config: dict[str, Any]) -> tuple[Path, str | None]:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    if config.get("policies"):
        own = str(config["policies"])
        shutil.copytree(REPO_ROOT / own, root / own)
        settings = root / "govctl.yaml"
        text = settings.read_text(encoding="utf-8")
        settings.write_text(text.replace("paths: []", f"paths: [{own}]"), encoding="utf-8")
    base_ref = None
    if config.get("base"):
        _overlay(root, case / str(config["base"]), [])
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "base")
        base_ref = _git(root, "rev-parse", "HEAD")
    _overlay(root, case, list(config.get("remove") or []))
    if base_ref:
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "head", "--allow-empty")
    return root, base_ref


def _matches(finding: Any, expected: dict[str, Any]) -> bool:
    return all(getattr(finding, key, None) == value for key, value in expected.items())


@pytest.mark.skipif(not BASE.is_dir(), reason="rule fixtures not present")
def test_base_repository_is_clean(tmp_path: Path) -> None:
    root, _ = _build(tmp_path, BASE, {})
    result = check(CheckOptions(root=root, now=NOW, use_cache=False, audit=False))
    assert [f for f in result.findings if not f.waived] == []


@pytest.mark.parametrize(("rule", "outcome", "case"), _cases())
def test_rule_fixture(tmp_path: Path, rule: str, outcome: str, case: Path) -> None:
    config = _case_config(case)
    root, base_ref = _build(tmp_path, case, config)
    result = check(
        CheckOptions(
            root=root,
            now=str(config.get("now") or NOW),
            use_cache=False,
            audit=False,
            base=base_ref,
        )
    )
    of_rule = [f for f in result.findings if f.rule == rule]
    if outcome == "PASSED":
        assert of_rule == [], f"{rule} fired on its PASSED fixture: {of_rule}"
        return
    assert of_rule, f"{rule} did not fire on its FAILED fixture; findings: {result.findings}"
    for expected in config.get("expect") or []:
        assert any(_matches(f, expected) for f in result.findings), (
            f"expected {expected} among {[(f.rule, f.ref, f.path, f.line) for f in of_rule]}"
        )
