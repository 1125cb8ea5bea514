"""``govctl policy eject``: copy a built-in package (with its tests and rule fixtures) into the
repository, where it replaces the built-in package of the same name and can be edited.

Nothing is overwritten: when any target file exists the command refuses before writing anything.
Rule fixtures (``tests/fixtures/rules/<RULE>/``) are copied when govctl runs from a source
checkout that has them; a pip installation ships only the Rego package and its unit tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govctl.errors import UsageError
from govctl.policy.bundle import PolicyBundle
from govctl.policy.catalog import BUILTIN_PREFIX, builtin_catalog_dir

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "rules"


@dataclass(frozen=True)
class EjectPlan:
    package: str
    rules: tuple[str, ...]
    copies: tuple[tuple[Path, Path], ...]  # (source, destination)


def builtin_package(bundle: PolicyBundle, name: str) -> str:
    """The built-in package named by ``name`` (a rule id or a package name)."""
    rule = bundle.rules.get(name)
    package = rule.package if rule is not None else name
    builtin = {m.package for m in bundle.modules if m.path.startswith(BUILTIN_PREFIX + "/")} | set(
        bundle.overrides
    )
    if package is None or package not in builtin:
        raise UsageError(
            f"{name} is neither a built-in rule id nor a built-in package "
            "(see `govctl policy list`)"
        )
    return package


def plan_eject(bundle: PolicyBundle, name: str, target: Path, root: Path) -> EjectPlan:
    package = builtin_package(bundle, name)
    catalog = builtin_catalog_dir()
    if catalog is None:
        raise UsageError("the built-in catalog is not installed")
    folder = next(
        (
            f.parent
            for f in sorted(catalog.rglob("*.rego"))
            if not f.name.endswith("_test.rego") and _package_of(f) == package
        ),
        None,
    )
    if folder is None:
        raise UsageError(f"no built-in file declares package {package}")
    dest = target / folder.name
    copies = [(f, dest / f.name) for f in sorted(folder.glob("*.rego"))]
    rules = tuple(sorted(r.id for r in bundle.rules.values() if r.package == package))
    if not rules:  # the package was overridden: its rules now come from the repository copy
        rules = tuple(sorted(bundle.package_ids.get(package, ())))
    for rule in rules:
        for case in sorted((FIXTURES / rule).rglob("*")) if (FIXTURES / rule).is_dir() else ():
            if case.is_file():
                rel = case.relative_to(FIXTURES)
                copies.append((case, root / "tests" / "fixtures" / "rules" / rel))
    existing = [d for _, d in copies if d.exists()]
    if existing:
        shown = ", ".join(_rel(d, root) for d in existing[:3])
        raise UsageError(f"refusing to overwrite existing files: {shown}")
    return EjectPlan(package, rules, tuple(copies))


def _package_of(file: Path) -> str | None:
    for line in file.read_text(encoding="utf-8").splitlines():
        if line.startswith("package "):
            return line.split()[1]
    return None


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def eject(plan: EjectPlan) -> list[Path]:
    """Write the plan's copies; returns the files written."""
    written = []
    for source, dest in plan.copies:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with dest.open("xb") as handle:  # "x": never replace a file that appeared meanwhile
            handle.write(source.read_bytes())
        written.append(dest)
    return written
