"""The audit library API that the rest of govctl calls.

    from govctl.audit.api import EventDraft, record_events
    result = record_events(config.audit, root, [EventDraft(type="check", actor="...", ...)])

``record_events`` appends the events of one run in one transaction (all or none), chains them,
records a checkpoint in the database in the same transaction, and then writes the checkpoint
file (signed when a signing key is configured or passed). It refuses to extend a store that
contradicts its newest checkpoint file (rolled back or replaced) or that has disappeared while
checkpoints of it exist: the caller gets ``AuditIntegrityError`` (exit 4) and nothing is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govctl.audit.anchor import GitAnchor, key_trust, read_anchor
from govctl.audit.checkpoints import (
    Checkpoint,
    checkpoint_paths,
    load_checkpoint_files,
    load_private_key,
    load_public_key,
    newest_checkpoint_file,
    sign,
    write_checkpoint_file,
)
from govctl.audit.export import verify_export
from govctl.audit.paths import (
    AuditPaths,
    AuditSettingsLike,
    audit_paths,
    ensure_local_folder,
    writing_paths,
)
from govctl.audit.payload import EventDraft, build_payload, format_time, payload_text
from govctl.audit.store import WriterSession, first_line, open_writer
from govctl.audit.verify import Evidence, VerifyReport, verify_store
from govctl.errors import AuditCorruptError, AuditIntegrityError, UsageError

__all__ = [
    "EventDraft",
    "RecordResult",
    "audit_paths",
    "record_events",
    "utc_now",
    "verify_audit",
]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RecordResult:
    origin: str
    run: str
    first_seq: int
    last_seq: int
    head: str
    checkpoint: Checkpoint
    checkpoint_file: Path
    trail: str = "authoritative"  # or "local": the personal trail of local runs

    @property
    def signed(self) -> bool:
        return self.checkpoint.signature is not None


def _refuse_if_missing(paths: AuditPaths) -> None:
    if not paths.db.exists() and checkpoint_paths(paths.checkpoints):
        raise AuditIntegrityError(
            f"audit store {paths.db_shown} is missing, but {paths.shown(paths.checkpoints)} holds "
            "checkpoints of it: restore the database (or move the checkpoints away to start a "
            "new log)",
            kind="missing",
        )


def _refuse_if_contradicted(session: WriterSession, paths: AuditPaths) -> None:
    """Never extend a store its newest checkpoint file disowns (cheap: one file, one lookup),
    nor seal events that no govctl run wrote (events past the newest checkpoint row)."""
    size, _ = session.size_and_head()
    sealed = session.sealed_size()
    if size > sealed:
        raise AuditIntegrityError(
            f"audit store {paths.db_shown} holds events {sealed + 1}..{size} that no checkpoint "
            "covers: they were added outside govctl; nothing recorded",
            first_bad_seq=sealed + 1,
            kind="unsealed",
        )
    newest = newest_checkpoint_file(paths.checkpoints)
    if newest is None or newest.checkpoint is None:
        return
    cp, shown = newest.checkpoint, paths.shown(newest.path)
    if cp.origin != session.origin:
        raise AuditIntegrityError(
            f"audit store {paths.db_shown} has origin {session.origin!r} but checkpoint {shown} "
            f"is of {cp.origin!r}: the database was replaced",
            kind="foreign-checkpoint",
        )
    if cp.size > size:
        raise AuditIntegrityError(
            f"audit store {paths.db_shown} ends at seq {size} but checkpoint {shown} records "
            f"{cp.size} events: it was rolled back or truncated; nothing recorded",
            first_bad_seq=size + 1,
            kind="rolled-back",
        )
    if session.hash_at(cp.size) != cp.head:
        raise AuditIntegrityError(
            f"audit store {paths.db_shown} disagrees with checkpoint {shown} at seq {cp.size}: "
            "it was rewritten or replaced; nothing recorded",
            first_bad_seq=cp.size,
            kind="replaced",
        )


def _signing_key(paths: AuditPaths) -> Ed25519PrivateKey | None:
    if paths.signing_key is None:
        return None
    return load_private_key(paths.signing_key, paths.shown(paths.signing_key))


def record_events(
    settings: AuditSettingsLike,
    root: Path,
    events: Sequence[EventDraft],
    *,
    signing_key_path: Path | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> RecordResult:
    """Append one run's events (one transaction) and checkpoint the new head."""
    if not events:
        raise UsageError("no audit events to record")
    paths = writing_paths(settings, root, signing_key_path=signing_key_path)
    # The local trail is personal: never signed (developers hold no release key).
    key = _signing_key(paths) if paths.authoritative else None
    run = uuid.uuid4().hex
    started = clock()
    texts = [payload_text(build_payload(e, time=format_time(started), run=run)) for e in events]
    _refuse_if_missing(paths)
    ensure_local_folder(paths)
    origin = paths.origin or f"govctl-audit:{uuid.uuid4()}"
    with open_writer(
        paths.db, shown=paths.db_shown, timeout=paths.lock_timeout, origin=origin, now=started
    ) as session:
        try:
            _refuse_if_contradicted(session, paths)
            with session.transaction() as tx:
                appended = tx.append(texts)
                checkpoint = Checkpoint(
                    session.origin, appended.last_seq, appended.head, format_time(clock())
                )
                if key is not None:
                    checkpoint = sign(checkpoint, key)
                tx.add_checkpoint_row(
                    origin=checkpoint.origin,
                    size=checkpoint.size,
                    head=checkpoint.head,
                    time=checkpoint.time,
                    key_id=checkpoint.key_id,
                    signature=checkpoint.signature,
                )
        except duckdb.Error as exc:
            raise AuditCorruptError(
                f"audit store {paths.db_shown} cannot be written: {first_line(exc)}"
            ) from None
        # Still under the writer lock: checkpoint files appear in the order of the runs.
        written = write_checkpoint_file(paths.checkpoints, checkpoint)
    return RecordResult(
        session.origin,
        run,
        appended.first_seq,
        appended.last_seq,
        appended.head,
        checkpoint,
        written,
        paths.trail,
    )


def _evidence(paths: AuditPaths, *, use_git: bool) -> tuple[Evidence, GitAnchor | None]:
    if not paths.authoritative:  # the local trail is never signed nor committed
        files = load_checkpoint_files(paths.checkpoints)
        return Evidence(
            tuple((paths.shown(f.path), f.checkpoint, f.error) for f in files), None
        ), None
    configured = (
        load_public_key(paths.public_key, paths.shown(paths.public_key))
        if paths.public_key and (paths.public_key.exists() or not use_git)
        else None
    )
    if paths.public_key and configured is None:
        raise AuditIntegrityError(
            f"audit verification failed (key-removed): the public key "
            f"{paths.shown(paths.public_key)} is missing from the work tree; deleting it does "
            "not switch signature checks off",
            kind="key-removed",
        )
    anchor = read_anchor(paths) if use_git else None
    trust = key_trust(paths, configured, anchor)
    files = load_checkpoint_files(paths.checkpoints)
    copies = [(c.source, c.checkpoint, c.error) for c in anchor.checkpoints] if anchor else []
    copies += [(paths.shown(f.path), f.checkpoint, f.error) for f in files]
    expected = paths.origin or (anchor.origin if anchor else None)
    problems = (anchor.problems if anchor else ()) + trust.problems
    committed = len(anchor.checkpoints) if anchor else 0
    return Evidence(tuple(copies), trust.keys, problems, expected, committed), anchor


def verify_audit(
    settings: AuditSettingsLike,
    root: Path,
    export_dir: Path | None = None,
    *,
    no_git: bool = False,
    local: bool = False,
) -> VerifyReport:
    """Verify a trail (read-only): the authoritative store against every checkpoint committed
    in git and in the work tree; with ``local`` the personal trail against its own files; with
    ``export_dir`` an export folder, bound to the trail's checkpoints."""
    paths = audit_paths(settings, root, trail="local" if local else "authoritative")
    evidence, anchor = _evidence(paths, use_git=not (no_git or local))
    if export_dir is not None:
        return verify_export(export_dir, evidence=evidence, anchored=anchor is not None)
    return verify_store(
        paths.db, shown=paths.db_shown, evidence=evidence, timeout=paths.lock_timeout
    )
