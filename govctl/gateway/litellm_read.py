"""Read a deployed LiteLLM configuration: a ``config.yaml`` file, or a running proxy's admin API.

Both become the same ``DeployedGateway``. A file keeps line and column of every element (parsed
with govctl's bounded YAML parser: duplicate keys, alias bombs and over-deep nesting are refused
with their line). A proxy is read over its admin API — ``/model/info`` (model groups with their
effective ``litellm_params``), ``/fallback/{group}`` and ``/guardrails/list`` — so what is compared
is what the proxy actually loaded, not what someone says it loaded.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any

from govctl.canonical import digest_bytes, digest_json
from govctl.errors import ConfigError, InfraError
from govctl.gateway.deployed import (
    Credential,
    DeployedGateway,
    DeployedGroup,
    DeployedGuardrail,
    Where,
)
from govctl.gateway.litellm_map import CREDENTIAL_KEYS, ENV_PREFIX, PROVIDERS, SECRET_KEYS
from govctl.loader.yamlparse import PathKey, Position, YamlProblem, decode_utf8, parse_yaml

MAX_CONFIG_BYTES = 4 * 1024 * 1024
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
REGION_KEYS = tuple(dict.fromkeys(p.region_key for p in PROVIDERS.values()))


def _path_text(keys: PathKey) -> str:
    out = ""
    for key in keys:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


class _Places:
    """Field paths → line/column of one parsed document (empty for proxy reads)."""

    def __init__(self, positions: Mapping[PathKey, Position]) -> None:
        self.positions = positions

    def at(self, *keys: str | int) -> Where:
        for n in range(len(keys), 0, -1):
            found = self.positions.get(tuple(keys[:n]))
            if found is not None:
                return Where(_path_text(keys), found[0], found[1])
        return Where(_path_text(keys))


def _number(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _group(entry: dict[str, Any], index: int, places: _Places) -> DeployedGroup:
    params = _dict(entry.get("litellm_params"))
    info = _dict(entry.get("model_info"))
    base = ("model_list", index)

    def where(*keys: str) -> Where:
        return places.at(*base, *keys)

    region_key = next((k for k in REGION_KEYS if isinstance(params.get(k), str)), "region_name")
    guardrails = params.get("guardrails")
    return DeployedGroup(
        name=str(entry.get("model_name", "")),
        index=index,
        model=_text(params.get("model")),
        region=_text(params.get(region_key)),
        rpm=_number(params.get("rpm")),
        max_tokens=_number(params.get("max_tokens")),
        max_input_tokens=_number(info.get("max_input_tokens")),
        timeout_seconds=_number(params.get("timeout")),
        retries=_number(params.get("max_retries")),
        max_budget=_number(params.get("max_budget")),
        budget_duration=_text(params.get("budget_duration")),
        guardrails=tuple(str(g) for g in guardrails) if isinstance(guardrails, list) else (),
        metadata=_dict(info.get("govctl")),
        where={
            "entry": where("model_name"),
            "model": where("litellm_params", "model"),
            "region": where("litellm_params", region_key),
            "rpm": where("litellm_params", "rpm"),
            "max_tokens": where("litellm_params", "max_tokens"),
            "max_input_tokens": where("model_info", "max_input_tokens"),
            "timeout": where("litellm_params", "timeout"),
            "max_retries": where("litellm_params", "max_retries"),
            "max_budget": where("litellm_params", "max_budget"),
            "guardrails": where("litellm_params", "guardrails"),
        },
    )


def _walk(
    value: Any, keys: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*keys, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*keys, index))
    else:
        yield keys, value


def credentials(config: dict[str, Any], places: _Places) -> tuple[Credential, ...]:
    """Every ``os.environ/`` reference, and every credential field written literally."""
    found = []
    for keys, value in _walk(config):
        name = str(keys[-1]) if keys else ""
        if isinstance(value, str) and value.startswith(ENV_PREFIX):
            found.append(Credential(name, value[len(ENV_PREFIX) :], False, places.at(*keys)))
        elif name in SECRET_KEYS and isinstance(value, str) and value and value != "*****":
            found.append(Credential(name, None, True, places.at(*keys)))
        elif name in CREDENTIAL_KEYS - SECRET_KEYS:
            continue
    return tuple(found)


def _fallbacks(
    router: dict[str, Any], places: _Places
) -> tuple[dict[str, tuple[str, ...]], dict[str, Where]]:
    chains: dict[str, tuple[str, ...]] = {}
    where: dict[str, Where] = {}
    entries = router.get("fallbacks")
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        for group, targets in _dict(entry).items():
            chain = targets if isinstance(targets, list) else [targets]
            chains[str(group)] = tuple(str(t) for t in chain)
            where[str(group)] = places.at("router_settings", "fallbacks", index, group)
    return chains, where


def _guardrails(entries: Any, places: _Places) -> dict[str, DeployedGuardrail]:
    out: dict[str, DeployedGuardrail] = {}
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        entry = _dict(entry)
        params = _dict(entry.get("litellm_params"))
        name = str(entry.get("guardrail_name", ""))
        out[name] = DeployedGuardrail(
            name,
            _text(params.get("guardrail")),
            _text(params.get("mode")),
            places.at("guardrails", index, "guardrail_name"),
        )
    return out


def gateway_from_config(
    config: dict[str, Any], source: str, digest: str, places: _Places, *, from_file: bool = True
) -> DeployedGateway:
    """``from_file=False`` (a running proxy): secrets arrive resolved and masked, so whether the
    configuration held them literally cannot be told there — only files are checked for that."""
    groups = config.get("model_list")
    if not isinstance(groups, list):
        raise ConfigError("not a LiteLLM proxy configuration: no `model_list` list", file=source)
    chains, chain_where = _fallbacks(_dict(config.get("router_settings")), places)
    for key, value in _dict(config.get("litellm_settings")).items():
        if key == "fallbacks":  # LiteLLM also accepts fallbacks here
            extra, extra_where = _fallbacks({"fallbacks": value}, places)
            chains.update(extra)
            chain_where.update(extra_where)
    return DeployedGateway(
        source=source,
        digest=digest,
        groups=tuple(_group(_dict(e), i, places) for i, e in enumerate(groups)),
        fallbacks=chains,
        fallback_where=chain_where,
        guardrails=_guardrails(config.get("guardrails"), places),
        credentials=credentials(config, places) if from_file else (),
    )


def read_config_file(data: bytes, source: str) -> DeployedGateway:
    """Parse a LiteLLM ``config.yaml``; a file that is not one is a ConfigError with its line."""
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"larger than {MAX_CONFIG_BYTES} bytes", file=source)
    try:
        parsed = parse_yaml(decode_utf8(data), positions=True)
    except YamlProblem as problem:
        raise ConfigError(problem.message, file=source, line=problem.line) from None
    if parsed.problem is not None:
        raise ConfigError(parsed.problem.message, file=source, line=parsed.problem.line)
    if len(parsed.documents) != 1 or not isinstance(parsed.documents[0].value, dict):
        raise ConfigError(
            "not a LiteLLM proxy configuration: expected one YAML mapping", file=source
        )
    document = parsed.documents[0]
    digest = digest_bytes(data)
    return gateway_from_config(document.value, source, digest, _Places(document.positions))


def _get(url: str, key: str | None, timeout: float) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise InfraError(f"gateway {url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InfraError(f"gateway {url} unreachable: {reason}") from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise InfraError(f"gateway {url}: answer larger than {MAX_RESPONSE_BYTES} bytes")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise InfraError(f"gateway {url}: answer is not JSON") from None


def _shape(value: Any, key: str, url: str) -> list[Any]:
    items = value.get(key) if isinstance(value, dict) else None
    if not isinstance(items, list):
        raise InfraError(f"gateway {url}: answer has no `{key}` list (is this a LiteLLM proxy?)")
    return items


def read_proxy(base_url: str, key: str | None, timeout: float = 10.0) -> DeployedGateway:
    """The effective configuration of a running LiteLLM proxy, through its admin API."""
    base = base_url.rstrip("/")
    models = _shape(_get(f"{base}/model/info", key, timeout), "data", f"{base}/model/info")
    guardrails = _shape(
        _get(f"{base}/guardrails/list", key, timeout), "guardrails", f"{base}/guardrails/list"
    )
    groups = sorted({str(_dict(m).get("model_name", "")) for m in models})
    fallbacks = []
    for group in groups:
        url = f"{base}/fallback/{urllib.parse.quote(group, safe='')}"
        try:
            answer = _get(url, key, timeout)
        except InfraError as exc:
            if "HTTP 404" in str(exc):  # no fallbacks configured for this group
                continue
            raise
        chain = _dict(answer).get("fallback_models")
        if isinstance(chain, list) and chain:
            fallbacks.append({group: [str(c) for c in chain]})
    config = {
        "model_list": models,
        "router_settings": {"fallbacks": fallbacks},
        "guardrails": guardrails,
    }
    try:
        digest = digest_json(config)
    except (TypeError, ValueError):  # numbers RFC 8785 cannot carry: digest a stable dump instead
        digest = digest_bytes(json.dumps(config, sort_keys=True).encode("utf-8"))
    return gateway_from_config(config, base, digest, _Places({}), from_file=False)
