"""``govctl.api.impact`` records its audit event from ``ImpactOptions`` (audit, actor), as
``govctl.api.check`` does from ``CheckOptions``."""

from __future__ import annotations

import duckdb

from govctl.api import impact
from govctl.impact.report import ImpactOptions

from .conftest import NOW, GitRepo


def _options(repo: GitRepo, **changes: object) -> ImpactOptions:
    return ImpactOptions(root=repo.root, base="main", now=NOW, use_cache=False, workers=1,
                         **changes)  # type: ignore[arg-type]


def test_impact_records_one_event_with_the_actor_of_the_options(repo: GitRepo) -> None:
    repo.edit("registry/residency/eu-pii.yaml", "allowedJurisdictions: [EU]",
              "allowedJurisdictions: [EU, US]")
    repo.commit("allow US processing")
    database = repo.root / ".govctl-audit" / "local.duckdb"  # a local run: the personal trail

    impact(_options(repo, audit=False))
    assert not database.exists()  # audit off: nothing written

    report = impact(_options(repo, actor="dana"))
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute("SELECT type, actor FROM events ORDER BY seq").fetchall()
    assert rows == [("impact", "dana")]
    assert report.risk.level == "critical"
