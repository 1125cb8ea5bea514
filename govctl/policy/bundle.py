"""The policy bundle: every Rego module govctl evaluates, the rule catalog and the entry module.

Engines evaluate one generated entry module (package ``govctl_entry``) with one rule per subject
kind, which gathers ``[package, set, finding]`` triples from every package whose finding rules
apply to that kind. Packages declare the kinds they apply to with ``custom.kinds`` in their
METADATA; packages without it run for every subject. Both engines evaluate exactly these sources,
so they cannot disagree about which rules ran.
"""

from __future__ import annotations

import difflib
import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govctl.errors import PolicyError
from govctl.fileio import NotReadable, read_regular, resolve_inside
from govctl.models.kinds import KINDS
from govctl.policy.modules import Annotation, RegoModule, parse_module
from govctl.policy.rego_v1 import require_v1

POLICY_MAX_BYTES = 8 * 1024 * 1024  # a .rego file larger than this is not a policy
ENTRY_PACKAGE = "govctl_entry"
ENTRY_PATH = "govctl_entry.rego"


@dataclass(frozen=True)
class RuleMeta:
    id: str
    title: str
    description: str
    severity: str
    component: str
    stage: str
    waivable: bool
    controls: tuple[str, ...]
    remediation: str
    kinds: tuple[str, ...]
    source: str  # file:line of the annotation, or "govctl (native)"
    package: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "severity": self.severity,
            "component": self.component,
            "stage": self.stage,
            "waivable": self.waivable,
            "controls": list(self.controls),
            "remediation": self.remediation,
            "kinds": list(self.kinds),
            "source": self.source,
        }


def entrypoint_rule(kind: str) -> str:
    return kind.lower()


def _str_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def rule_from_annotation(
    module: RegoModule,
    custom: dict[str, Any],
    title: str | None,
    description: str | None,
    line: int,
) -> RuleMeta:
    return RuleMeta(
        id=str(custom["id"]),
        title=title or str(custom.get("title") or custom["id"]),
        description=description or "",
        severity=str(custom.get("severity", "error")),
        component=str(custom.get("component", "")),
        stage=str(custom.get("stage", "baseline")),
        waivable=bool(custom.get("waivable", True)),
        controls=_str_list(custom.get("controls")),
        remediation=str(custom.get("remediation", "")),
        kinds=_str_list(custom.get("kinds")),
        source=f"{module.path}:{line}",
        package=module.package,
    )


@dataclass(frozen=True)
class PolicyBundle:
    modules: tuple[RegoModule, ...]  # policy modules (no tests)
    tests: tuple[RegoModule, ...]
    rules: Mapping[str, RuleMeta]  # rule id → metadata (Rego rules only; native ones apart)
    package_ids: Mapping[str, tuple[str, ...]]  # package → rule ids annotated in it
    kinds_by_package: Mapping[str, frozenset[str] | None]
    entry_source: str
    digest: str
    evaluated_kinds: frozenset[str] = frozenset()
    # OPA ``data`` every engine loads before evaluating (JSON-able; part of the digest), e.g.
    # {"govctl": {"parameters": ...}}.
    data: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    # package → the repository file that replaces the built-in package of that name.
    overrides: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def with_data(self, data: Mapping[str, Any]) -> PolicyBundle:
        """This bundle with ``data`` loaded on every engine; the digest covers the data."""
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        combined = f"{self.digest}\ndata {hashlib.sha256(text.encode('utf-8')).hexdigest()}"
        digest = "sha256:" + hashlib.sha256(combined.encode("utf-8")).hexdigest()
        return dataclasses.replace(self, data=data, digest=digest)

    def data_json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False)

    def evaluates(self, kind: str) -> bool:
        """Whether any package with finding rules applies to subjects of ``kind``."""
        return kind in self.evaluated_kinds

    def default_rule_id(self, package: str) -> str:
        ids = self.package_ids.get(package, ())
        return ids[0] if len(ids) == 1 else package

    def sources(self) -> dict[str, str]:
        """Module path → source, including the generated entry module."""
        out = {m.path: m.source for m in self.modules}
        out[ENTRY_PATH] = self.entry_source
        return out


def _entry_source(
    modules: Sequence[RegoModule], kinds_by_package: Mapping[str, frozenset[str] | None]
) -> str:
    lines = [
        "# Generated by govctl: gathers every package's findings for one subject kind.",
        f"package {ENTRY_PACKAGE}",
        "",
        "import rego.v1",
        "",
    ]
    rules_by_package: dict[str, list[str]] = {}
    for module in modules:
        names = rules_by_package.setdefault(module.package, [])
        names.extend(r for r in module.finding_rules if r not in names)
    for kind in KINDS:
        name = entrypoint_rule(kind)
        bodies = [
            f'_{name} contains ["{package}", "{rule}", f] if some f in data.{package}.{rule}'
            for package, rules in sorted(rules_by_package.items())
            if kinds_by_package.get(package) is None or kind in (kinds_by_package[package] or ())
            for rule in rules
        ]
        if bodies:
            lines.append(f"{name} := [x | some x in _{name}]")
            lines.extend(bodies)
        else:
            lines.append(f"{name} := []")
        lines.append("")
    return "\n".join(lines)


def _digest(modules: Iterable[RegoModule]) -> str:
    lines = sorted(
        f"{m.path} {hashlib.sha256(m.source.encode('utf-8')).hexdigest()}" for m in modules
    )
    return "sha256:" + hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PolicyProblem:
    """A policy govctl refuses to evaluate: ``file:line: message`` (exit 3, reported by lint)."""

    file: str
    line: int
    column: int
    message: str

    def error(self) -> PolicyError:
        return PolicyError(self.message, file=self.file, line=self.line, column=self.column)


def _did_you_mean(value: str, choices: Sequence[str]) -> str:
    folded = {c.lower(): c for c in choices}
    close = folded.get(value.lower()) or next(
        iter(difflib.get_close_matches(value, choices, n=1, cutoff=0.6)), None
    )
    return f" (did you mean {close}?)" if close else ""


def _kind_problems(module: RegoModule, ann: Annotation) -> list[PolicyProblem]:
    """``custom.kinds`` naming no artifact kind would select nothing: the package never runs."""
    declared = ann.custom.get("kinds")
    values = [declared] if isinstance(declared, str) else declared
    line = ann.custom_lines.get("kinds", ann.line)
    if not isinstance(values, list) or not values:
        return [
            PolicyProblem(
                module.path,
                line,
                1,
                f"custom.kinds must be a non-empty list of artifact kinds ({', '.join(KINDS)})",
            )
        ]
    return [
        PolicyProblem(
            module.path,
            line,
            1,
            f"custom.kinds: unknown kind {value!r}"
            f"{_did_you_mean(str(value), KINDS)}; known kinds: {', '.join(KINDS)}",
        )
        for value in values
        if value not in KINDS
    ]


def policy_problems(modules: Sequence[RegoModule]) -> list[PolicyProblem]:
    """Finding rules govctl cannot read and METADATA that selects no kind, in source order."""
    found: list[PolicyProblem] = []
    for module in modules:
        found.extend(
            PolicyProblem(module.path, p.line, p.column, p.message) for p in module.problems
        )
        for ann in module.annotations:
            if "kinds" in ann.custom:
                found.extend(_kind_problems(module, ann))
    return sorted(found, key=lambda p: (p.file, p.line, p.column))


def build_bundle(modules: Sequence[RegoModule], *, lenient: bool = False) -> PolicyBundle:
    """The bundle of ``modules``; the first of ``policy_problems`` raises unless ``lenient``
    (``policy lint`` lists them all instead)."""
    problems = [] if lenient else policy_problems(modules)
    if problems:
        raise problems[0].error()
    policies = [m for m in modules if not m.is_test]
    tests = [m for m in modules if m.is_test]
    rules: dict[str, RuleMeta] = {}
    package_ids: dict[str, list[str]] = {}
    kinds: dict[str, set[str] | None] = {}
    for module in policies:
        declared = kinds.setdefault(module.package, None)
        for ann in module.annotations:
            if "kinds" in ann.custom:
                declared = (declared or set()) | set(_str_list(ann.custom["kinds"]))
                kinds[module.package] = declared
            if "id" not in ann.custom:
                continue
            meta = rule_from_annotation(module, ann.custom, ann.title, ann.description, ann.line)
            rules.setdefault(meta.id, meta)
            ids = package_ids.setdefault(module.package, [])
            if meta.id not in ids:
                ids.append(meta.id)
    frozen_kinds = {p: (frozenset(k) if k is not None else None) for p, k in kinds.items()}
    entry = _entry_source(policies, frozen_kinds)
    return PolicyBundle(
        modules=tuple(policies),
        tests=tuple(tests),
        rules=rules,
        package_ids={p: tuple(v) for p, v in package_ids.items()},
        kinds_by_package=frozen_kinds,
        entry_source=entry,
        evaluated_kinds=frozenset(
            kind
            for kind in KINDS
            for m in policies
            if m.finding_rules
            and (frozen_kinds.get(m.package) is None or kind in (frozen_kinds[m.package] or ()))
        ),
        digest=_digest([*policies, RegoModule(ENTRY_PATH, entry, ENTRY_PACKAGE, (), ())]),
    )


def discover_rego(folders: Sequence[tuple[Path, str]]) -> list[tuple[str, Path]]:
    """(display path, file) for every .rego file under each (folder, display prefix)."""
    found: list[tuple[str, Path]] = []
    for folder, prefix in folders:
        if not folder.exists():
            raise PolicyError(f"policy folder {prefix or folder} does not exist")
        single = not folder.is_dir()  # a file, or a FIFO/device that load_bundle refuses
        files = [folder] if single else sorted(folder.rglob("*.rego"))
        for file in files:
            rel = file.name if single else file.relative_to(folder).as_posix()
            found.append((f"{prefix}/{rel}" if prefix else rel, file))
    return found


def load_bundle(
    folders: Sequence[tuple[Path, str]],
    trusted: Path | None = None,
    repo: Path | None = None,
    *,
    lenient: bool = False,
) -> PolicyBundle:
    """Every module of ``folders`` (see ``load_modules``), as one bundle."""
    return build_bundle(load_modules(folders, trusted, repo), lenient=lenient)


def load_modules(
    folders: Sequence[tuple[Path, str]], trusted: Path | None = None, repo: Path | None = None
) -> list[RegoModule]:
    """Every module of ``folders``. Files under ``trusted`` (the shipped catalog, whose tests
    prove it is Rego v1) skip the v0 scan, which would cost ~50 ms on every run; every other
    file must resolve inside ``repo`` (a symlink may not lead out of the repository)."""
    modules = []
    shipped = trusted.resolve() if trusted is not None else None
    inside = repo.resolve() if repo is not None else None
    for display, file in discover_rego(folders):
        try:
            real = resolve_inside(file)
            own = shipped is None or not real.is_relative_to(shipped)
            if own and inside is not None and not real.is_relative_to(inside):
                raise PolicyError(f"symlink points outside the repository ({real})", file=display)
            source = read_regular(file, POLICY_MAX_BYTES).decode("utf-8")
        except NotReadable as exc:  # a FIFO, device, socket or symlink loop: never read
            raise PolicyError(exc.message, file=display) from None
        except UnicodeDecodeError as exc:
            raise PolicyError(f"not valid UTF-8 at byte {exc.start}", file=display) from None
        if own:
            require_v1(display, source)
        modules.append(parse_module(display, source))
    return modules
