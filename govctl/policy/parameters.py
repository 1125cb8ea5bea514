"""Rule parameters: the numbers, durations and lists catalog rules compare against, as data.

A parameter is declared next to its rule: the built-in catalog declares its parameters in
``govctl/catalog/parameters.yaml`` (which OPA itself loads as ``data.govctl.parameters``, so
``opa test`` sees the defaults); a repository declares its own rules' parameters in a
``parameters.yaml`` of the same format at the root of a policy folder, or in a rule's METADATA
(``custom.parameters``, with ``default`` for the value). Each declaration has a default
(``value``), a ``type`` (integer, number, duration, string, strings), optional
``minimum``/``maximum`` (numbers), ``minItems`` (lists) or ``choices``, and the ``scopes`` its
meaning allows (``environment``, ``riskTier``).

``govctl.yaml`` sets values under ``policy.parameters`` (rule id → parameter → a value, or
``{value, environments, riskTiers}``). Every value is checked against the declaration here: an
unknown rule or parameter is a configuration error with a did-you-mean, a wrong type names the
line of govctl.yaml. The effective values reach every engine as ``data.govctl.parameters``
(``PolicyBundle.data``); ``lib.param(rule, name)`` resolves the subject's risk tier, then its
environment, then the global value.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govctl.errors import ConfigError, PolicyError
from govctl.loader.yamlparse import parse_yaml
from govctl.models.common import DURATION_PATTERN
from govctl.models.config import Config, ParameterSetting
from govctl.policy.modules import RegoModule

PARAMETERS_FILE = "parameters.yaml"
TYPES = ("integer", "number", "duration", "string", "strings")
SCOPES = ("environment", "riskTier")
RISK_TIERS = ("minimal", "limited", "high")
_DURATION = re.compile(DURATION_PATTERN)

# Locates a key path of govctl.yaml: ("policy", "parameters", rule, name) → line.
LineOf = Callable[[tuple[str, ...]], int | None]


@dataclass(frozen=True)
class ParameterSpec:
    rule: str
    name: str
    type: str
    default: Any
    scopes: tuple[str, ...]
    description: str
    source: str  # where it is declared
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] = ()
    min_items: int | None = None  # lists a rule cannot do without (e.g. the one blocking action)

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not a valid value of this parameter (None when it is)."""
        kind = self.type
        if kind == "integer" and (not isinstance(value, int) or isinstance(value, bool)):
            return "expected an integer"
        if kind == "number" and (not isinstance(value, int | float) or isinstance(value, bool)):
            return "expected a number"
        if kind == "string" and not isinstance(value, str):
            return "expected a string"
        if kind == "duration" and not (isinstance(value, str) and _DURATION.match(value)):
            return "expected an ISO 8601 duration such as P7D or PT12H"
        if kind == "strings" and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            return "expected a list of strings"
        if kind == "strings" and self.min_items is not None and len(value) < self.min_items:
            return f"must list at least {self.min_items} value(s)"
        if self.choices and value not in self.choices:
            return "must be one of " + ", ".join(str(c) for c in self.choices)
        if kind in ("integer", "number"):
            if self.minimum is not None and value < self.minimum:
                return f"must be at least {self.minimum:g}"
            if self.maximum is not None and value > self.maximum:
                return f"must be at most {self.maximum:g}"
        return None


@dataclass(frozen=True)
class EffectiveParameter:
    spec: ParameterSpec
    value: Any
    environments: Mapping[str, Any] = field(default_factory=dict)
    risk_tiers: Mapping[str, Any] = field(default_factory=dict)

    @property
    def overridden(self) -> bool:
        return bool(self.environments or self.risk_tiers) or self.value != self.spec.default

    def as_data(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "environments": dict(self.environments),
            "riskTiers": dict(self.risk_tiers),
        }

    def describe(self) -> str:
        """``200 (default 200); prod: 250; riskTier high: 500``"""
        parts = [_show(self.value)]
        if self.value != self.spec.default:
            parts[0] += f" (default {_show(self.spec.default)})"
        parts += [f"{env}: {_show(v)}" for env, v in sorted(self.environments.items())]
        parts += [f"riskTier {tier}: {_show(v)}" for tier, v in sorted(self.risk_tiers.items())]
        return "; ".join(parts)


Effective = Mapping[str, Mapping[str, EffectiveParameter]]  # rule → name → parameter


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _spec(rule: str, name: str, raw: Any, source: str, default_key: str) -> ParameterSpec:
    if not isinstance(raw, dict) or default_key not in raw:
        raise PolicyError(f"parameter {rule}.{name} needs `{default_key}` and `type`", file=source)
    kind = str(raw.get("type", ""))
    if kind not in TYPES:
        raise PolicyError(
            f"parameter {rule}.{name}: type must be one of {', '.join(TYPES)}", file=source
        )
    scopes = raw.get("scopes") or []
    if not isinstance(scopes, list) or any(s not in SCOPES for s in scopes):
        raise PolicyError(
            f"parameter {rule}.{name}: scopes may hold {', '.join(SCOPES)}", file=source
        )
    spec = ParameterSpec(
        rule=rule,
        name=name,
        type=kind,
        default=raw[default_key],
        scopes=tuple(scopes),
        description=str(raw.get("description", "")),
        source=source,
        minimum=raw.get("minimum"),
        maximum=raw.get("maximum"),
        choices=tuple(raw.get("choices") or ()),
        min_items=raw.get("minItems"),
    )
    problem = spec.problem(spec.default)
    if problem:
        raise PolicyError(f"parameter {rule}.{name}: default {problem}", file=source)
    return spec


def builtin_declarations(catalog: Path, display: str) -> dict[str, dict[str, ParameterSpec]]:
    """The parameters declared in ``parameters.yaml`` at the root of a policy folder (the
    built-in catalog's, or a repository's in the same format)."""
    file = catalog / PARAMETERS_FILE
    if not file.is_file():
        return {}
    shown = f"{display}/{PARAMETERS_FILE}"
    try:
        parsed = parse_yaml(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read parameter declarations: {exc}", file=shown) from None
    if parsed.problem or not parsed.documents:
        line = parsed.problem.line if parsed.problem else None
        raise PolicyError("invalid parameter declarations", file=shown, line=line)
    root = parsed.documents[0].value
    govctl = root.get("govctl") if isinstance(root, dict) else None
    declared = govctl.get("parameters") if isinstance(govctl, dict) else None
    if not isinstance(declared, dict) or not all(isinstance(p, dict) for p in declared.values()):
        raise PolicyError("expected govctl: {parameters: {RULE: {NAME: {...}}}}", file=shown)
    return {
        rule: {name: _spec(rule, name, raw, shown, "value") for name, raw in params.items()}
        for rule, params in declared.items()
    }


def module_declarations(modules: Sequence[RegoModule]) -> dict[str, dict[str, ParameterSpec]]:
    """Parameters a policy declares in a rule's METADATA (``custom.parameters``, with
    ``default`` as the default value)."""
    out: dict[str, dict[str, ParameterSpec]] = {}
    for module in modules:
        for ann in module.annotations:
            declared = ann.custom.get("parameters")
            if "id" not in ann.custom or not isinstance(declared, dict):
                continue
            rule = str(ann.custom["id"])
            source = f"{module.path}:{ann.line}"
            for name, raw in declared.items():
                out.setdefault(rule, {})[str(name)] = _spec(rule, str(name), raw, source, "default")
    return out


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


class _Resolver:
    def __init__(
        self,
        declared: Mapping[str, Mapping[str, ParameterSpec]],
        config: Config,
        line_of: LineOf,
        config_file: str,
    ) -> None:
        self.declared = declared
        self.environments = list(config.environments)
        self.line_of = line_of
        self.file = config_file

    def fail(self, message: str, keys: tuple[str, ...]) -> ConfigError:
        path = ".".join(keys)
        return ConfigError(f"{path}: {message}", file=self.file, line=self.line_of(keys))

    def check(self, spec: ParameterSpec, value: Any, keys: tuple[str, ...]) -> Any:
        problem = spec.problem(value)
        if problem:
            raise self.fail(f"{problem} ({spec.description})", keys)
        return value

    def resolve(self, rule: str, name: str, setting: Any) -> EffectiveParameter:
        keys = ("policy", "parameters", rule, name)
        params = self.declared.get(rule)
        if params is None:
            raise self.fail(
                f"no rule declares parameters under this id{_suggest(rule, sorted(self.declared))}",
                keys[:3],
            )
        spec = params.get(name)
        if spec is None:
            known = ", ".join(sorted(params))
            raise self.fail(
                f"{rule} has no parameter {name!r}{_suggest(name, sorted(params))}; it has {known}",
                keys,
            )
        if not isinstance(setting, ParameterSetting):
            return EffectiveParameter(spec, self.check(spec, setting, keys))
        value = spec.default if setting.value is None else setting.value
        self.check(spec, value, (*keys, "value"))
        if setting.environments and "environment" not in spec.scopes:
            raise self.fail(f"{rule}.{name} cannot vary by environment", (*keys, "environments"))
        if setting.riskTiers and "riskTier" not in spec.scopes:
            raise self.fail(f"{rule}.{name} cannot vary by risk tier", (*keys, "riskTiers"))
        for env, v in setting.environments.items():
            where = (*keys, "environments", env)
            if env not in self.environments:
                hint = _suggest(env, self.environments)
                raise self.fail(f"unknown environment {env!r}{hint}", where)
            self.check(spec, v, where)
        for tier, v in setting.riskTiers.items():
            self.check(spec, v, (*keys, "riskTiers", tier))
        tiers: dict[str, Any] = {str(t): v for t, v in setting.riskTiers.items()}
        return EffectiveParameter(spec, value, dict(setting.environments), tiers)


def effective_parameters(
    declared: Mapping[str, Mapping[str, ParameterSpec]],
    config: Config,
    line_of: LineOf,
    config_file: str = "govctl.yaml",
) -> dict[str, dict[str, EffectiveParameter]]:
    """Every declared parameter with the value govctl.yaml gives it (or its default)."""
    resolver = _Resolver(declared, config, line_of, config_file)
    out = {
        rule: {name: EffectiveParameter(spec, spec.default) for name, spec in params.items()}
        for rule, params in declared.items()
    }
    for rule, settings in config.policy.parameters.items():
        for name, setting in settings.items():
            out.setdefault(rule, {})[name] = resolver.resolve(rule, name, setting)
    return out


def parameters_data(effective: Effective) -> dict[str, Any]:
    """The OPA ``data`` document every engine loads: {"govctl": {"parameters": ...}}."""
    return {
        "govctl": {
            "parameters": {
                rule: {name: p.as_data() for name, p in sorted(params.items())}
                for rule, params in sorted(effective.items())
            }
        }
    }
