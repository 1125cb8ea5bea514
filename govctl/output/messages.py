"""The short messages of the smaller commands (schema, site, opa): one place for their words."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

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


def timings(prefix: str, values: dict[str, float]) -> str:
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
