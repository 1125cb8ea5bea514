"""``govctl gateway render`` and ``govctl gateway diff`` as library functions.

Both start from a ``check`` run (the same pipeline, findings and digests the CLI prints), so the
gateway is governed by exactly what was evaluated: a deployment with unwaived errors gets no
route. Both append one ``gateway`` audit event (config digest, routes, findings) when asked, so an
auditor can answer "what was the gateway allowed to call on date X, and did it match".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from govctl.canonical import digest_bytes
from govctl.check import CheckOptions, CheckResult, exit_code_for, run_check
from govctl.config import CONFIG_FILENAME, load_config
from govctl.errors import EXIT_CLEAN, GitError, UsageError
from govctl.findings import Finding
from govctl.gateway.deployed import DeployedGateway
from govctl.gateway.drift import GATEWAY_RULES, drift_findings
from govctl.gateway.governed import GovernedState, governed_state
from govctl.gateway.litellm_read import read_config_file, read_proxy
from govctl.gateway.litellm_render import RenderMeta, Unmapped, render_litellm
from govctl.gateway.rego import rego_drift
from govctl.gitio import GitRepository
from govctl.policy.bundle import PolicyBundle
from govctl.policy.catalog import load_policies
from govctl.policy.engine import EngineSettings
from govctl.rules import RuleMeta

TARGETS = ("litellm",)


@dataclass(frozen=True)
class GatewayOptions:
    root: Path
    target: str = "litellm"
    environment: str | None = None
    now: str | None = None
    engine: str | None = None
    opa_url: str | None = None
    config_path: Path | None = None
    audit: bool = True
    actor: str | None = None
    use_cache: bool = True


@dataclass(frozen=True)
class RenderResult:
    text: str
    config_digest: str
    routes: tuple[str, ...]
    unmapped: tuple[Unmapped, ...]
    skipped: tuple[tuple[str, str], ...]
    registry_digest: str
    policy_digest: str
    commit: str | None
    exit_code: int = EXIT_CLEAN


@dataclass(frozen=True)
class DiffResult:
    source: str
    config_digest: str
    findings: tuple[Finding, ...]
    routes: tuple[str, ...]  # governed deployments compared
    registry_digest: str
    policy_digest: str
    fail_on: str
    counts: Mapping[str, int] = field(default_factory=dict)
    rules: Mapping[str, RuleMeta] = field(default_factory=dict)  # every rule a finding names

    @property
    def exit_code(self) -> int:
        return exit_code_for(self.findings, self.fail_on)


def _check(options: GatewayOptions) -> CheckResult:
    if options.target not in TARGETS:
        raise UsageError(
            f"unknown gateway target {options.target!r}; choose one of {', '.join(TARGETS)}"
        )
    return run_check(
        CheckOptions(
            root=options.root,
            engine=options.engine,
            opa_url=options.opa_url,
            now=options.now,
            audit=False,
            use_cache=options.use_cache,
            config_path=options.config_path,
        )
    )


def _policies(options: GatewayOptions) -> tuple[PolicyBundle, str, EngineSettings]:
    """The repository's policy bundle and engine, as ``check`` chooses them."""
    root = options.root.resolve()
    config_path = options.config_path or root / CONFIG_FILENAME
    display = str(options.config_path) if options.config_path else CONFIG_FILENAME
    config = load_config(config_path, display)
    settings = EngineSettings(
        opa_url=options.opa_url or config.opa.url,
        opa_timeout_seconds=config.opa.timeoutSeconds,
        root=root,
    )
    bundle = load_policies(root, config, config_path, display)
    return bundle, options.engine or config.policy.engine, settings


def _environment(result: CheckResult, environment: str | None) -> None:
    assert result.registry is not None
    known = result.registry.config.environments
    if environment is not None and environment not in known:
        raise UsageError(
            f"unknown environment {environment!r}; govctl.yaml lists {', '.join(known)}"
        )


def governed(result: CheckResult, environment: str | None) -> GovernedState:
    """The approved routes of a check run: deployments with unwaived errors are excluded."""
    assert result.registry is not None
    _environment(result, environment)
    blocked = {
        f.ref
        for f in result.findings
        if f.ref and f.ref.startswith("Deployment/") and f.severity == "error" and not f.waived
    }
    return governed_state(result.registry, blocked, environment)


def _commit(root: Path) -> str | None:
    try:
        with GitRepository(root) as repository:
            return repository.head_sha()
    except GitError:
        return None


def render(options: GatewayOptions) -> RenderResult:
    result = _check(options)
    state = governed(result, options.environment)
    commit = _commit(options.root)
    meta = RenderMeta(result.registry_digest, result.policy_digest, commit, result.govctl_version)
    rendered = render_litellm(state, meta)
    out = RenderResult(
        text=rendered.text,
        config_digest=digest_bytes(rendered.text.encode("utf-8")),
        routes=rendered.routes,
        unmapped=rendered.unmapped,
        skipped=rendered.skipped,
        registry_digest=result.registry_digest,
        policy_digest=result.policy_digest,
        commit=commit,
    )
    if options.audit:
        _record(
            options,
            result,
            "render",
            out.config_digest,
            out.routes,
            (),
            {
                "unmapped": [f"{u.deployment} {u.stage} {u.type}" for u in out.unmapped],
                "skipped": [f"{d}: {why}" for d, why in out.skipped],
            },
        )
    return out


def read_deployed(
    root: Path, config_file: Path | None, url: str | None, key: str | None
) -> DeployedGateway:
    """The deployed configuration, from a file or from a running proxy (exactly one)."""
    if (config_file is None) == (url is None):
        raise UsageError("name the deployed configuration: a CONFIG file or --url, not both")
    if url is not None:
        return read_proxy(url, key)
    assert config_file is not None
    shown = _shown(root, config_file)
    try:
        data = _read_regular(config_file)
    except OSError as exc:
        raise UsageError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    gateway = read_config_file(data, shown)
    return gateway


def _shown(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _read_regular(path: Path) -> bytes:
    """Read a regular file only: a FIFO or device named as the config must not hang the run."""
    import os
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def diff(
    options: GatewayOptions,
    deployed: DeployedGateway,
    environ: Mapping[str, str] | None = None,
    fail_on: str | None = None,
) -> DiffResult:
    result = _check(options)
    state = governed(result, options.environment)
    source = deployed.source
    bundle, engine_name, settings = _policies(options)
    own = rego_drift(bundle, engine_name, settings, state, deployed, result.now)
    findings = drift_findings(
        state, deployed, environ, options.environment, source, own, bundle.rules
    )
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    out = DiffResult(
        source=source,
        config_digest=deployed.digest,
        findings=findings,
        routes=tuple(r.deployment for r in state.routes),
        registry_digest=result.registry_digest,
        policy_digest=result.policy_digest,
        fail_on=fail_on or result.fail_on,
        counts=counts,
        rules={**GATEWAY_RULES, **bundle.rules},
    )
    if options.audit:
        _record(
            options,
            result,
            "diff",
            out.config_digest,
            out.routes,
            findings,
            {
                "source": source,
                "counts": counts,
                "exitCode": out.exit_code,
            },
        )
    return out


def _record(
    options: GatewayOptions,
    result: CheckResult,
    action: str,
    config_digest: str,
    routes: tuple[str, ...],
    findings: tuple[Finding, ...],
    extra: Mapping[str, object],
) -> None:
    from govctl.audit.api import EventDraft, record_events

    assert result.registry is not None
    commit = _commit(options.root)
    event = EventDraft(
        type="gateway",
        actor=options.actor or "unknown",
        commit=commit,
        registry_digest=result.registry_digest,
        policy_digest=result.policy_digest,
        engine_name=result.engine,
        engine_version=result.engine_version,
        now=result.now,
        decision={
            "action": action,
            "target": options.target,
            "environment": options.environment,
            "configDigest": config_digest,
            "routes": list(routes),
            **extra,
        },
        findings=[dict(f.as_json()) for f in findings],
        artifacts=list(routes),
    )
    record_events(result.registry.config.audit, options.root.resolve(), [event])
