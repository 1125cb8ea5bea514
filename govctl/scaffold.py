"""``govctl init``: scaffold a governance repository that passes ``govctl check`` at once.

The files come from ``govctl/templates/repo/`` (package data). Names starting with ``dot-`` are
written with a leading dot (``dot-github/`` → ``.github/``): setuptools' package-data globs skip
hidden files, so templates never have one. ``__TOKEN__`` placeholders are replaced as the files are
written (GitHub's own ``${{ }}`` expressions pass through untouched). Three files are computed:
the golden dataset (generated), the EvalRun (it quotes the digests govctl computes for the prompt
and the dataset once they are on disk), ``.github/CODEOWNERS`` (from the scaffolded registry) and
``.github/govctl-requirements.txt`` (govctl and its dependencies pinned with hashes,
``govctl.pinning``): the workflows install from it and from nothing else.

Nothing is overwritten unless ``force``: the whole plan is checked before the first write.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from govctl.codeowners import DEFAULT_PATH as CODEOWNERS_PATH
from govctl.codeowners import CodeownersSettings, codeowners_text
from govctl.errors import EXIT_CLEAN, ConfigError, InfraError, UsageError
from govctl.fileio import NotReadable, resolve_inside, write_output
from govctl.loader.source import WorkTreeSource
from govctl.models.config import Config
from govctl.opa_server import PINNED_VERSION as OPA_PINNED_VERSION
from govctl.pinning import INSTALL_COMMAND, REQUIREMENTS_PATH, GovctlPin, requirements_text
from govctl.registry import Registry
from govctl.scaffold_dataset import golden_dataset

TEMPLATE_ROOT = ("templates", "repo")
DATASET_PATH = "registry/evals/datasets/support-reply-golden.jsonl"
PROMPT = "Prompt/support-reply@1.0.0"
SUITE = "EvalSuite/support-reply-golden"
MODEL_REF = "gpt-4-1@2025-04-14"
WAIVER_DAYS = 60
PLACEHOLDER = re.compile(r"__[A-Z][A-Z0-9_]*__")
# How govctl's own workflows install govctl: the locked dependencies by hash, then the checkout.
SOURCE_INSTALL_COMMAND = (
    "python -m pip install --require-hashes -r govctl/requirements.lock"
    " && python -m pip install --no-deps ."
)


@dataclass(frozen=True)
class ScaffoldOptions:
    target: Path
    now: dt.datetime  # UTC: the EvalRun's completedAt and the waiver's expiry derive from it
    pin: GovctlPin  # the govctl release the workflows install (with its files' hashes)
    force: bool = False
    requirements_only: bool = False  # (re)write only .github/govctl-requirements.txt
    github_org: str = "your-org"
    name: str | None = None  # metadata.name of govctl.yaml (default: the folder's name)


@dataclass(frozen=True)
class ScaffoldResult:
    root: Path
    written: tuple[str, ...]  # repository-relative paths, in writing order
    overwritten: tuple[str, ...]

    @property
    def exit_code(self) -> int:
        return EXIT_CLEAN  # a scaffold that could not be written raised instead


class ScaffoldConflictError(UsageError):
    """Files ``govctl init`` would write already exist (exit 2)."""

    def __init__(self, root: Path, existing: tuple[str, ...]) -> None:
        shown = ", ".join(existing[:5]) + (
            f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        )
        super().__init__(
            f"refusing to overwrite {len(existing)} existing file(s) in {root}: {shown} "
            "(pass --force to overwrite them)"
        )
        self.root = root
        self.existing = existing


def output_name(relative: str) -> str:
    """``dot-github/workflows/x.yml`` → ``.github/workflows/x.yml``."""
    return "/".join("." + p[4:] if p.startswith("dot-") else p for p in relative.split("/"))


def _walk(node: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.name == "__pycache__":
            continue
        relative = f"{prefix}{child.name}"
        if child.is_dir():
            yield from _walk(child, relative + "/")
        else:
            yield relative, child


def template_files() -> dict[str, str]:
    """Output path → template text, from the package's ``templates/repo``."""
    folder = resources.files("govctl").joinpath(*TEMPLATE_ROOT)
    if not folder.is_dir():
        raise InfraError("govctl's templates are missing from the installation (reinstall govctl)")
    return {output_name(rel): node.read_text(encoding="utf-8") for rel, node in _walk(folder)}


def render_template(text: str, values: Mapping[str, str], name: str) -> str:
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)[2:-2]
        if token not in values:
            raise InfraError(f"template {name}: unknown placeholder {match.group(0)}")
        return values[token]

    return PLACEHOLDER.sub(replace, text)


def template_values(options: ScaffoldOptions, root: Path) -> dict[str, str]:
    today = options.now.date()
    return {
        "REPO_NAME": options.name or _slug(root.name) or "governance",
        "GOVCTL_INSTALL": INSTALL_COMMAND,
        "GOVCTL_VERSION": options.pin.version,
        "OPA_VERSION": OPA_PINNED_VERSION.removeprefix("v"),
        "TODAY": today.isoformat(),
        "WAIVER_EXPIRES": (today + dt.timedelta(days=WAIVER_DAYS)).isoformat(),
        "CODEOWNERS_SECTION": codeowners_section(options.github_org),
    }


def codeowners_section(org: str) -> str:
    """The ``codeowners:`` section of the scaffolded govctl.yaml."""
    return (
        "\n# `govctl codeowners` writes .github/CODEOWNERS: team T -> @<org>/T, or an explicit\n"
        '# handle per team (teams: {compliance: "@acme/grc"}).\n'
        f"codeowners:\n  org: {org}\n"
    )


def workflow_templates(install: str) -> dict[str, str]:
    """The ``.github/workflows/`` files ``init`` writes, with ``install`` as the install command.

    govctl's own repository keeps its copies of them rendered with ``SOURCE_INSTALL_COMMAND``
    (the locked dependencies, then the checkout itself); a test keeps the two in step.
    """
    values = {
        "GOVCTL_INSTALL": install,
        "OPA_VERSION": OPA_PINNED_VERSION.removeprefix("v"),
    }
    return {
        path: render_template(text, values, path)
        for path, text in template_files().items()
        if path.startswith(".github/workflows/")
    }


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:63].strip("-")


def eval_run_path(now: dt.datetime) -> str:
    return f"registry/evals/runs/support-reply-1-0-0-gpt-4-1-{now:%Y%m%d}.yaml"


def eval_run_text(registry: Registry, now: dt.datetime) -> str:
    prompt = registry.get(PROMPT)
    dataset = registry.datasets.get(SUITE)
    if prompt is None or dataset is None or dataset.digest is None:
        raise ConfigError(f"the scaffolded {PROMPT} or {SUITE} did not load: cannot quote digests")
    completed = now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"""\
# Evidence that support-reply@1.0.0 passed its golden set on {MODEL_REF} (GOV-EVL-002).
# Your evaluation harness writes one of these per run; govctl recomputes the digests it quotes,
# so the evidence no longer counts once the prompt, the model or the dataset changes.
# The results below are example numbers written by `govctl init`, not a real evaluation.
apiVersion: govctl/v1
kind: EvalRun
metadata:
  name: support-reply-1-0-0-gpt-4-1-{now:%Y%m%d}
  owner: team-support
  description: support-reply-golden on support-reply@1.0.0 with {MODEL_REF} (example).
spec:
  suite: support-reply-golden
  prompt: support-reply@1.0.0
  promptDigest: {prompt.digest}
  model: {MODEL_REF}
  datasetDigest: {dataset.digest}
  completedAt: {completed}
  results:
    factual_accuracy: 0.93
    injection_resistance: 0.98
    p95_latency_ms: 1900
"""


def plan(options: ScaffoldOptions, root: Path) -> dict[str, str | bytes]:
    """Every file ``init`` writes except CODEOWNERS and the EvalRun (computed afterwards)."""
    values = template_values(options, root)
    files: dict[str, str | bytes] = {
        path: render_template(text, values, path) for path, text in template_files().items()
    }
    files[DATASET_PATH] = golden_dataset()
    files[REQUIREMENTS_PATH] = requirements_text(options.pin)
    return files


def _load_registry(root: Path, config: Config | None = None) -> Registry:
    # The loader is heavy: imported only when scaffolding, and from its own layer (govctl.api is
    # the library's boundary, above this module).
    from govctl.config import CONFIG_FILENAME, load_config
    from govctl.loader.load import LoadSettings, load_registry

    config = config or load_config(root / CONFIG_FILENAME, CONFIG_FILENAME)
    return load_registry(WorkTreeSource(root), config, LoadSettings()).registry


def _write(root: Path, relative: str, content: str | bytes) -> None:
    write_output(root / relative, content)


def scaffold(options: ScaffoldOptions) -> ScaffoldResult:
    try:
        root = resolve_inside(options.target)
    except NotReadable as exc:
        raise UsageError(f"{options.target}: {exc.message}") from None
    if root.exists() and not root.is_dir():
        raise UsageError(f"{options.target} exists and is not a folder")
    if options.requirements_only:
        # govctl owns this file: rewriting it for another govctl release is what it is for.
        existed = (REQUIREMENTS_PATH,) if (root / REQUIREMENTS_PATH).exists() else ()
        _write(root, REQUIREMENTS_PATH, requirements_text(options.pin))
        return ScaffoldResult(root, (REQUIREMENTS_PATH,), existed)
    files = plan(options, root)
    run_path = eval_run_path(options.now)
    every = [*files, run_path, CODEOWNERS_PATH]
    existing = tuple(p for p in every if (root / p).exists() or (root / p).is_symlink())
    if existing and not options.force:
        raise ScaffoldConflictError(root, existing)
    links = [p for p in existing if (root / p).is_symlink()]
    if links:  # checked before writing anything, so a refused run leaves no half-made repository
        raise UsageError(f"{root / links[0]} is a symlink; govctl init never replaces one")
    for relative, content in files.items():
        _write(root, relative, content)
    registry = _load_registry(root)
    _write(root, run_path, eval_run_text(registry, options.now))
    registry = _load_registry(root, registry.config)
    settings = CodeownersSettings(org=options.github_org)
    _write(root, CODEOWNERS_PATH, codeowners_text(registry, WorkTreeSource(root), settings))
    return ScaffoldResult(root, tuple(every), existing)
