"""The policy engine contract: requests, raw and normalised findings, the engine Protocol.

An engine evaluates the bundle's entry rule for a subject kind against one input document per
subject and returns the raw ``[package, set, finding]`` triples. Normalising those into findings
(rule id, severity, message, ref, path) happens once, here, for every engine, so engines can only
differ in what Rego evaluates to — which is what the parity suite compares. The registry of
engines is ``govctl.policy.engines``: the engines import this module, never the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from govctl.errors import EngineError
from govctl.policy.bundle import ENTRY_PACKAGE, PolicyBundle, entrypoint_rule
from govctl.policy.modules import severity_of


@dataclass(frozen=True, slots=True)
class EvalRequest:
    subject: str  # identity
    kind: str
    input_json: str  # the docs/spec.md §3 input document, serialised once


@dataclass(frozen=True, slots=True)
class EngineFinding:
    """One element of a finding set as the policy produced it."""

    package: str
    set_name: str  # deny, warn, info, violation, deny_xxx ...
    value: Any  # an object {"rule","msg","path","ref"} or a plain string


@dataclass(frozen=True, slots=True)
class PolicyFinding:
    rule: str
    severity: str
    message: str
    ref: str
    path: str


@dataclass(frozen=True)
class EngineSettings:
    workers: int = 0  # 0: one per CPU
    opa_url: str = "http://127.0.0.1:8181"
    opa_timeout_seconds: float = 10.0
    root: Path | None = None  # the repository (where scripts/install-opa.sh puts opa)


class PolicyEngine(Protocol):
    name: str

    def version(self) -> str: ...

    def evaluate(
        self, bundle: PolicyBundle, requests: Iterable[EvalRequest]
    ) -> dict[str, list[EngineFinding]]:
        """Subject identity → raw findings. Raises EngineError; never returns partial results.

        ``requests`` may be a generator: an engine may start evaluating before it is exhausted.
        """
        ...

    def close(self) -> None: ...


def entrypoint(kind: str) -> str:
    """``Deployment`` → ``govctl_entry/deployment`` (bundle entrypoint path form)."""
    return f"{ENTRY_PACKAGE}/{entrypoint_rule(kind)}"


def parse_triples(result: Any) -> list[EngineFinding]:
    """Turn the entry rule's value (a list of [package, set, finding]) into EngineFindings."""
    if not isinstance(result, list):
        raise ValueError(f"entry rule returned {type(result).__name__}, expected a list")
    out = []
    for item in result:
        if not (
            isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item[:2])
        ):
            raise ValueError(f"malformed finding triple {item!r:.120}")
        out.append(EngineFinding(item[0], item[1], item[2]))
    return out


def finding_sets(bundle: PolicyBundle) -> dict[str, frozenset[str]]:
    """Package → the finding rules (sets) the entry module gathers from it."""
    sets: dict[str, set[str]] = {}
    for module in bundle.modules:
        sets.setdefault(module.package, set()).update(module.finding_rules)
    return {package: frozenset(names) for package, names in sets.items()}


def check_answers(
    bundle: PolicyBundle,
    subjects: Iterable[str],
    answers: Mapping[str, Any],
    engine: str,
    source: str,
) -> None:
    """Refuse an engine answer of the wrong shape (exit 3, one line naming ``source``): a
    subject without a decision or one nobody asked about, a finding from a set or package the
    bundle does not define. An answer is never half-read into findings."""
    sets = finding_sets(bundle)
    wanted = set(subjects)
    for subject, findings in answers.items():
        if subject not in wanted:
            raise EngineError(
                f"{source} answered for a subject that was not asked about",
                engine=engine,
                subject=str(subject)[:120],
            )
        if not isinstance(findings, list):
            raise EngineError(
                f"{source} answered a {type(findings).__name__} where a list of findings was "
                "expected",
                engine=engine,
                subject=subject,
            )
        for found in findings:
            if not isinstance(found, EngineFinding):
                raise EngineError(
                    f"{source} answered {str(found)[:80]!r} where a finding was expected",
                    engine=engine,
                    subject=subject,
                )
            if found.set_name not in sets.get(found.package, ()):
                raise EngineError(
                    f"{source} answered a finding of {found.package[:80]}.{found.set_name[:80]}, "
                    "which is not a finding rule of the policy bundle",
                    engine=engine,
                    subject=subject,
                )
    missing = sorted(wanted - answers.keys())
    if missing:
        raise EngineError(f"{source} returned no decision", engine=engine, subject=missing[0])


def normalise(bundle: PolicyBundle, subject: str, raw: EngineFinding) -> PolicyFinding:
    """Apply the finding contract of docs/spec.md §3 to one raw finding."""
    value = raw.value
    default_rule = bundle.default_rule_id(raw.package)
    if isinstance(value, dict):
        rule = value.get("rule") if isinstance(value.get("rule"), str) else default_rule
        message = value.get("msg", value.get("message", ""))
        ref = value.get("ref") if isinstance(value.get("ref"), str) else subject
        path = value.get("path") if isinstance(value.get("path"), str) else ""
    else:
        rule, message, ref, path = default_rule, value, subject, ""
    return PolicyFinding(
        rule=str(rule),
        severity=severity_of(raw.set_name),
        message=message if isinstance(message, str) else str(message),
        ref=str(ref),
        path=str(path),
    )


def numbered_chunks(
    requests: Iterable[EvalRequest], seen: list[EvalRequest], size: int
) -> Iterator[list[tuple[int, str, str]]]:
    """(index, kind, input JSON) chunks of ``size`` requests for worker processes, consumed
    lazily (workers evaluate while later inputs are still being built). Every request taken is
    appended to ``seen``, so an index from a worker (a result, or the subject it was evaluating
    when it died) names its request."""
    chunk: list[tuple[int, str, str]] = []
    for request in requests:
        chunk.append((len(seen), request.kind, request.input_json))
        seen.append(request)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
