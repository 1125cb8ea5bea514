"""What the ``govctl audit ...`` commands print, from the results of ``govctl.api_audit``.

The trail's own views (log, query, as-of, reports, verification) are rendered by
``govctl.audit.render``; this module picks the format and words the command messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govctl.audit import render

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from govctl.audit.api import RecordResult
    from govctl.audit.auditor import AsOf
    from govctl.audit.export import ExportResult
    from govctl.audit.keys import RotationResult
    from govctl.audit.query import LogEntry, QueryResult
    from govctl.audit.verify import VerifyReport


def log(entries: Sequence[LogEntry], fmt: str) -> str:
    entries = list(entries)
    return render.log_json(entries) if fmt == "json" else render.log_text(entries)


def query(result: QueryResult, fmt: str) -> str:
    return render.query_json(result) if fmt == "json" else render.query_text(result)


def as_of(result: AsOf, fmt: str) -> str:
    if fmt == "json":
        return render.to_json(render.asof_json(result))
    return render.asof_text(result)


def report(name: str, rows: Sequence[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return render.to_json({"report": name, "rows": list(rows)})
    return render.report_text(name, list(rows))


def verify(report: VerifyReport, fmt: str) -> str:
    if fmt == "json":
        return render.to_json(render.verify_json(report))
    return render.verify_text(report)


def recorded_line(result: RecordResult) -> str:
    signed = "signed" if result.signed else "unsigned"
    where = " in the local trail" if result.trail == "local" else ""
    return (
        f"recorded events {result.first_seq}..{result.last_seq}{where}, head "
        f"{result.head[:16]}; {signed} checkpoint {result.checkpoint_file.name}"
    )


def exported_line(result: ExportResult, directory_shown: str) -> str:
    span = f"events {result.first_seq}..{result.last_seq}" if result.rows else "no events"
    return f"exported {span} to {directory_shown} (manifest {result.manifest.name})"


def key_inside_repository_warning(private_key_shown: str) -> str:
    return (
        f"warning: {private_key_shown} is inside the repository: make sure git "
        "ignores it (never commit a private key)"
    )


def keygen_text(key_id: str, private_key: Path, public_key_shown: str) -> str:
    return (
        f"wrote {key_id}\n  private key: {private_key} (mode 0600; keep it secret)\n"
        f"  public key:  {public_key_shown} (commit it)\n"
        f"configure govctl.yaml:\n  audit:\n    signingKey: {private_key}\n"
        f"    publicKey: {public_key_shown}"
    )


def rotate_text(
    rotation: RotationResult, new_private_key: Path, public_key_shown: str, statement_shown: str
) -> str:
    return (
        f"rotated {rotation.previous_key_id} -> {rotation.new_key_id}\n"
        f"  new private key: {new_private_key} (mode 0600; keep it secret, update CI's "
        "secret)\n"
        f"  public key:      {public_key_shown} (commit it)\n"
        f"  statement:       {statement_shown} (commit it)"
    )
