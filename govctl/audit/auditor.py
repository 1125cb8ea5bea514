"""What auditors ask: ``asof`` (what was live at a time, who approved it, which policies
decided) and the canned reports, all reconstructed from events.

- ``asof T``: the newest release event at or before T gives what was live (each release records
  the whole live state) and who approved it; the deciding check is the newest ``check`` event at
  or before T on the released commit, or failing that the newest check before the release.
- Reports: ``releases-without-approval`` (no approver), ``self-approved`` (the author is among
  the approvers, compared case-insensitively and without a leading ``@``): one row per released
  commit, with how many times it was recorded; ``waived-findings``: one row per waiver, with the
  rules and artifacts it waived and in how many check runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from govctl.audit.query import LogEntry, LogFilter, read_log

REPORTS = ("releases-without-approval", "self-approved", "waived-findings")


def _details(entry: LogEntry) -> dict[str, Any]:
    details = entry.get("details")
    return details if isinstance(details, dict) else {}


@dataclass(frozen=True)
class AsOf:
    time: str
    release: LogEntry | None
    deployments: dict[str, Any]
    deciding_check: LogEntry | None


def _matches_deployment(identity: str, wanted: str | None) -> bool:
    if wanted is None:
        return True
    return identity in (wanted, f"Deployment/{wanted}")


def _deciding_check(con: duckdb.DuckDBPyConnection, release: LogEntry, at: str) -> LogEntry | None:
    checks = read_log(con, LogFilter(types=("check",), until=at))
    commit = (release.get("git") or {}).get("commit")
    same_commit = [c for c in checks if (c.get("git") or {}).get("commit") == commit]
    if same_commit:
        return same_commit[-1]
    earlier = [c for c in checks if c.seq < release.seq]
    return earlier[-1] if earlier else None


def as_of(con: duckdb.DuckDBPyConnection, at: str, deployment: str | None = None) -> AsOf:
    releases = read_log(con, LogFilter(types=("release",), until=at))
    if not releases:
        return AsOf(at, None, {}, None)
    release = releases[-1]
    deployments = {
        k: v
        for k, v in (_details(release).get("deployments") or {}).items()
        if _matches_deployment(k, deployment)
    }
    return AsOf(at, release, deployments, _deciding_check(con, release, at))


def _norm(name: Any) -> str:
    return str(name).strip().lstrip("@").casefold()


def _release_entries(con: duckdb.DuckDBPyConnection) -> list[tuple[LogEntry, int]]:
    """The newest release event per commit, with how many times it was recorded: a release
    recorded again (a re-run workflow) is one release."""
    newest: dict[Any, LogEntry] = {}
    counts: dict[Any, int] = {}
    for entry in read_log(con, LogFilter(types=("release",))):
        commit = (entry.get("git") or {}).get("commit")
        newest[commit] = entry
        counts[commit] = counts.get(commit, 0) + 1
    ordered = sorted(newest.items(), key=lambda item: item[1].seq)
    return [(entry, counts[commit]) for commit, entry in ordered]


def releases_without_approval(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return [
        _release_row(e, n) for e, n in _release_entries(con) if not _details(e).get("approvers")
    ]


def self_approved(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    rows = []
    for entry, recorded in _release_entries(con):
        details = _details(entry)
        author = _norm(details.get("author"))
        if author and any(_norm(a) == author for a in details.get("approvers") or []):
            rows.append(_release_row(entry, recorded))
    return rows


def waived_findings(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """One row per waiver: the rules and artifacts it waived, in how many check runs, from
    when to when (every local or CI check repeats the same waived findings)."""
    rows: dict[str, dict[str, Any]] = {}
    for entry in read_log(con, LogFilter(types=("check",))):
        for finding in entry.get("findings") or []:
            if not (isinstance(finding, dict) and finding.get("waived")):
                continue
            waiver = str(finding.get("waiver"))
            row = rows.setdefault(
                waiver,
                {
                    "waiver": waiver,
                    "rules": set(),
                    "refs": set(),
                    "findings": 0,
                    "runs": set(),
                    "firstSeq": entry.seq,
                    "firstSeen": entry.get("time"),
                },
            )
            row["rules"].add(str(finding.get("rule")))
            row["refs"].add(str(finding.get("ref")))
            row["findings"] += 1
            row["runs"].add(entry.seq)
            row["lastSeq"], row["lastSeen"] = entry.seq, entry.get("time")
    return [
        {
            **row,
            "rules": sorted(row["rules"]),
            "refs": sorted(row["refs"]),
            "runs": len(row["runs"]),
        }
        for _, row in sorted(rows.items())
    ]


def _release_row(entry: LogEntry, recorded: int) -> dict[str, Any]:
    details = _details(entry)
    return {
        "seq": entry.seq,
        "time": entry.get("time"),
        "commit": (entry.get("git") or {}).get("commit"),
        "pr": details.get("pr"),
        "author": details.get("author"),
        "approvers": details.get("approvers") or [],
        "deployments": sorted(details.get("deployments") or {}),
        "recorded": recorded,
    }


REPORT_FUNCTIONS: dict[str, Callable[[duckdb.DuckDBPyConnection], list[dict[str, Any]]]] = {
    "releases-without-approval": releases_without_approval,
    "self-approved": self_approved,
    "waived-findings": waived_findings,
}


def previous_waivers(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The waivers recorded by the newest release event ({} before the first release)."""
    releases = read_log(con, LogFilter(types=("release",), limit=1))
    if not releases:
        return {}
    waivers = _details(releases[-1]).get("waivers")
    return waivers if isinstance(waivers, dict) else {}
