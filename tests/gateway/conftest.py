"""The reference repository's approved routes, rendered once per session, and helpers to mutate
and re-read a rendered LiteLLM configuration exactly as a deployed file would be read."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from govctl.check import CheckOptions, run_check
from govctl.findings import Finding
from govctl.gateway.drift import drift_findings
from govctl.gateway.governed import GovernedState
from govctl.gateway.litellm_read import read_config_file
from govctl.gateway.litellm_render import RenderMeta, build_config, dump_yaml
from govctl.gateway.service import governed
from tests.conftest import NOW, REPO_ROOT

META = RenderMeta("sha256:registry", "sha256:policy", "0" * 40, "test")


@pytest.fixture(scope="session")
def reference_state() -> GovernedState:
    result = run_check(CheckOptions(root=REPO_ROOT, now=NOW, audit=False, use_cache=False))
    return governed(result, None)


@pytest.fixture(scope="session")
def reference_config(reference_state: GovernedState) -> dict[str, Any]:
    config, _ = build_config(reference_state, META)
    return config


Mutate = Callable[[dict[str, Any]], None]


def group(config: dict[str, Any], name: str) -> dict[str, Any]:
    return next(g for g in config["model_list"] if g["model_name"] == name)


@pytest.fixture
def drift(
    reference_state: GovernedState, reference_config: dict[str, Any]
) -> Callable[..., tuple[Finding, ...]]:
    """drift(mutate, environment=None, environ=None) → findings of the mutated config file."""

    def run(
        mutate: Mutate, environment: str | None = None, environ: dict[str, str] | None = None
    ) -> tuple[Finding, ...]:
        config = copy.deepcopy(reference_config)
        mutate(config)
        deployed = read_config_file(dump_yaml(config).encode("utf-8"), "gateway.yaml")
        state = reference_state
        if environment is not None:
            state = GovernedState(
                tuple(r for r in state.routes if r.environment == environment),
                state.excluded,
                state.known_deployments,
            )
        return drift_findings(state, deployed, environ, environment, "gateway.yaml")

    return run


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
