"""Library API of ``govctl audit ...``: the auditor's work over the DuckDB trail (docs/spec.md §6).

Each function returns a frozen result with an ``exit_code``; ``govctl.output.audit_render`` and
``govctl.audit.render`` turn results into text. Reads open the store read-only; the functions
that write (``verify`` unless told not to, ``checkpoint``, ``record_release``) append events
through ``govctl.audit.api.record_events``, which also writes the run's checkpoint file.
Nothing here reads the environment: the caller passes the actor and any signing-key override.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govctl.audit import auditor
from govctl.audit.api import EventDraft, RecordResult, record_events, utc_now, verify_audit
from govctl.audit.checkpoints import generate_keypair
from govctl.audit.export import EXPORT_FORMATS, ExportResult, export_events
from govctl.audit.keys import RotationResult, rotate_signing_key
from govctl.audit.paths import AuditPaths, audit_paths
from govctl.audit.query import LogEntry, LogFilter, QueryResult, parse_time_bound, read_log
from govctl.audit.query import run_query as _run_query
from govctl.audit.release import ReleaseInfo, release_events
from govctl.audit.store import reading
from govctl.audit.verify import VerifyReport
from govctl.errors import EXIT_CLEAN, EXIT_INTEGRITY, AuditIntegrityError, UsageError
from govctl.hints import did_you_mean
from govctl.models.config import Config

__all__ = [
    "EXPORT_FORMATS",
    "REPORTS",
    "AsOfResult",
    "AuditTarget",
    "ExportOutcome",
    "KeyPlan",
    "KeygenResult",
    "LogQuery",
    "LogResult",
    "QueryOutcome",
    "RecordOutcome",
    "ReleaseInfo",
    "ReportResult",
    "RotateResult",
    "VerifyOutcome",
    "as_of",
    "checkpoint",
    "export",
    "key_plan",
    "keygen",
    "log",
    "query",
    "record_release",
    "record_verification",
    "report",
    "rotate_key",
    "verify",
]

REPORTS = auditor.REPORTS


@dataclass(frozen=True)
class AuditTarget:
    """The trail a command works on: the repository, its configuration, and the caller's
    overrides (``signing_key``: a key file that replaces ``audit.signingKey``, e.g. a CI
    secret; ``local``: the personal trail of local runs instead of the authoritative one)."""

    root: Path
    config: Config
    signing_key: Path | None = None
    local: bool = False

    def paths(self) -> AuditPaths:
        return audit_paths(
            self.config.audit,
            self.root,
            signing_key_path=self.signing_key,
            trail="local" if self.local else "authoritative",
        )

    def record(self, drafts: list[EventDraft]) -> RecordResult:
        return record_events(
            self.config.audit, self.root, drafts, signing_key_path=self.signing_key
        )


@dataclass(frozen=True)
class LogQuery:
    """``audit log`` filters as the user wrote them (times are parsed here)."""

    types: tuple[str, ...] = ()
    artifact: str | None = None
    actor: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int | None = None


@dataclass(frozen=True)
class LogResult:
    entries: tuple[LogEntry, ...]
    exit_code: int = EXIT_CLEAN


@dataclass(frozen=True)
class QueryOutcome:
    result: QueryResult
    exit_code: int = EXIT_CLEAN


@dataclass(frozen=True)
class AsOfResult:
    result: auditor.AsOf
    exit_code: int = EXIT_CLEAN


@dataclass(frozen=True)
class ReportResult:
    name: str
    rows: tuple[dict[str, Any], ...]
    exit_code: int = EXIT_CLEAN


@dataclass(frozen=True)
class ExportOutcome:
    export: ExportResult
    directory_shown: str  # the folder as users know it (repository-relative when inside)
    exit_code: int = EXIT_CLEAN


@dataclass(frozen=True)
class RecordOutcome:
    recorded: RecordResult
    exit_code: int = EXIT_CLEAN


@dataclass(frozen=True)
class VerifyOutcome:
    """``failure``: the integrity error of a failed verification; ``of_store``: the store was
    verified (not an export folder)."""

    report: VerifyReport
    failure: AuditIntegrityError | None = None
    of_store: bool = True

    @property
    def exit_code(self) -> int:
        return EXIT_INTEGRITY if self.failure is not None else EXIT_CLEAN


@dataclass(frozen=True)
class KeyPlan:
    """Where ``keygen`` writes the pair; a private key inside the repository needs a warning
    (git must ignore it) before anything is written."""

    private_key: Path
    public_key: Path
    private_key_shown: str
    public_key_shown: str
    private_inside_repository: bool


@dataclass(frozen=True)
class KeygenResult:
    plan: KeyPlan
    key_id: str
    exit_code: int = EXIT_CLEAN


@dataclass(frozen=True)
class RotateResult:
    rotation: RotationResult
    new_private_key: Path
    public_key_shown: str
    statement_shown: str
    exit_code: int = EXIT_CLEAN


def log(target: AuditTarget, request: LogQuery) -> LogResult:
    """Events matching ``request``, oldest first."""
    paths = target.paths()
    flt = LogFilter(
        request.types,
        request.artifact,
        request.actor,
        parse_time_bound(request.since, what="--since") if request.since else None,
        parse_time_bound(request.until, end=True, what="--until") if request.until else None,
        request.limit,
    )
    with reading(paths.db, shown=paths.db_shown, timeout=paths.lock_timeout) as con:
        return LogResult(tuple(read_log(con, flt)))


def query(target: AuditTarget, sql: str) -> QueryOutcome:
    """One read-only SELECT over the trail's tables."""
    paths = target.paths()
    return QueryOutcome(
        _run_query(paths.db, shown=paths.db_shown, timeout=paths.lock_timeout, sql=sql)
    )


def _no_such_deployment(everything: auditor.AsOf, deployment: str, at: str) -> None:
    """A deployment the release live at ``at`` does not hold: a typo gets a did-you-mean."""
    if everything.release is None:
        return  # nothing recorded yet: the report says so
    known = [*everything.deployments, *(i.partition("/")[2] for i in everything.deployments)]
    if deployment in known:
        raise UsageError(f"deployment {deployment!r} was not live at {at}")
    raise UsageError(f"no such deployment {deployment!r} at {at}{did_you_mean(deployment, known)}")


def as_of(target: AuditTarget, time: str, deployment: str | None = None) -> AsOfResult:
    """What was live at ``time``, who approved it, and which policies decided."""
    paths = target.paths()
    at = parse_time_bound(time, end=True, what="TIME")
    with reading(paths.db, shown=paths.db_shown, timeout=paths.lock_timeout) as con:
        result = auditor.as_of(con, at, deployment)
        if deployment and not result.deployments:
            _no_such_deployment(auditor.as_of(con, at, None), deployment, at)
    return AsOfResult(result)


def report(target: AuditTarget, name: str) -> ReportResult:
    """One of the canned auditor reports (``REPORTS``)."""
    if name not in auditor.REPORT_FUNCTIONS:
        raise UsageError(f"unknown report {name!r}{did_you_mean(name, list(REPORTS))}")
    paths = target.paths()
    with reading(paths.db, shown=paths.db_shown, timeout=paths.lock_timeout) as con:
        return ReportResult(name, tuple(auditor.REPORT_FUNCTIONS[name](con)))


def export(
    target: AuditTarget,
    fmt: str,
    *,
    since: str | None = None,
    until: str | None = None,
    output: Path | None = None,
) -> ExportOutcome:
    """Export whole runs of events with a manifest bound to the checkpoint they end at
    (default folder: ``<audit.exports>/<timestamp>-<format>``)."""
    paths = target.paths()
    now = utc_now()
    out = output or paths.exports / f"{now.strftime('%Y%m%dT%H%M%S%fZ')}-{fmt}"
    result = export_events(
        paths.db,
        shown=paths.db_shown,
        timeout=paths.lock_timeout,
        out_dir=out,
        fmt=fmt,
        since=parse_time_bound(since, what="--since") if since else None,
        until=parse_time_bound(until, end=True, what="--until") if until else None,
        created_at=now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    )
    return ExportOutcome(result, paths.shown(result.directory))


def verify(
    target: AuditTarget, *, export_dir: Path | None = None, no_git: bool = False
) -> VerifyOutcome:
    """Check the chain (SQL and Python) and every checkpoint committed in git (read-only);
    with ``export_dir`` an export folder instead, bound to the trail's checkpoints."""
    report = verify_audit(
        target.config.audit, target.root, export_dir, no_git=no_git, local=target.local
    )
    try:
        report.raise_if_failed()
    except AuditIntegrityError as failure:
        return VerifyOutcome(report, failure=failure, of_store=export_dir is None)
    return VerifyOutcome(report, of_store=export_dir is None)


def record_verification(
    target: AuditTarget, outcome: VerifyOutcome, actor: str
) -> RecordOutcome | None:
    """Append the verify event of a passing verification of the store itself (``None`` when
    there is nothing to record). A failed verification never extends the chain it found
    broken."""
    report = outcome.report
    if outcome.failure is not None or not outcome.of_store or report.sql is None:
        return None
    # The event goes to the trail this run writes (the local one unless this is the recorder).
    details: dict[str, Any] = {
        "result": "ok",
        "trail": "local" if target.local else "authoritative",
        "size": report.size,
        "head": report.head,
        "checkpointsChecked": report.checkpoints_checked,
        "verifiers": ["sql", "python"],
    }
    draft = EventDraft(type="verify", actor=actor, decision={"result": "ok"}, details=details)
    return RecordOutcome(target.record([draft]))


def checkpoint(target: AuditTarget, actor: str) -> RecordOutcome:
    """Append a checkpoint event and write a (signed) checkpoint of the new head."""
    draft = EventDraft(type="checkpoint", actor=actor, details={"reason": "requested"})
    return RecordOutcome(target.record([draft]))


def key_plan(
    target: AuditTarget, private_key: Path | None = None, public_key: Path | None = None
) -> KeyPlan:
    """Where ``keygen`` writes (defaults: ``audit.signingKey``, else
    ``~/.config/govctl/audit-signing-key.pem``; ``audit.publicKey``, else
    ``audits/audit-signing-key.pub.pem``)."""
    paths = target.paths()
    private = (
        private_key
        or paths.signing_key
        or (Path.home() / ".config" / "govctl" / "audit-signing-key.pem")
    )
    public = public_key or paths.public_key or (paths.root / "audits" / "audit-signing-key.pub.pem")
    inside = private.resolve().is_relative_to(paths.root)
    return KeyPlan(private, public, paths.shown(private), paths.shown(public), inside)


def keygen(plan: KeyPlan, *, force: bool = False) -> KeygenResult:
    """Write an Ed25519 key pair (the private key mode 0600); existing files only with force."""
    return KeygenResult(plan, generate_keypair(plan.private_key, plan.public_key, force=force))


def rotate_key(target: AuditTarget, new_private_key: Path) -> RotateResult:
    """Replace the signing key: the previous key signs a statement introducing the new one."""
    paths = target.paths()
    if paths.signing_key is None or paths.public_key is None:
        raise UsageError(
            "rotate-key needs the current key: set audit.signingKey (or "
            "$GOVCTL_AUDIT_SIGNING_KEY) and audit.publicKey"
        )
    result = rotate_signing_key(paths, new_private_key, utc_now())
    return RotateResult(
        result, new_private_key, paths.shown(paths.public_key), paths.shown(result.statement)
    )


def record_release(target: AuditTarget, info: ReleaseInfo) -> RecordOutcome:
    """Record what went live with a merge: the release event and the waiver changes since the
    previous release."""
    # Imported here: loading the registry pulls in the artifact models, which no other audit
    # command needs (``audit verify`` starts ~50 ms sooner without them).
    from govctl.api_registry import load_registry

    registry = load_registry(target.root, target.config)
    paths = target.paths()
    before: dict[str, Any] = {}
    if paths.db.exists():
        with reading(paths.db, shown=paths.db_shown, timeout=paths.lock_timeout) as con:
            before = auditor.previous_waivers(con)
    return RecordOutcome(target.record(list(release_events(info, registry, before))))
