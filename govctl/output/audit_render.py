"""What the ``govctl audit ...`` commands print, from the results of ``govctl.api_audit``.

The trail's own views (log, query, as-of, reports, verification) are rendered by
``govctl.audit.render``; this module picks the format and words the command messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govctl.audit import render

if TYPE_CHECKING:
    from govctl.api_audit import (
        AsOfResult,
        ExportOutcome,
        KeygenResult,
        KeyPlan,
        LogResult,
        QueryOutcome,
        ReportResult,
        RotateResult,
        VerifyOutcome,
    )
    from govctl.audit.api import RecordResult


def log(result: LogResult, fmt: str) -> str:
    entries = list(result.entries)
    return render.log_json(entries) if fmt == "json" else render.log_text(entries)


def query(outcome: QueryOutcome, fmt: str) -> str:
    return render.query_json(outcome.result) if fmt == "json" else render.query_text(outcome.result)


def as_of(outcome: AsOfResult, fmt: str) -> str:
    if fmt == "json":
        return render.to_json(render.asof_json(outcome.result))
    return render.asof_text(outcome.result)


def report(outcome: ReportResult, fmt: str) -> str:
    rows = list(outcome.rows)
    if fmt == "json":
        return render.to_json({"report": outcome.name, "rows": rows})
    return render.report_text(outcome.name, rows)


def verify(outcome: VerifyOutcome, fmt: str) -> str:
    if fmt == "json":
        return render.to_json(render.verify_json(outcome.report))
    return render.verify_text(outcome.report)


def recorded_line(result: RecordResult) -> str:
    signed = "signed" if result.signed else "unsigned"
    where = " in the local trail" if result.trail == "local" else ""
    return (
        f"recorded events {result.first_seq}..{result.last_seq}{where}, head "
        f"{result.head[:16]}; {signed} checkpoint {result.checkpoint_file.name}"
    )


def exported_line(outcome: ExportOutcome) -> str:
    result = outcome.export
    span = f"events {result.first_seq}..{result.last_seq}" if result.rows else "no events"
    return f"exported {span} to {outcome.directory_shown} (manifest {result.manifest.name})"


def key_inside_repository_warning(plan: KeyPlan) -> str:
    return (
        f"warning: {plan.private_key_shown} is inside the repository: make sure git "
        "ignores it (never commit a private key)"
    )


def keygen_text(result: KeygenResult) -> str:
    plan = result.plan
    return (
        f"wrote {result.key_id}\n  private key: {plan.private_key} (mode 0600; keep it secret)\n"
        f"  public key:  {plan.public_key_shown} (commit it)\n"
        f"configure govctl.yaml:\n  audit:\n    signingKey: {plan.private_key}\n"
        f"    publicKey: {plan.public_key_shown}"
    )


def rotate_text(result: RotateResult) -> str:
    rotation = result.rotation
    return (
        f"rotated {rotation.previous_key_id} -> {rotation.new_key_id}\n"
        f"  new private key: {result.new_private_key} (mode 0600; keep it secret, update CI's "
        "secret)\n"
        f"  public key:      {result.public_key_shown} (commit it)\n"
        f"  statement:       {result.statement_shown} (commit it)"
    )
