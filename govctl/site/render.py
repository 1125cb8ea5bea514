"""Render every page of the site from the gathered model (Jinja2 templates shipped in the package).

``render_site`` yields ``(site-relative path, bytes)`` pairs; ``govctl.site.write`` puts them on
disk. Output depends only on the inputs: the same commit, policies, ``--now`` and audit store give
byte-identical files (no wall clock, no absolute paths).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, Environment, PackageLoader, Template
from markupsafe import Markup

from govctl.registry import Artifact
from govctl.reports import COMPONENTS
from govctl.site.audit_view import AuditView
from govctl.site.links import (
    anchor,
    artifact_page,
    control_link,
    deployment_page,
    href,
    rule_link,
)
from govctl.site.model import FRAMEWORKS, SiteModel, framework_of
from govctl.site.parallel import render_pages
from govctl.site.svg import KIND_ORDER
from govctl.site.views import (
    artifact_context,
    deployment_context,
    listed,
    money,
    shown,
    version_key,
)

MARKS = {"pass": "ok", "fail": "FAIL", "waived": "W", "not evaluated": "–"}
WORDS = {"pass": "PASS", "fail": "FAIL", "waived": "WAIVED", "not evaluated": "NOT EVALUATED"}
# Status badges and cell classes are looked up, not computed, per cell: a 10k-artifact site
# renders a few hundred thousand of them.
BADGES = {
    word: Markup(f'<span class="status s-{word.replace(" ", "-")}">{text}</span>')
    for word, text in WORDS.items()
}
CELL_CLASSES = {word: f"c-{word.replace(' ', '-')}" for word in WORDS}
MATRIX_LIMIT = 40  # controls × deployments as a full matrix up to this many deployments
ASSETS = ("site.css", "site.js")


@dataclass(frozen=True)
class SiteInputs:
    model: SiteModel
    audit: AuditView
    impact: Mapping[str, Any] | None  # the ``govctl impact`` JSON, with --base
    base_ref: str | None
    root: Path


def show_value(value: Any) -> str:
    """A before/after value of the impact report, as JSON text (absent: "(none)")."""
    if value is None:
        return "(none)"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class _Links(dict[str, str]):
    """Site-relative link of a rule or control, made on first use."""

    def __init__(self, make: Callable[[str], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: str) -> str:
        value = self[key] = self.make(key)
        return value


class SourceTexts:
    """The YAML text of each document, sliced from its file (read once per file)."""

    def __init__(self, root: Path, artifacts: list[Artifact]) -> None:
        self.root = root
        self._files: dict[str, list[str]] = {}
        starts: dict[str, list[int]] = defaultdict(list)
        for artifact in artifacts:
            starts[artifact.path].append(artifact.line)
        self._starts = {path: sorted(set(lines)) for path, lines in starts.items()}

    def _lines(self, path: str) -> list[str]:
        if path not in self._files:
            try:
                text = (self.root / path).read_bytes().decode("utf-8", errors="replace")
            except OSError:
                text = ""
            self._files[path] = text.splitlines()
        return self._files[path]

    def document(self, artifact: Artifact) -> str:
        lines = self._lines(artifact.path)
        later = [s for s in self._starts.get(artifact.path, []) if s > artifact.line]
        end = later[0] - 1 if later else len(lines)
        chunk = lines[max(0, artifact.line - 1) : end]
        while chunk and chunk[-1].strip() in ("", "---", "..."):
            chunk.pop()
        return "\n".join(chunk) + "\n"

    def template(self, artifact: Artifact) -> str | None:
        if not artifact.template_path:
            return None
        return "\n".join(self._lines(artifact.template_path)) + "\n"


class Renderer:
    def __init__(self, inputs: SiteInputs) -> None:
        self.inputs = inputs
        model = inputs.model
        self.pages_by_identity = {i: artifact_page(i) for i in model.registry.artifacts}
        env = Environment(
            loader=PackageLoader("govctl.site", "templates"),
            autoescape=True,
            undefined=ChainableUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        result = model.result
        env.globals.update(
            pages=self.pages_by_identity,
            rule_links=_Links(rule_link),
            control_links=_Links(control_link),
            badge=BADGES,
            cellcls=CELL_CLASSES,
            money=money,
            show=show_value,
            listed=listed,
            marks=MARKS,
            rules=model.rules,
            audit=inputs.audit,
            site={
                "version": result.govctl_version,
                "now": result.now,
                "registry_digest": result.registry_digest,
                "policy_digest": result.policy_digest,
                # As `govctl check` prints it: "embedded (regopy 1.5.2)".
                "engine": f"{result.engine} ({result.engine_version})"
                if result.engine_version
                else result.engine,
                "has_impact": inputs.impact is not None,
            },
        )
        self.env = env
        self._templates: dict[str, Template] = {}
        versions: dict[str, list[Artifact]] = defaultdict(list)
        for prompt in model.registry.of_kind("Prompt"):
            versions[prompt.name].append(prompt)
        self.versions = {
            name: sorted(found, key=lambda p: version_key(p.version))
            for name, found in versions.items()
        }
        self.sources = SourceTexts(
            inputs.root, [*model.registry.artifacts.values(), *model.registry.duplicates]
        )

    def render(self, name: str, page: str, kind: str, title: str, **context: Any) -> bytes:
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self.env.get_template(name)
        return self._render(template, page, kind, title, context)

    def compile_all(self) -> None:
        """Compile every template now (before forking workers: they inherit them)."""
        for name in self.env.list_templates(extensions=["j2"]):
            self._templates.setdefault(name, self.env.get_template(name))

    def _render(
        self, template: Template, page: str, kind: str, title: str, context: dict[str, Any]
    ) -> bytes:
        text = template.render(
            root="../" * page.count("/"),
            page_kind=kind,
            title=title,
            **context,
        )
        return text.encode("utf-8")

    # ---- site-wide pages ---------------------------------------------------------------

    def overview(self) -> bytes:
        model = self.inputs.model
        rows = []
        for d in model.deployments:
            card = model.scorecards[d.identity]
            juris = d.spec.get("userJurisdictions")
            rows.append(
                {
                    "name": d.name,
                    "page": deployment_page(d.name),
                    "environment": listed(d.spec.get("environment")),
                    "risk": listed(d.spec.get("riskTier")),
                    "owner": listed(d.metadata.get("owner")),
                    "jurisdictions": [str(j) for j in juris] if isinstance(juris, list) else [],
                    "ready": card.ready,
                    "cells": card.cells,
                }
            )
        filters = [
            {
                "name": name,
                "label": label,
                "values": sorted({v for r in rows for v in pick(r)} - {""}),
            }
            for name, label, pick in (
                ("environment", "Environment", lambda r: [r["environment"]]),
                ("risk", "Risk tier", lambda r: [r["risk"]]),
                ("owner", "Owner", lambda r: [r["owner"]]),
                ("jurisdiction", "Jurisdiction", lambda r: r["jurisdictions"]),
            )
        ]
        loose = [
            f for f in model.result.findings if f.ref is None or f.ref not in self.pages_by_identity
        ]
        return self.render(
            "index.html.j2",
            "index.html",
            "overview",
            "Overview",
            check=model.result,
            rows=rows,
            ready_count=sum(r["ready"] for r in rows),
            components=COMPONENTS,
            filters=filters,
            loose=shown(loose, set()),
        )

    def artifact_list(self) -> bytes:
        model = self.inputs.model
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for artifact in model.registry:
            groups[artifact.kind].append(
                {
                    "label": artifact.identity.split("/", 1)[1],
                    "page": self.pages_by_identity[artifact.identity],
                    "findings": sum(not f.waived for f in model.findings_of(artifact.identity)),
                }
            )
        order = sorted(groups, key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER else 99, k))
        return self.render(
            "artifacts.html.j2",
            "artifacts.html",
            "artifacts",
            "Artifacts",
            groups=[(k, sorted(groups[k], key=lambda a: version_key(a["label"]))) for k in order],
            total=len(model.registry),
        )

    def rules_page(self) -> bytes:
        model = self.inputs.model
        open_: dict[str, int] = defaultdict(int)
        waived: dict[str, int] = defaultdict(int)
        for f in model.result.findings:
            (waived if f.waived else open_)[f.rule] += 1
        rules = [
            {"meta": r, "anchor": anchor("rule", r.id), "open": open_[r.id], "waived": waived[r.id]}
            for r in sorted(model.rules.values(), key=lambda r: r.id)
        ]
        return self.render("rules.html.j2", "rules.html", "rules", "Rules", rules_list=rules)

    def controls_page(self) -> bytes:
        model = self.inputs.model
        matrix = len(model.deployments) <= MATRIX_LIMIT
        deployments = [
            {"identity": d.identity, "name": d.name, "page": deployment_page(d.name)}
            for d in model.deployments
        ]
        names = dict(FRAMEWORKS)
        frameworks: dict[str, dict[str, Any]] = {}
        for row in model.controls:
            key = row.framework
            name = names.get(key, framework_of(row.control)[1])
            fw = frameworks.setdefault(key, {"name": name, "anchor": anchor("fw", key), "rows": []})
            cells = []
            if matrix:
                failing, waived = set(row.failing), set(row.waived)
                for d in model.deployments:
                    cells.append(
                        "fail"
                        if d.identity in failing
                        else "waived"
                        if d.identity in waived
                        else ("pass" if d.valid else "not evaluated")
                    )
            fw["rows"].append(
                {
                    "control": row.control,
                    "anchor": anchor("control", row.control),
                    "rules": row.rules,
                    "failing": row.failing,
                    "waived": row.waived,
                    "cells": cells,
                }
            )
        return self.render(
            "controls.html.j2",
            "controls.html",
            "controls",
            "Controls coverage",
            frameworks=list(frameworks.values()),
            deployments=deployments,
            matrix=matrix,
            matrix_limit=MATRIX_LIMIT,
        )

    def audit_page(self) -> bytes:
        return self.render("audit.html.j2", "audit.html", "audit", "Audit trail")

    def impact_page(self) -> bytes:
        impact = self.inputs.impact or {}
        findings = impact.get("findings") or {}
        seen: set[str] = set()
        return self.render(
            "impact.html.j2",
            "impact.html",
            "impact",
            "Change impact",
            impact=impact,
            base_ref=self.inputs.base_ref,
            introduced=shown(findings.get("introduced") or [], seen),
            resolved=shown(findings.get("resolved") or [], seen),
        )

    def search_page(self) -> bytes:
        """The search page, with its index inline: one file, and it works from ``file://``."""
        index = Markup(self.search_index())
        return self.render("search.html.j2", "search.html", "search", "Search", index=index)

    # ---- one page per deployment and per artifact ---------------------------------------

    def deployment(self, d: Artifact) -> tuple[str, bytes]:
        page = deployment_page(d.name)
        releases = self.inputs.audit.releases.get(d.identity, ())
        context = deployment_context(
            self.inputs.model, d, self.sources.document(d), releases, partial(href, page)
        )
        return page, self.render("deployment.html.j2", page, "deployment", d.identity, **context)

    def artifact(self, a: Artifact, versions: list[Artifact]) -> tuple[str, bytes]:
        page = self.pages_by_identity[a.identity]
        context = artifact_context(
            self.inputs.model, a, self.sources.document(a), versions, self.sources.template
        )
        return page, self.render("artifact.html.j2", page, "artifact", a.identity, **context)

    def identities(self) -> list[str]:
        """Every page of one artifact: deployments first, then the rest in registry order."""
        model = self.inputs.model
        rest = [a.identity for a in model.registry if a.kind != "Deployment"]
        return [d.identity for d in model.deployments] + rest

    def item(self, identity: str) -> tuple[str, bytes]:
        """The page of one deployment or artifact."""
        artifact = self.inputs.model.registry.artifacts[identity]
        if artifact.kind == "Deployment":
            return self.deployment(artifact)
        versions = self.versions.get(artifact.name, []) if artifact.kind == "Prompt" else []
        return self.artifact(artifact, versions)

    def search_index(self) -> str:
        """``[kind, label, link, lower-case words]`` per artifact, rule and control, as a script."""
        model = self.inputs.model
        entries: list[list[str]] = []
        for a in model.registry:
            meta = a.metadata
            words = " ".join(
                [a.identity, listed(meta.get("owner")), listed(meta.get("description"))]
            )
            entries.append([a.kind, a.identity, self.pages_by_identity[a.identity], words.lower()])
        for r in sorted(model.rules.values(), key=lambda r: r.id):
            text = " ".join([r.id, r.title, r.description, r.component, *r.controls]).lower()
            entries.append(["Rule", f"{r.id}: {r.title}", rule_link(r.id), text])
        for row in model.controls:
            text = " ".join([row.control, framework_of(row.control)[1], *row.rules]).lower()
            entries.append(["Control", row.control, control_link(row.control), text])
        # ASCII-only JSON with "<" escaped cannot end the <script> element it sits in.
        body = json.dumps(entries, ensure_ascii=True, separators=(",", ":")).replace("<", "\\u003c")
        return f"window.GOVCTL_SEARCH = {body};"


def render_site(inputs: SiteInputs, workers: int = 1) -> Iterator[tuple[str, bytes]]:
    renderer = Renderer(inputs)
    static = files("govctl.site").joinpath("static")
    for name in ASSETS:
        yield f"assets/{name}", static.joinpath(name).read_bytes()
    yield "index.html", renderer.overview()
    yield "artifacts.html", renderer.artifact_list()
    yield "rules.html", renderer.rules_page()
    yield "controls.html", renderer.controls_page()
    yield "audit.html", renderer.audit_page()
    yield "search.html", renderer.search_page()
    if inputs.impact is not None:
        yield "impact.html", renderer.impact_page()
    yield from render_pages(renderer, workers)
