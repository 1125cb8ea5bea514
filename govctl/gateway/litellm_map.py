"""How registry concepts map onto the LiteLLM proxy (pinned and tested against LiteLLM 1.110).

Two tables, both part of the documented contract (docs/gateway.md):

- ``PROVIDERS``: a Model's free-text ``spec.provider`` → LiteLLM's provider prefix, the
  ``litellm_params`` key that pins the region, and the credentials as ``os.environ/…``
  references (secrets are never written into a configuration).
- ``GUARDRAILS``: a GuardrailPolicy check (stage, type) → a LiteLLM guardrail integration and
  its mode. Checks without a LiteLLM equivalent map to ``None``: they are listed in the rendered
  file's header and in the command's output, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProviderMap:
    prefix: str  # LiteLLM provider prefix of litellm_params.model
    region_key: str  # litellm_params key that carries the region
    credentials: tuple[tuple[str, str], ...]  # (litellm_params key, env var template)


_AZURE = ProviderMap(
    "azure",
    "region_name",
    (("api_base", "AZURE_API_BASE_{REGION}"), ("api_key", "AZURE_API_KEY_{REGION}")),
)
_SELF_HOSTED = ProviderMap(
    "hosted_vllm",
    "region_name",
    (("api_base", "SELF_HOSTED_API_BASE_{REGION}"), ("api_key", "SELF_HOSTED_API_KEY_{REGION}")),
)

PROVIDERS: dict[str, ProviderMap] = {
    "azure-openai": _AZURE,
    "azure": _AZURE,
    "openai": ProviderMap("openai", "region_name", (("api_key", "OPENAI_API_KEY"),)),
    "anthropic": ProviderMap("anthropic", "region_name", (("api_key", "ANTHROPIC_API_KEY"),)),
    "bedrock": ProviderMap(
        "bedrock",
        "aws_region_name",
        (
            ("aws_access_key_id", "AWS_ACCESS_KEY_ID"),
            ("aws_secret_access_key", "AWS_SECRET_ACCESS_KEY"),
        ),
    ),
    "vertex": ProviderMap(
        "vertex_ai", "vertex_location", (("vertex_project", "VERTEXAI_PROJECT"),)
    ),
    "google-ai-studio": ProviderMap("gemini", "region_name", (("api_key", "GEMINI_API_KEY"),)),
    "self-hosted": _SELF_HOSTED,
}

# Keys whose values are secrets or endpoints: a deployed configuration must reference them
# through the environment (``os.environ/NAME``), never hold them literally.
CREDENTIAL_KEYS = frozenset(
    {
        "api_key",
        "api_base",
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "vertex_credentials",
        "master_key",
        "database_url",
        "client_secret",
        "azure_ad_token",
    }
)
# Of those, the ones whose literal value is a leak (an endpoint URL in clear is not a secret).
SECRET_KEYS = CREDENTIAL_KEYS - {"api_base", "vertex_project"}

ENV_PREFIX = "os.environ/"


@dataclass(frozen=True)
class GuardrailMap:
    integration: str
    mode: str  # pre_call | post_call
    credentials: tuple[tuple[str, str], ...]
    settings: tuple[tuple[str, Any], ...] = ()  # further litellm_params of the guardrail


# LiteLLM's open-source content filter with its prebuilt credential patterns (its own secret
# detection, ``hide-secrets``, needs the enterprise package and refuses to start without it).
_SECRET_PATTERNS = (
    "aws_access_key",
    "aws_secret_key",
    "github_token",
    "slack_token",
    "generic_api_key",
    "openai_api_key",
    "anthropic_api_key",
    "gemini_api_key",
)
_SECRETS = GuardrailMap(
    "litellm_content_filter",
    "pre_call",
    (),
    (
        (
            "patterns",
            [
                {"pattern_type": "prebuilt", "pattern_name": n, "action": "BLOCK"}
                for n in _SECRET_PATTERNS
            ],
        ),
    ),
)


_PROMPT_SHIELD = GuardrailMap(
    "azure/prompt_shield",
    "pre_call",
    (("api_base", "AZURE_CONTENT_SAFETY_ENDPOINT"), ("api_key", "AZURE_CONTENT_SAFETY_API_KEY")),
)
_PRESIDIO_CREDENTIALS = (
    ("presidio_analyzer_api_base", "PRESIDIO_ANALYZER_API_BASE"),
    ("presidio_anonymizer_api_base", "PRESIDIO_ANONYMIZER_API_BASE"),
)
_MODERATION = (
    ("api_base", "AZURE_CONTENT_SAFETY_ENDPOINT"),
    ("api_key", "AZURE_CONTENT_SAFETY_API_KEY"),
)

GUARDRAILS: dict[tuple[str, str], GuardrailMap | None] = {
    ("input", "prompt_injection"): _PROMPT_SHIELD,
    ("input", "jailbreak"): _PROMPT_SHIELD,
    ("input", "pii_detection"): GuardrailMap("presidio", "pre_call", _PRESIDIO_CREDENTIALS),
    ("input", "secrets_detection"): _SECRETS,
    ("input", "toxicity"): GuardrailMap("azure/text_moderations", "pre_call", _MODERATION),
    ("input", "topic_filter"): None,
    ("output", "pii_redaction"): GuardrailMap("presidio", "post_call", _PRESIDIO_CREDENTIALS),
    ("output", "safety"): GuardrailMap("azure/text_moderations", "post_call", _MODERATION),
    ("output", "toxicity"): GuardrailMap("azure/text_moderations", "post_call", _MODERATION),
    ("output", "grounding"): None,
    ("output", "format_validation"): None,
    ("output", "business_rules"): None,
}


def env_name(template: str, region: str | None) -> str:
    """``AZURE_API_KEY_{REGION}`` + ``westeurope`` → ``AZURE_API_KEY_WESTEUROPE``."""
    token = re.sub(r"[^A-Z0-9]+", "_", (region or "default").upper()).strip("_")
    return template.replace("{REGION}", token or "DEFAULT")


def guardrail_name(policy_name: str, stage: str, check_type: str) -> str:
    """The LiteLLM guardrail name govctl gives one check of a policy."""
    return f"{policy_name}--{stage}-{check_type}"
