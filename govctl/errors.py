"""One error hierarchy for govctl.

Every failure that should reach a user as a one-line message is a ``GovctlError``. Each subclass
carries its exit code (docs/spec.md §7) and keeps its structured fields so callers can inspect
them; the rendering lives in ``__str__``. The CLI maps them to exit codes in exactly one place
(``govctl.cli.error_handler``).

Exit codes: 0 clean; 1 findings at or above ``--fail-on``; 2 usage or configuration error;
3 engine or infrastructure failure; 4 audit integrity failure.
"""

from __future__ import annotations

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INFRA = 3
EXIT_INTEGRITY = 4
EXIT_INTERRUPTED = 130  # Ctrl-C: the shell convention (128 + SIGINT)


class GovctlError(Exception):
    """Base class: a failure with a clear one-line message and an exit code."""

    exit_code: int = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(GovctlError):
    """Bad command-line usage or arguments (exit 2)."""

    exit_code = EXIT_USAGE


class ConfigError(GovctlError):
    """``govctl.yaml`` (or another configuration input) is missing or invalid (exit 2)."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return f"{where}{self.message}"


class PolicyError(GovctlError):
    """A policy cannot be compiled (Rego syntax or type error, OPA rejected it, bad METADATA).

    Exit 3 on every engine: the engine cannot evaluate the library, so govctl fails closed
    rather than report on the policies that did compile.
    """

    exit_code = EXIT_INFRA

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if not self.file:
            return self.message
        loc = self.file
        if self.line:
            loc += f":{self.line}"
            if self.column:
                loc += f":{self.column}"
        return f"{loc}: {self.message}"


class EngineError(GovctlError):
    """The policy engine failed: crash, runtime error, unreachable or misbehaving server (exit 3).

    govctl fails closed: a run that raises this reports no pass and writes no audit event.
    """

    exit_code = EXIT_INFRA

    def __init__(
        self,
        message: str,
        *,
        engine: str | None = None,
        subject: str | None = None,
        rule: str | None = None,
    ) -> None:
        super().__init__(message)
        self.engine = engine
        self.subject = subject
        self.rule = rule

    def __str__(self) -> str:
        parts = [f"{self.engine} engine" if self.engine else "policy engine"]
        if self.subject:
            parts.append(f"subject {self.subject}")
        if self.rule:
            parts.append(f"rule {self.rule}")
        return f"{', '.join(parts)}: {self.message}"


class InfraError(GovctlError):
    """Infrastructure failure outside the engine: git, filesystem, cache (exit 3)."""

    exit_code = EXIT_INFRA


class GitError(GovctlError):
    """A git reference or repository cannot be read (exit 2: the user named something wrong)."""

    exit_code = EXIT_USAGE


class AuditLockedError(GovctlError):
    """Another writer holds the audit store longer than the wait bound (exit 3)."""

    exit_code = EXIT_INFRA

    def __init__(self, message: str, *, path: str, waited_seconds: float) -> None:
        super().__init__(message)
        self.path = path
        self.waited_seconds = waited_seconds


class AuditCorruptError(GovctlError):
    """The audit database cannot be opened or read: corruption, not tampering (exit 4)."""

    exit_code = EXIT_INTEGRITY


class AuditIntegrityError(GovctlError):
    """The audit chain or its checkpoints were altered (exit 4)."""

    exit_code = EXIT_INTEGRITY

    def __init__(self, message: str, *, first_bad_seq: int | None = None, kind: str = "") -> None:
        super().__init__(message)
        self.first_bad_seq = first_bad_seq
        self.kind = kind
