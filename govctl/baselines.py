"""Baselines: adopting govctl on a repository that already has findings.

``govctl baseline create`` records today's findings by fingerprint in a committed, reviewable file
(``policy.baseline``, default ``govctl-baseline.yaml``; kind ``Baseline``). ``check`` then reports
a baselined finding as waived (by ``Baseline/<name>``) and every new or changed finding as usual
(a fingerprint covers rule, identity and field path, so a finding on another field or artifact is
new). ``govctl baseline prune`` removes the entries whose findings are gone.

A baseline is reviewed like a waiver and fails closed like one: an expired baseline is an error
finding (GOV-WVR-001) and waives nothing, one expiring beyond ``waivers.maxDays`` is GOV-WVR-003,
and entries for non-waivable rules waive nothing and are GOV-WVR-002 findings.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from govctl.errors import ConfigError, UsageError
from govctl.findings import Finding, RawFinding
from govctl.loader.yamlparse import ParsedDocument, parse_yaml
from govctl.models.baseline import Baseline, BaselineEntry
from govctl.policy.bundle import RuleMeta


@dataclass(frozen=True)
class LoadedBaseline:
    baseline: Baseline
    file: str  # repository-relative path
    document: ParsedDocument

    @property
    def identity(self) -> str:
        return f"Baseline/{self.baseline.metadata.name}"

    def line(self, *keys: str | int) -> int | None:
        for n in range(len(keys), 0, -1):
            found = self.document.positions.get(tuple(keys[:n]))
            if found:
                return found[0]
        return None


@dataclass(frozen=True)
class BaselineReview:
    findings: tuple[RawFinding, ...]
    active: Mapping[str, str]  # fingerprint → baseline identity


def load_baseline(root: Path, relative: str) -> LoadedBaseline | None:
    """The baseline file, or None when the repository has none."""
    file = root / relative
    if not file.is_file():
        return None
    parsed = parse_yaml(file.read_text(encoding="utf-8"), positions=True)
    if parsed.problem:
        raise ConfigError(parsed.problem.message, file=relative, line=parsed.problem.line)
    docs = [d for d in parsed.documents if d.value is not None]
    if len(docs) != 1 or not isinstance(docs[0].value, dict):
        raise ConfigError("expected one YAML mapping (kind: Baseline)", file=relative, line=1)
    try:
        baseline = Baseline.model_validate(docs[0].value)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        positions = docs[0].positions
        cuts = [loc[:n] for n in range(len(loc), 0, -1) if loc[:n] in positions]
        line = positions[cuts[0]][0] if cuts else None
        where = ".".join(str(p) for p in loc) or "document"
        raise ConfigError(f"{where}: {err['msg']}", file=relative, line=line) from None
    return LoadedBaseline(baseline, relative, docs[0])


def review_baseline(
    loaded: LoadedBaseline | None,
    rules: Mapping[str, RuleMeta],
    today: dt.date,
    max_days: int,
) -> BaselineReview:
    if loaded is None:
        return BaselineReview((), {})
    spec = loaded.baseline.spec
    expires = dt.date.fromisoformat(spec.expires)
    problems: list[RawFinding] = []

    def problem(rule: str, message: str, *keys: str | int) -> None:
        problems.append(
            RawFinding(rule, "error", message, None, "", loaded.file, loaded.line(*keys))
        )

    if expires < today:
        problem(
            "GOV-WVR-001",
            f"{loaded.identity} expired on {spec.expires}: it waives nothing; fix the findings or "
            "renew the baseline with a new approval",
            "spec",
            "expires",
        )
    if (expires - today).days > max_days:
        latest = (today + dt.timedelta(days=max_days)).isoformat()
        problem(
            "GOV-WVR-003",
            f"{loaded.identity} expires {spec.expires}, more than waivers.maxDays ({max_days}) "
            f"from today; set it to {latest} or earlier",
            "spec",
            "expires",
        )
    if problems:
        return BaselineReview(tuple(problems), {})
    active: dict[str, str] = {}
    for index, entry in enumerate(spec.findings):
        meta = rules.get(entry.rule)
        if meta is not None and not meta.waivable:
            problem(
                "GOV-WVR-002",
                f"{loaded.identity} lists a finding of {entry.rule}, which is not waivable: "
                "fix the finding instead",
                "spec",
                "findings",
                index,
            )
            continue
        active[entry.fingerprint] = loaded.identity
    return BaselineReview(tuple(problems), active)


def apply_baseline(findings: Iterable[Finding], active: Mapping[str, str]) -> list[Finding]:
    return [
        f.waive(active[f.fingerprint])
        if not f.waived and f.fingerprint in active and not f.rule.startswith("GOV-WVR-")
        else f
        for f in findings
    ]


def entries_for(findings: Iterable[Finding], rules: Mapping[str, RuleMeta]) -> list[BaselineEntry]:
    """Baseline entries for the open findings of waivable rules, sorted by rule and ref."""
    out = {
        f.fingerprint: BaselineEntry(
            fingerprint=f.fingerprint, rule=f.rule, ref=f.ref, path=f.path, message=f.message
        )
        for f in findings
        if not f.waived and (meta := rules.get(f.rule)) is not None and meta.waivable
    }
    return sorted(out.values(), key=lambda e: (e.rule, e.ref or "", e.path, e.fingerprint))


def render_baseline(baseline: Baseline) -> str:
    """The file's text: YAML written by govctl (one entry per finding, stable order)."""
    import json

    def scalar(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    meta, spec = baseline.metadata, baseline.spec
    lines = [
        "# Findings accepted when this repository adopted govctl (`govctl baseline create`).",
        "# Review like a waiver; `govctl baseline prune` removes entries whose findings are gone.",
        "apiVersion: govctl/v1",
        "kind: Baseline",
        "metadata:",
        f"  name: {scalar(meta.name)}",
    ]
    if meta.owner:
        lines.append(f"  owner: {scalar(meta.owner)}")
    lines += [
        "spec:",
        f"  approvedBy: {scalar(spec.approvedBy)}",
        f"  justification: {scalar(spec.justification)}",
        f"  expires: {spec.expires}",
    ]
    if spec.ticket:
        lines.append(f"  ticket: {scalar(spec.ticket)}")
    lines.append("  findings:" if spec.findings else "  findings: []")
    for entry in spec.findings:
        lines.append(f"    - fingerprint: {entry.fingerprint}")
        lines.append(f"      rule: {entry.rule}")
        lines.append(f"      ref: {scalar(entry.ref)}")
        lines.append(f"      path: {scalar(entry.path)}")
        if entry.message is not None:
            lines.append(f"      message: {scalar(entry.message)}")
    return "\n".join(lines) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def new_baseline(
    entries: list[BaselineEntry],
    *,
    name: str,
    owner: str | None,
    approved_by: str,
    justification: str,
    expires: str,
    ticket: str | None,
) -> Baseline:
    if not approved_by.strip() or not justification.strip():
        raise UsageError("a baseline needs --approved-by and --justification")
    return Baseline.model_validate(
        {
            "apiVersion": "govctl/v1",
            "kind": "Baseline",
            "metadata": {"name": name, "owner": owner},
            "spec": {
                "approvedBy": approved_by,
                "justification": justification,
                "expires": expires,
                "ticket": ticket,
                "findings": [e.model_dump() for e in entries],
            },
        }
    )


def pruned(baseline: Baseline, open_fingerprints: set[str]) -> tuple[Baseline, int]:
    """The baseline without entries whose findings are gone; and how many were removed."""
    kept = [e for e in baseline.spec.findings if e.fingerprint in open_fingerprints]
    spec = baseline.spec.model_copy(update={"findings": kept})
    removed = len(baseline.spec.findings) - len(kept)
    return baseline.model_copy(update={"spec": spec}), removed
