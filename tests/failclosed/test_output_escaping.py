"""No output injection (docs/fail-closed.md, "Inputs and outputs"): hostile file names, messages,
field values and actors go through every human-facing format without a raw control character and
without a line a GitHub runner would read as a workflow command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govctl.escape import inline, one_line, printable, safe_json
from tests.failclosed.helpers import NOW, clean_repo, committed_repo, git, govctl

HOSTILE = "evil\n::error file=a.yaml,line=1::forged\r\n##[error]old\x1b[2J\x9b31m\u2028\u202ex"
HOSTILE_YAML = '"evil\\n::error file=a.yaml,line=1::forged\\r\\n##[error]old\\e[2J\\u2028\\u202ex"'
HOSTILE_FILE = "registry/models/evil\n::error file=a.yaml,line=1::forged\x1b[2J.yaml"
# Control characters a terminal or a log reader acts on (tab and newline are layout).
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def assert_safe(out: str) -> None:
    assert out.strip(), "nothing was printed"
    assert not RAW_CONTROL.search(out), repr(RAW_CONTROL.search(out))
    for line in out.split("\n"):
        assert not line.lstrip().startswith("::"), line
        assert "##[" not in line, line


# --- the functions ---------------------------------------------------------------------------


@pytest.mark.parametrize("escape", [inline, one_line, printable])
def test_every_escape_function_is_safe(escape) -> None:
    assert_safe(escape(HOSTILE))
    assert_safe(escape("::warning::at the start"))
    assert_safe(escape("  \t::notice::after blanks"))


def test_inline_shows_line_breaks_and_printable_keeps_them() -> None:
    assert inline("a\nb\tc") == "a\\x0ab\\x09c"
    assert printable("a\nb\tc") == "a\nb\tc"
    assert printable("ok\n::error::x") == "ok\n\\x3a:error::x"
    assert inline("::error::x") == "\\x3a:error::x"
    assert inline("a ##[error] b") == "a ##\\x5berror] b"
    assert inline("Zoë 日本語 ✓") == "Zoë 日本語 ✓"  # ordinary text is untouched


def test_safe_json_is_the_same_json_value() -> None:
    import json

    text = json.dumps({"k": HOSTILE, "ü": "ø"}, ensure_ascii=False)
    assert json.loads(safe_json(text)) == json.loads(text)
    assert_safe(safe_json(text))
    assert "ü" in safe_json(text)


# --- the commands ----------------------------------------------------------------------------


def hostile_repo(tmp_path: Path) -> Path:
    """A committed file with a hostile name, and a hostile value quoted in findings."""
    root = clean_repo(tmp_path)
    (root / HOSTILE_FILE).write_text("apiVersion: govctl/v1\nkind: [broken\n", "utf-8")
    deployment = root / "registry/deployments/support-assistant-eu-prod.yaml"
    text = deployment.read_text("utf-8")
    text = text.replace("guardrails: customer-facing-strict", f"guardrails: {HOSTILE_YAML}")
    deployment.write_text(text, "utf-8")
    return root


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_check_human_formats(tmp_path: Path, fmt: str) -> None:
    root = hostile_repo(tmp_path)
    proc = govctl(
        "-C", str(root), "check", "--format", fmt, "--now", NOW, "--no-cache", "--no-audit"
    )
    assert proc.returncode == 1, proc.stderr
    assert "forged" in proc.stdout  # the hostile text is shown, escaped
    assert_safe(proc.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ["readiness"],
        ["readiness", "--format", "markdown"],
        ["readiness", "--format", "json"],
        ["registry", "list"],
        ["registry", "show", "Deployment/support-assistant-eu-prod"],
        ["registry", "graph"],
    ],
    ids=["readiness", "readiness-md", "readiness-json", "registry-list", "show", "graph"],
)
def test_reports_and_registry(tmp_path: Path, args: list[str]) -> None:
    root = hostile_repo(tmp_path)
    extra = ["--now", NOW] if args[0] == "readiness" else []
    proc = govctl("-C", str(root), *args, *extra)
    assert proc.returncode in (0, 1), proc.stderr
    assert_safe(proc.stdout)


def test_cost_quotes_a_hostile_model_reference(tmp_path: Path) -> None:
    root = clean_repo(tmp_path)
    deployment = root / "registry/deployments/support-assistant-eu-prod.yaml"
    text = deployment.read_text("utf-8").replace(
        "model: gpt-4o@2024-08-06", f"model: {HOSTILE_YAML}"
    )
    deployment.write_text(text, "utf-8")
    for fmt in ("text", "markdown"):
        proc = govctl("-C", str(root), "cost", "--format", fmt)
        assert "forged" in proc.stdout, proc.stderr
        assert_safe(proc.stdout)


def test_policy_list_quotes_hostile_metadata(tmp_path: Path) -> None:
    root = clean_repo(tmp_path)
    config = root / "govctl.yaml"
    config.write_text(config.read_text("utf-8").replace("paths: []", "paths: [policies]"), "utf-8")
    (root / "policies").mkdir()
    (root / "policies" / "evil.rego").write_text(
        "# METADATA\n# title: Evil\npackage evil\n\nimport rego.v1\n\n"
        "# METADATA\n"
        f"# title: {HOSTILE_YAML}\n"
        "# custom:\n#   id: EVIL-001\n#   severity: warning\n"
        f"#   remediation: {HOSTILE_YAML}\n"
        'warn contains {"rule": "EVIL-001", "msg": "x"} if false\n',
        "utf-8",
    )
    for fmt in ("text", "markdown", "json"):
        proc = govctl("-C", str(root), "policy", "list", "--format", fmt)
        assert proc.returncode == 0, proc.stderr
        assert "forged" in proc.stdout
        assert_safe(proc.stdout)


def test_impact_text_and_markdown(tmp_path: Path) -> None:
    root = committed_repo(tmp_path)
    base = git(root, "rev-parse", "HEAD")
    (root / HOSTILE_FILE).write_text("apiVersion: govctl/v1\nkind: [broken\n", "utf-8")
    deployment = root / "registry/deployments/support-assistant-eu-prod.yaml"
    text = deployment.read_text("utf-8").replace(
        "useCase: customer-support", f"useCase: {HOSTILE_YAML}"
    )
    deployment.write_text(text, "utf-8")
    for fmt in ("text", "markdown"):
        proc = govctl(
            "-C",
            str(root),
            "impact",
            "--base",
            base,
            "--format",
            fmt,
            "--now",
            NOW,
            "--no-cache",
            "--no-audit",
        )
        assert proc.returncode == 0, proc.stderr
        assert "forged" in proc.stdout
        assert_safe(proc.stdout)


def test_a_hostile_actor_cannot_forge_audit_log_lines(tmp_path: Path) -> None:
    root = clean_repo(tmp_path)
    actor = "eve\n     2  2026-11-22T00:00:00Z  release    admin\n::error::forged\x1b[2J"
    proc = govctl("-C", str(root), "audit", "checkpoint", "--actor", actor)
    assert proc.returncode == 0, proc.stderr
    # A local run records into the personal trail: read that one.
    log = govctl("-C", str(root), "audit", "log", "--local")
    assert log.returncode == 0, log.stderr
    assert "forged" in log.stdout
    assert_safe(log.stdout)
    assert len(log.stdout.strip().splitlines()) == 2  # the header row, then one event, one line
    query = govctl("-C", str(root), "audit", "query", "--local", "SELECT actor FROM events")
    assert_safe(query.stdout)
