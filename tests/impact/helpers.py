"""Running impact on a test repository and reading the report."""

from __future__ import annotations

from govctl.impact.changes import ArtifactChange
from govctl.impact.report import ImpactOptions, ImpactReport, run_impact

from .conftest import NOW, GitRepo


def impact(repo: GitRepo, head: str | None = None, base: str = "main") -> ImpactReport:
    return run_impact(
        ImpactOptions(root=repo.root, base=base, head=head, now=NOW, use_cache=False, workers=1)
    )


def change(report: ImpactReport, identity: str) -> ArtifactChange:
    found = [c for c in report.changes if c.identity == identity]
    assert found, f"{identity} not among {[c.identity for c in report.changes]}"
    return found[0]


def affected(report: ImpactReport) -> set[str]:
    return {a.identity for a in report.affected}


def via(report: ImpactReport, deployment: str) -> tuple[str, ...]:
    return next(a.via for a in report.affected if a.identity == deployment)


def roles(report: ImpactReport) -> list[str]:
    return [a.role for a in report.approvals]


def fields(item: ArtifactChange) -> list[tuple[str, object, object]]:
    return [(f.path, f.before, f.after) for f in item.fields]
