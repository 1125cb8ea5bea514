"""``govctl site build``: the static governance portal, from the results the CLI prints.

Order matters: the check (and, with a base, the impact report) runs first — their policy
workers are forked processes — and only then is the audit store opened (DuckDB must not be
loaded in a process that forks workers; see ``govctl/api.py``).
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govctl.check import CheckOptions, run_check
from govctl.errors import EXIT_CLEAN, EXIT_INTEGRITY

DEFAULT_OUTPUT = "_site"  # what actions/upload-pages-artifact publishes by default


@dataclass(frozen=True)
class SiteOptions:
    root: Path
    out: Path
    base: str | None = None
    now: str | None = None
    engine: str | None = None
    opa_url: str | None = None
    use_cache: bool = True
    workers: int = 0
    config_path: Path | None = None


@dataclass(frozen=True)
class SiteResult:
    out: Path
    files: int
    pages: int
    deployments: int
    artifacts: int
    audit: str  # pass | fail | none
    audit_headline: str
    impact: bool
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """The site is written either way; a failed audit verification still fails the run."""
        return EXIT_INTEGRITY if self.audit == "fail" else EXIT_CLEAN


def build_site(options: SiteOptions) -> SiteResult:
    from govctl.site.audit_view import load_audit
    from govctl.site.model import build_model
    from govctl.site.render import SiteInputs, render_site
    from govctl.site.write import require_owned, write_site

    require_owned(options.out.absolute())  # before any work: a wrong -o fails at once
    timings: dict[str, float] = {}
    clock, cpu = time.perf_counter(), _cpu_seconds()

    def lap(name: str) -> None:
        # Wall time per stage, and CPU time (steadier on a shared machine) of this process and
        # of the worker processes that ended during the stage.
        nonlocal clock, cpu
        now, now_cpu = time.perf_counter(), _cpu_seconds()
        timings[name] = round(now - clock, 4)
        timings[f"{name}_cpu"] = round(now_cpu - cpu, 4)
        clock, cpu = now, now_cpu

    result = run_check(
        CheckOptions(
            root=options.root,
            base=options.base,
            engine=options.engine,
            opa_url=options.opa_url,
            now=options.now,
            audit=False,
            use_cache=options.use_cache,
            workers=options.workers,
            config_path=options.config_path,
        )
    )
    lap("check")
    impact = _impact(options, result.now) if options.base else None
    lap("impact")
    model = build_model(result)
    assert result.registry is not None
    audit = load_audit(result.registry.config, options.root.resolve())
    lap("gather")
    inputs = SiteInputs(model, audit, impact, options.base, options.root.resolve())
    pages = 0

    def counted() -> Any:
        nonlocal pages
        for relative, data in render_site(inputs, options.workers):
            pages += relative.endswith(".html")
            yield relative, data

    files = write_site(options.out, counted())
    lap("render")
    return SiteResult(
        out=options.out,
        files=files,
        pages=pages,
        deployments=len(model.deployments),
        artifacts=len(model.registry),
        audit=audit.word,
        audit_headline=audit.headline,
        impact=impact is not None,
        timings=timings,
    )


def _cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _impact(options: SiteOptions, now: str) -> dict[str, Any]:
    from govctl.impact.render_json import to_json
    from govctl.impact.report import ImpactOptions, run_impact

    assert options.base is not None
    report = run_impact(
        ImpactOptions(
            root=options.root,
            base=options.base,
            now=now,
            engine=options.engine,
            opa_url=options.opa_url,
            use_cache=options.use_cache,
            workers=options.workers,
            config_path=options.config_path,
        )
    )
    return dict(to_json(report))
