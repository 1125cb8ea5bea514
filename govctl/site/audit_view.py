"""The audit trail as the site shows it: verification status, timeline, release history.

Verification is ``govctl.audit.api.verify_audit`` — the verifier ``govctl audit verify`` runs —
and nothing else. Reading is read-only (the site never appends an event). DuckDB is imported
only here and only after the check's worker processes are done (see ``govctl/api.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from govctl.errors import AuditCorruptError
from govctl.models.config import Config

TIMELINE_LIMIT = 1000  # newest events listed on the audit page; counts cover them all


@dataclass(frozen=True)
class EventRow:
    seq: int
    time: str
    type: str
    actor: str
    commit: str | None
    summary: str


@dataclass(frozen=True)
class ReleaseRow:
    seq: int
    time: str
    commit: str | None
    pr: str | None
    author: str | None
    approvers: tuple[str, ...]
    digest: str | None


@dataclass(frozen=True)
class AuditView:
    present: bool  # a store (or checkpoints of one) exists
    store: str
    word: str  # pass | fail | none
    headline: str
    origin: str | None = None
    size: int = 0
    head: str | None = None
    checkpoints_checked: int = 0
    problems: tuple[str, ...] = ()
    events: tuple[EventRow, ...] = ()
    total: int = 0
    counts: tuple[tuple[str, int], ...] = ()
    releases: Mapping[str, tuple[ReleaseRow, ...]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.word == "fail"


def _summary(event: Mapping[str, Any]) -> str:
    kind = event.get("type")
    decision = event.get("decision") if isinstance(event.get("decision"), dict) else {}
    details = event.get("details") if isinstance(event.get("details"), dict) else {}
    assert isinstance(decision, dict) and isinstance(details, dict)
    if kind == "check":
        s = decision.get("summary") or {}
        return (
            f"check exit {decision.get('exitCode')}: {s.get('errors', 0)} errors, "
            f"{s.get('warnings', 0)} warnings, {s.get('waived', 0)} waived"
        )
    if kind == "release":
        deployments = details.get("deployments") or {}
        who = f" by {details['author']}" if details.get("author") else ""
        pr = f" (PR {details['pr']})" if details.get("pr") else ""
        return f"release{pr}{who}: {len(deployments)} deployments live"
    if kind == "impact":
        risk = decision.get("risk") or {}
        return f"impact: risk {risk.get('level')}, {len(decision.get('changes') or [])} changes"
    if kind == "waiver":
        arts = ", ".join(str(a) for a in event.get("artifacts") or [])
        return f"waiver {details.get('action') or decision.get('action') or ''} {arts}".strip()
    if kind == "verify":
        return f"verify: {decision.get('result')}"
    return str(kind)


def _release_rows(entries: list[Any]) -> dict[str, tuple[ReleaseRow, ...]]:
    out: dict[str, list[ReleaseRow]] = {}
    for entry in entries:
        event = entry.event
        details = event.get("details") if isinstance(event.get("details"), dict) else {}
        git = event.get("git") if isinstance(event.get("git"), dict) else {}
        deployments = details.get("deployments") if isinstance(details, dict) else None
        for identity, info in (deployments or {}).items():
            approvers = details.get("approvers") or []
            out.setdefault(identity, []).append(
                ReleaseRow(
                    seq=entry.seq,
                    time=str(event.get("time")),
                    commit=git.get("commit") if isinstance(git, dict) else None,
                    pr=details.get("pr"),
                    author=details.get("author"),
                    approvers=tuple(str(a) for a in approvers),
                    digest=info.get("digest") if isinstance(info, dict) else None,
                )
            )
    return {k: tuple(reversed(v)) for k, v in out.items()}


def _unreadable(store: str, exc: AuditCorruptError) -> AuditView:
    return AuditView(True, store, "fail", "FAILED: the store cannot be read", problems=(str(exc),))


def load_audit(config: Config, root: Path, limit: int = TIMELINE_LIMIT) -> AuditView:
    """Verify the configured store and read its timeline (read-only)."""
    from govctl.audit.api import audit_paths, verify_audit
    from govctl.audit.query import LogFilter, read_log
    from govctl.audit.store import reading

    paths = audit_paths(config.audit, root)
    store = paths.db_shown
    if not paths.db.exists() and not any(paths.checkpoints.glob("*")):
        return AuditView(False, store, "none", "no audit store")
    try:
        report = verify_audit(config.audit, root)
    except AuditCorruptError as exc:
        return _unreadable(store, exc)
    problems = tuple(p.describe() for p in report.problems)
    word, headline = ("pass", "verified") if report.ok else ("fail", "FAILED: tampering detected")
    base = AuditView(
        True,
        store,
        word,
        headline,
        origin=report.origin,
        size=report.size,
        head=report.head,
        checkpoints_checked=report.checkpoints_checked,
        problems=problems,
    )
    if not paths.db.exists():
        return base
    try:
        with reading(paths.db, shown=store, timeout=paths.lock_timeout) as con:
            total = con.execute("SELECT count(*) FROM events").fetchone()
            types = con.execute("SELECT type, count(*) FROM events GROUP BY type ORDER BY type")
            counts = tuple((str(t), int(n)) for t, n in types.fetchall())
            newest = read_log(con, LogFilter(limit=limit))
            releases = read_log(con, LogFilter(types=("release",)))
    except AuditCorruptError as exc:
        return _unreadable(store, exc)
    events = tuple(
        EventRow(
            seq=e.seq,
            time=str(e.get("time")),
            type=str(e.get("type")),
            actor=str(e.get("actor")),
            commit=(e.get("git") or {}).get("commit"),
            summary=_summary(e.event),
        )
        for e in reversed(newest)
    )
    return replace(
        base,
        events=events,
        total=int(total[0]) if total else 0,
        counts=counts,
        releases=_release_rows(releases),
    )
