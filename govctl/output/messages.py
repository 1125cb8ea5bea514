"""The short messages commands print besides their reports: one place for their words."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govctl.site import SiteResult


def schemas_written(written: Sequence[Path]) -> str:
    return "".join(f"{path}\n" for path in written)


def schema_hint(dispatch_schema: Path, cwd: Path) -> str:
    """How to point yaml-language-server at the schema. It resolves a relative ``$schema``
    from the YAML file's own folder, so the path differs per folder depth: show it for a file
    two folders down."""
    schema = dispatch_schema.resolve()
    example = Path("registry") / "deployments" / "app.yaml"
    relative = Path(os.path.relpath(schema, cwd.resolve() / example.parent)).as_posix()
    return (
        "# for completion, add `# yaml-language-server: $schema=PATH` to YAML files, PATH being "
        f"relative to the file's folder; in {example.as_posix()}: $schema={relative}"
    )


def site_built(result: SiteResult) -> str:
    return (
        f"govctl site: {result.pages} pages ({result.deployments} deployments, "
        f"{result.artifacts} artifacts) in {result.out}; audit trail: {result.audit_headline}"
    )


def timings(prefix: str, values: Mapping[str, float]) -> str:
    return f"{prefix}: " + ", ".join(f"{k} {v:.3f}s" for k, v in values.items())


def site_serving(folder: Path, url: str) -> str:
    return f"govctl site: serving {folder} on {url} (Ctrl-C stops)"


def opa_serving(binary: Path, url: str) -> str:
    return (
        f"govctl: OPA ({binary}) serving on {url}; use it with "
        f"`govctl check --engine opa --opa-url {url}`; Ctrl-C stops it"
    )


def opa_stopped() -> str:
    return "govctl: OPA stopped"


def baseline_created(file: str, baselined: int, left_open: int) -> str:
    text = f"wrote {file}: {baselined} findings baselined\n"
    if left_open:
        text += f"{left_open} findings of non-waivable rules stay open and must be fixed\n"
    return text


def baseline_pruned(file: str, removed: int, remaining: int) -> str:
    return f"{file}: removed {removed} resolved findings, {remaining} remain\n"


def wrote(path: Path | str) -> str:
    return f"wrote {path}\n"


def engine_fallback(engine: str, version: str) -> str:
    """Never silent: findings that came from the fallback engine, not OPA's own semantics."""
    return f"govctl: engine {engine}: {version}"


def check_stats(values: Mapping[str, float], evaluated: int, cached: int) -> str:
    return f"{timings('govctl', values)}; evaluated {evaluated}, cached {cached}"


def impact_stats(values: Mapping[str, float], evaluated: int) -> str:
    return f"{timings('govctl', values)}; evaluated {evaluated} subjects"


def wrote_format(fmt: str, output: Path) -> str:
    return f"wrote {fmt} to {output}"


def impact_written(risk: str, roles: Sequence[str], fmt: str, output: Path) -> str:
    needed = ", ".join(roles) or "none"
    return f"risk {risk}; approvals needed: {needed}; {wrote_format(fmt, output)}"


def codeowners_up_to_date(shown: str) -> str:
    return f"{shown} is up to date"


def codeowners_missing(shown: str) -> str:
    return f"{shown} is missing: run `govctl codeowners`"


def codeowners_stale(current: str, wanted: str, shown: str) -> str:
    """The unified diff from the committed file to the wanted one, then what to do."""
    diff = difflib.unified_diff(
        current.splitlines(keepends=True),
        wanted.splitlines(keepends=True),
        fromfile=f"{shown} (committed)",
        tofile=f"{shown} (from the registry)",
    )
    return "".join(diff) + f"{shown} is stale: run `govctl codeowners` and commit it\n"


INIT_NEXT_STEPS = """\
next steps:{cd}
  git init -b main && git add -A && git commit -m "govctl init"
  govctl check                      # the examples pass the built-in policy catalog{codeowners}
  pre-commit install                # govctl-check on every commit (.pre-commit-config.yaml)
Replace the examples under registry/ and prompts/ with your own systems; see README.md."""
# Only without --github-org: with it, .github/CODEOWNERS already names the organisation.
INIT_CODEOWNERS_STEP = """
  govctl codeowners --org <your GitHub org>   # then commit .github/CODEOWNERS"""


def init_written(count: int, root: Path, overwritten: Sequence[Path | str]) -> str:
    return f"wrote {count} files in {root}\n" + "".join(f"  overwrote {p}\n" for p in overwritten)


def init_next_steps(directory: Path | None, codeowners_step: bool) -> str:
    """``directory``: where to cd first (None: already there)."""
    cd = "" if directory is None else f"\n  cd {directory}"
    return INIT_NEXT_STEPS.format(cd=cd, codeowners=INIT_CODEOWNERS_STEP if codeowners_step else "")
