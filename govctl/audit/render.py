"""Text and JSON renderings of audit results (the CLI prints them; nothing here prints)."""

from __future__ import annotations

import json
from typing import Any

from govctl.audit.auditor import AsOf
from govctl.audit.query import LogEntry, QueryResult
from govctl.audit.verify import VerifyReport
from govctl.escape import inline, inline_lines


def to_json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def _short(digest: Any, width: int = 12) -> str:
    text = str(digest or "-")
    return text.removeprefix("sha256:")[:width]


def log_text(entries: list[LogEntry]) -> str:
    lines = []
    for e in entries:
        git = e.get("git") or {}
        decision = e.get("decision")
        summary = ""
        if isinstance(decision, dict):
            summary = " ".join(
                f"{k}={v}" for k, v in sorted(decision.items()) if not isinstance(v, dict | list)
            )
        arts = e.get("artifacts") or []
        shown = ", ".join(arts[:3]) + (f" (+{len(arts) - 3})" if len(arts) > 3 else "")
        lines.append(
            f"{e.seq:>8}  {e.get('time')}  {e.get('type'):<10} {e.get('actor')}  "
            f"commit {_short(git.get('commit'))}  {summary}  {shown}".rstrip()
        )
    if not lines:
        return "no events match"
    header = f"{'seq':>8}  {'time':<27} {'type':<10} actor  commit  decision  artifacts"
    return "\n".join([header, inline_lines(lines)])


def log_json(entries: list[LogEntry]) -> str:
    return to_json(
        {"version": 1, "events": [{"seq": e.seq, "hash": e.hash, **e.event} for e in entries]}
    )


def query_text(result: QueryResult) -> str:
    cells = [[str(c) for c in result.columns]] + [
        ["NULL" if v is None else inline(v) for v in row] for row in result.rows
    ]
    widths = [min(max(len(r[i]) for r in cells), 60) for i in range(len(result.columns))]
    out = ["  ".join(v[:60].ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def query_json(result: QueryResult) -> str:
    return to_json(
        {
            "columns": list(result.columns),
            "rows": [dict(zip(result.columns, row, strict=True)) for row in result.rows],
        }
    )


def verify_json(report: VerifyReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "store": report.store,
        "origin": report.origin,
        "size": report.size,
        "head": report.head,
        "checkpointsChecked": report.checkpoints_checked,
        "verifiersAgree": report.sql == report.python,
        "problems": [
            {"kind": p.kind, "seq": p.seq, "message": p.message, "source": p.source}
            for p in report.problems
        ],
    }


def verify_text(report: VerifyReport) -> str:
    lines = [
        f"audit {report.store}: {report.size} events, head {_short(report.head, 16)}, "
        f"origin {report.origin or '-'}"
    ]
    agree = (
        "SQL and Python verifiers agree" if report.sql == report.python else "VERIFIERS DISAGREE"
    )
    if report.sql is None:
        lines.append("chain: not checked (no store)")
    else:
        lines.append(f"chain: {'ok' if report.sql.ok else 'BROKEN'} ({agree})")
    lines.append(f"checkpoints checked: {report.checkpoints_checked}")
    lines += [f"  {inline(p.describe())}" for p in report.problems]
    if not report.ok:
        lines.append(f"verification FAILED: {len(report.problems)} problem(s)")
    elif report.sql is None:
        lines.append("nothing to verify: no store, and no checkpoint records one")
    else:
        lines.append("verified: ok")
    return "\n".join(lines)


def asof_json(result: AsOf) -> dict[str, Any]:
    release = result.release
    check = result.deciding_check
    details = (release.get("details") or {}) if release else {}
    return {
        "time": result.time,
        "release": None
        if release is None
        else {
            "seq": release.seq,
            "time": release.get("time"),
            "commit": (release.get("git") or {}).get("commit"),
            "pr": details.get("pr"),
            "author": details.get("author"),
            "approvers": details.get("approvers") or [],
            "registryDigest": release.get("registryDigest"),
        },
        "deployments": result.deployments,
        "decidedBy": None
        if check is None
        else {
            "seq": check.seq,
            "time": check.get("time"),
            "commit": (check.get("git") or {}).get("commit"),
            "policyDigest": check.get("policyDigest"),
            "engine": check.get("engine"),
            "decision": check.get("decision"),
        },
    }


def asof_text(result: AsOf) -> str:
    data = asof_json(result)
    rel = data["release"]
    if rel is None:
        return f"no release recorded at or before {result.time}"
    lines = [
        f"as of {result.time}: release seq {rel['seq']} at {rel['time']}, commit "
        f"{_short(rel['commit'])}, PR {rel['pr'] or '-'}",
        f"  author {rel['author'] or '-'}; approved by {', '.join(rel['approvers']) or 'NOBODY'}",
    ]
    for identity, entry in sorted(result.deployments.items()):
        lines.append(f"  {identity} [{entry.get('environment')}] {_short(entry.get('digest'))}")
        lines += [
            f"      {item['role']:<10} {item['ref']}  {_short(item['digest'])}"
            for item in entry.get("live", [])
        ]
    decided = data["decidedBy"]
    if decided is None:
        lines.append("  decided by: no check recorded")
    else:
        engine = decided["engine"] or {}
        lines.append(
            f"  decided by: check seq {decided['seq']} policy {decided['policyDigest']} "
            f"engine {engine.get('name')} {engine.get('version')}"
        )
    return inline_lines(lines)


def report_text(name: str, rows: list[dict[str, Any]]) -> str:
    if not rows:
        return f"{name}: none"
    lines = [f"{name}: {len(rows)}"]
    for row in rows:
        lines.append("  " + "  ".join(f"{k}={v}" for k, v in row.items() if v not in (None, [])))
    return inline_lines(lines)
