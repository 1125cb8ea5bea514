"""Which policies a repository evaluates: its configured paths plus govctl's built-in catalog.

The built-in catalog ships inside the package (``govctl/catalog``). A repository adds its own
policies under ``policy.paths``, can switch the built-ins off (``policy.builtin: false``) and can
disable individual rules by id (``policy.disabled``). When a configured path *is* the built-in
catalog folder, it is loaded once.

A repository package with the same name as a built-in package *replaces* it (with the built-in
package's tests): a vendored identical copy is therefore simply used, once, and an edited copy
changes the rules (docs/policies.md, "Customising the catalog"). The same package declared by two
repository files, and the same rule id annotated in two modules, are errors naming both files.
Parameters (``govctl.policy.parameters``) are resolved here and travel with the bundle as data.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govctl.errors import ConfigError, PolicyError
from govctl.fileio import NotReadable, resolve_inside
from govctl.loader.yamlparse import parse_yaml
from govctl.models.config import Config
from govctl.native_rules import NATIVE_RULES
from govctl.policy.bundle import PolicyBundle, build_bundle, load_modules
from govctl.policy.modules import RegoModule
from govctl.policy.parameters import (
    EffectiveParameter,
    LineOf,
    ParameterSpec,
    builtin_declarations,
    effective_parameters,
    module_declarations,
    parameters_data,
)
from govctl.rules import RuleMeta

BUILTIN_PREFIX = "govctl:catalog"
CONFIG_FILENAME = "govctl.yaml"
# The registry integrity rules: every other rule reads what they vouch for, so switching one off
# would hide a file no rule could check (a broken YAML file simply vanishing from the run).
INTEGRITY_RULES: Mapping[str, str] = {
    "GOV-REG-001": "schema",
    "GOV-REG-002": "references",
    "GOV-REG-003": "duplicates",
    "GOV-REG-004": "owners",
}


def builtin_catalog_dir() -> Path | None:
    """``govctl/catalog``: the built-in catalog shipped inside the package (a real folder, apart
    from any repository's own ``policies/``)."""
    bundled = Path(__file__).resolve().parent.parent / "catalog"
    return bundled if bundled.is_dir() else None


def policy_folders(root: Path, config: Config) -> list[tuple[Path, str]]:
    folders: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for entry in config.policy.paths:
        try:
            folder = resolve_inside(root / entry)
        except NotReadable as exc:  # a symlink loop: exit 3 naming the path, not a traceback
            raise PolicyError(exc.message, file=entry) from None
        folders.append((folder, entry.rstrip("/")))
        seen.add(folder)
    builtin = builtin_catalog_dir()
    if config.policy.builtin and builtin is not None and builtin.resolve() not in seen:
        folders.append((builtin, BUILTIN_PREFIX))
    return folders


def _is_builtin(module: RegoModule) -> bool:
    return module.path.startswith(BUILTIN_PREFIX + "/")


def _check_unique_packages(own: Sequence[RegoModule]) -> None:
    """A package is one file in a repository: two files with the same package would merge
    silently (or conflict) on the engines, and one of them could not replace a built-in."""
    first: dict[str, str] = {}
    for module in own:
        if module.is_test:
            continue
        if module.package in first:
            raise PolicyError(
                f"package {module.package} is declared by both {first[module.package]} and "
                f"{module.path}: keep one file per package",
                file=module.path,
            )
        first[module.package] = module.path


def _check_unique_rule_ids(modules: Sequence[RegoModule]) -> None:
    first: dict[str, str] = {}
    for module in modules:
        if module.is_test:
            continue
        for ann in module.annotations:
            rule = ann.custom.get("id")
            if rule is None:
                continue
            where = f"{module.path}:{ann.line}"
            other = first.setdefault(str(rule), where)
            if other != where and not other.startswith(module.path + ":"):
                raise PolicyError(
                    f"rule {rule} is defined twice: in {other} and in {where} — give the new "
                    "rule its own id, or replace the built-in package by declaring the same "
                    "package (see `govctl policy eject`)",
                    file=module.path,
                    line=ann.line,
                )


def merge_modules(
    own: Sequence[RegoModule], builtin: Sequence[RegoModule]
) -> tuple[list[RegoModule], dict[str, str]]:
    """The repository's modules plus the built-in ones it does not replace, and
    package → replacing file for every replaced built-in package."""
    _check_unique_packages(own)
    own_packages = {m.package: m.path for m in own if not m.is_test}
    own_tests = {m.package for m in own if m.is_test}
    replaced_tests = {f"{package}_test" for package in own_packages}
    kept = [
        m
        for m in builtin
        if not (
            (not m.is_test and m.package in own_packages)
            or (m.is_test and (m.package in own_tests or m.package in replaced_tests))
        )
    ]
    builtin_packages = {m.package for m in builtin if not m.is_test}
    overrides = {p: path for p, path in own_packages.items() if p in builtin_packages}
    modules = [*own, *kept]
    _check_unique_rule_ids(modules)
    return modules, overrides


def config_lines(config_file: Path) -> LineOf:
    """Locates key paths of govctl.yaml (parsed with positions only when an error needs it)."""

    def line_of(keys: tuple[str, ...]) -> int | None:
        try:
            parsed = parse_yaml(config_file.read_text(encoding="utf-8"), positions=True)
        except (OSError, UnicodeDecodeError):
            return None
        if not parsed.documents:
            return None
        positions = parsed.documents[0].positions
        for n in range(len(keys), 0, -1):
            if keys[:n] in positions:
                return positions[keys[:n]][0]
        return None

    return line_of


_PARAM_CALL = re.compile(r'\bparam\(\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\)')


def _check_parameters_declared(
    modules: Sequence[RegoModule], declared: Mapping[str, Mapping[str, ParameterSpec]]
) -> None:
    """Fail closed: a rule reading an undeclared parameter would silently never fire."""
    for module in modules:
        for number, line in enumerate(module.source.splitlines(), start=1):
            for match in _PARAM_CALL.finditer(line.split("#", 1)[0]):
                rule, name = match.groups()
                if name not in declared.get(rule, {}):
                    raise PolicyError(
                        f"parameter {rule}.{name} is not declared (add it to parameters.yaml "
                        "next to the policies, or to the rule's METADATA custom.parameters)",
                        file=module.path,
                        line=number,
                    )


@dataclass(frozen=True)
class LoadedCatalog:
    bundle: PolicyBundle
    parameters: Mapping[str, Mapping[str, EffectiveParameter]]  # rule → name → parameter

    def default_data(self) -> dict[str, Any]:
        """The bundle's data with every parameter at its declared default: what Rego unit tests
        (written against the defaults, as ``opa test`` sees them) run with."""
        return parameters_data(
            {
                rule: {name: EffectiveParameter(p.spec, p.spec.default) for name, p in ps.items()}
                for rule, ps in self.parameters.items()
            }
        )


def load_catalog(
    root: Path,
    config: Config,
    config_file: Path | None = None,
    display: str | None = None,
    *,
    lenient: bool = False,
) -> LoadedCatalog:
    """The bundle (with its parameters as data) and every effective parameter; a policy
    problem raises ``PolicyError`` unless ``lenient`` (``policy lint`` lists them all)."""
    builtin_dir = builtin_catalog_dir()
    own: list[RegoModule] = []
    builtin: list[RegoModule] = []
    own_declared: dict[str, dict[str, ParameterSpec]] = {}
    for folder, prefix in policy_folders(root, config):
        loaded = load_modules([(folder, prefix)], trusted=builtin_dir, repo=root)
        if builtin_dir is not None and folder.resolve() == builtin_dir.resolve():
            builtin.extend(loaded)
        else:
            own.extend(loaded)
            if folder.is_dir():  # a repository's parameters.yaml, as the catalog's
                for rule, params in builtin_declarations(folder, prefix).items():
                    own_declared.setdefault(rule, {}).update(params)
    modules, overrides = merge_modules(own, builtin)
    bundle = build_bundle(modules, lenient=lenient)
    declared: dict[str, dict[str, ParameterSpec]] = {}
    if builtin_dir is not None:
        # Always: the built-in rules' parameters keep their documented defaults even when their
        # Rego comes from a repository copy (a vendored or ejected package, builtin: false).
        declared.update(builtin_declarations(builtin_dir, BUILTIN_PREFIX))
    for rule, params in own_declared.items():
        declared.setdefault(rule, {}).update(params)
    for rule, params in module_declarations(bundle.modules).items():
        declared.setdefault(rule, {}).update(params)
    _check_parameters_declared(bundle.modules, declared)
    effective = effective_parameters(
        declared,
        config,
        config_lines(config_file or root / CONFIG_FILENAME),
        display or CONFIG_FILENAME,
    )
    bundle = dataclasses.replace(
        bundle.with_data(parameters_data(effective)), overrides=dict(overrides)
    )
    return LoadedCatalog(bundle, effective)


def load_policies(
    root: Path,
    config: Config,
    config_file: Path | None = None,
    display: str | None = None,
    *,
    lenient: bool = False,
) -> PolicyBundle:
    return load_catalog(root, config, config_file, display, lenient=lenient).bundle


def rule_catalog(bundle: PolicyBundle) -> Mapping[str, RuleMeta]:
    """Every rule govctl knows: the bundle's annotated rules and the native ones."""
    return {**bundle.rules, **NATIVE_RULES}


def _disabled_line(config_path: Path, index: int) -> int | None:
    """The line of ``policy.disabled[index]`` in govctl.yaml (errors name it)."""
    try:
        text = config_path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    parsed = parse_yaml(text, positions=True)
    docs = [d for d in parsed.documents if d.value is not None]
    if parsed.problem or not docs:
        return None
    position = docs[0].positions.get(("policy", "disabled", index))
    return position[0] if position else None


def _active_packages(bundle: PolicyBundle, disabled: set[str]) -> int:
    """Packages with finding rules of which at least one rule id is still enabled."""
    packages = {m.package for m in bundle.modules if m.finding_rules}
    return sum(
        1
        for package in packages
        if not bundle.package_ids.get(package) or set(bundle.package_ids[package]) - disabled
    )


def check_policy_settings(
    bundle: PolicyBundle, config: Config, config_path: Path, config_file: str
) -> None:
    """Refuse settings that would make a check pass without evaluating (docs/fail-closed.md):
    disabling an unknown rule id or an integrity rule, and a bundle with no finding rule left."""
    known = sorted(rule_catalog(bundle))
    for index, rule_id in enumerate(config.policy.disabled):
        line = _disabled_line(config_path, index)
        if rule_id in INTEGRITY_RULES:
            raise ConfigError(
                f"policy.disabled: {rule_id} ({INTEGRITY_RULES[rule_id]}) cannot be disabled: "
                "GOV-REG-001..004 check what every other rule reads, and a file they cannot "
                "vouch for would silently drop out of the run; fix the finding instead",
                file=config_file,
                line=line,
            )
        if rule_id not in known:
            close = difflib.get_close_matches(rule_id, known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ConfigError(
                f"policy.disabled: no rule has the id {rule_id!r}{hint}; "
                "`govctl policy list` shows every rule id",
                file=config_file,
                line=line,
            )
    if _active_packages(bundle, set(config.policy.disabled)) == 0:
        where = ", ".join(config.policy.paths) or "(none)"
        builtin = "" if config.policy.builtin else " and policy.builtin is false"
        raise ConfigError(
            f"no policy rule would be evaluated: the policy paths ({where}) hold no finding rule"
            f"{builtin}, or policy.disabled switches every one off; add policies, set "
            "policy.builtin: true, or enable a rule",
            file=config_file,
        )
