"""A waiver needs an independent approver (GOV-WVR-004): not the team that owns the waiver, not
the team that owns the waived artifact, and one of ``waivers.approvers`` when govctl.yaml lists
them. Such a waiver waives nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.failclosed.helpers import check_json, clean_repo

DEPLOYMENT = "registry/deployments/support-assistant-eu-prod.yaml"


def waiver(owner: str, approved_by: str) -> str:
    return f"""\
apiVersion: govctl/v1
kind: Waiver
metadata: {{name: no-rate-limit, owner: {owner}}}
spec:
  rule: GOV-SEC-003
  target: Deployment/support-assistant-eu-prod
  justification: The gateway rate-limits this deployment until the config lands.
  approvedBy: {approved_by}
  expires: 2026-12-31
"""


def repo_with_waiver(tmp_path: Path, owner: str, approved_by: str, approvers: str = "") -> Path:
    root = clean_repo(tmp_path)
    deployment = root / DEPLOYMENT
    text = deployment.read_text("utf-8")
    lines = [line for line in text.splitlines() if "rateLimit" not in line]
    assert len(lines) < len(text.splitlines())  # the deployment now has a GOV-SEC-003 warning
    deployment.write_text("\n".join(lines) + "\n", "utf-8")
    (root / "registry" / "waivers").mkdir()
    (root / "registry" / "waivers" / "w.yaml").write_text(waiver(owner, approved_by), "utf-8")
    if approvers:
        config = root / "govctl.yaml"
        text = config.read_text("utf-8").replace(
            "  maxDays: 90\n", f"  maxDays: 90\n  approvers: {approvers}\n"
        )
        config.write_text(text, "utf-8")
    return root


def outcome(root: Path) -> tuple[list[str], bool]:
    """(GOV-WVR-004 messages, whether the GOV-SEC-003 warning was waived)."""
    _, data = check_json(root, "--fail-on", "never")
    wvr = [f["message"] for f in data["findings"] if f["rule"] == "GOV-WVR-004"]
    (sec,) = [f for f in data["findings"] if f["rule"] == "GOV-SEC-003"]
    assert [f["path"] for f in data["findings"] if f["rule"] == "GOV-WVR-004"] == [
        "spec.approvedBy"
    ] * len(wvr)
    return wvr, sec["waived"]


def test_an_independent_approval_waives(tmp_path: Path) -> None:
    assert outcome(repo_with_waiver(tmp_path, "compliance", "head-of-compliance")) == ([], True)


@pytest.mark.parametrize(
    ("owner", "approved_by", "words"),
    [
        ("team-support", "team-support", "the team that owns the waiver"),
        ("compliance", "team-support", "owns Deployment/support-assistant-eu-prod"),
        ("compliance", "TEAM-SUPPORT", "owns Deployment/support-assistant-eu-prod"),
    ],
    ids=["own-waiver", "target-owner", "target-owner-other-case"],
)
def test_a_self_approved_waiver_is_an_error_and_waives_nothing(
    tmp_path: Path, owner: str, approved_by: str, words: str
) -> None:
    messages, waived = outcome(repo_with_waiver(tmp_path, owner, approved_by))
    assert len(messages) == 1 and words in messages[0], messages
    assert not waived


def test_approvers_when_listed_must_include_the_approver(tmp_path: Path) -> None:
    approvers = "[head-of-compliance, chief-risk-officer]"
    root = repo_with_waiver(tmp_path, "compliance", "cto", approvers)
    messages, waived = outcome(root)
    assert len(messages) == 1 and "not among waivers.approvers" in messages[0]
    assert "head-of-compliance, chief-risk-officer" in messages[0]
    assert not waived
    listed = repo_with_waiver(tmp_path / "listed", "compliance", "Chief-Risk-Officer", approvers)
    assert outcome(listed) == ([], True)
