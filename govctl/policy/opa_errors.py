"""Every way talking to OPA can fail, turned into one-line govctl errors in one place.

opa-python-client raises about ten exception classes with no common base (and lets ``requests``
exceptions through unwrapped); govctl's own HTTP calls raise ``requests`` exceptions. Callers wrap
each exchange with ``opa_call`` and get an ``EngineError`` (exit 3) that says what govctl was doing,
where, and why — or a ``PolicyError`` when OPA rejected a policy module (see ``OpaProblem``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from opa_client import errors as client_errors

from govctl.errors import EngineError

NAME = "opa"

# opa-python-client's exception classes (3.0.0): none shares a base class beyond Exception.
CLIENT_ERRORS: tuple[type[Exception], ...] = (
    client_errors.ConnectionsError,
    client_errors.QueryExecuteError,
    client_errors.PolicyNotFoundError,
    client_errors.DeleteDataError,
    client_errors.DeletePolicyError,
    client_errors.PatchDataError,
    client_errors.PathNotFoundError,
    client_errors.RegoParseError,
    client_errors.SSLError,
    client_errors.FileError,
    client_errors.TypeException,
)


@dataclass(frozen=True)
class OpaProblem:
    """One entry of the ``errors`` list of an OPA error response."""

    code: str
    message: str
    file: str | None
    row: int | None
    col: int | None


class OpaAnswerError(Exception):
    """OPA answered, but not with what govctl asked for (bad status, garbage, missing result)."""

    def __init__(self, message: str, problems: tuple[OpaProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


def problems_of(body: Any) -> tuple[OpaProblem, ...]:
    """The located problems of an OPA error body (``{"code", "message", "errors": [...]}``)."""
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return ()
    out = []
    for item in body["errors"]:
        if not isinstance(item, dict):
            continue
        found = item.get("location")
        location: dict[str, Any] = found if isinstance(found, dict) else {}
        row, col = location.get("row"), location.get("col")
        out.append(
            OpaProblem(
                code=str(item.get("code", "")),
                message=str(item.get("message", "")),
                file=location.get("file") if isinstance(location.get("file"), str) else None,
                row=row if isinstance(row, int) else None,
                col=col if isinstance(col, int) else None,
            )
        )
    return tuple(out)


def describe_body(body: Any) -> str:
    """OPA's own one-line summary of an error body."""
    if isinstance(body, dict):
        problems = problems_of(body)
        if problems:
            first = problems[0]
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            return f"{first.code}: {first.message}{more}"
        if "message" in body:
            return f"{body.get('code', 'error')}: {body['message']}"
    return "an unexpected answer"


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _client_detail(exc: Exception) -> str:
    expression = getattr(exc, "expression", None)
    message = getattr(exc, "message", None)
    parts = [str(p) for p in (expression, message) if p]
    return ": ".join(parts) or type(exc).__name__


def _requests_detail(exc: requests.RequestException, url: str, timeout: float) -> str:
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"could not connect to OPA at {url} within {timeout:g} s"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"OPA at {url} did not answer within {timeout:g} s"
    if isinstance(exc, requests.exceptions.JSONDecodeError):
        return f"OPA at {url} answered with something that is not JSON"
    if isinstance(exc, requests.exceptions.ConnectionError):
        text = str(exc)
        if "refused" in text.lower():
            return f"cannot connect to OPA at {url} (connection refused; is OPA running there?)"
        return f"lost the connection to OPA at {url} ({_one_line(text, 120)})"
    if isinstance(exc, requests.exceptions.HTTPError) and exc.response is not None:
        try:
            summary = describe_body(exc.response.json())
        except ValueError:
            summary = "a non-JSON body"
        return f"OPA at {url} answered HTTP {exc.response.status_code}: {summary}"
    return f"request to OPA at {url} failed: {_one_line(str(exc), 120)}"


def engine_error(
    exc: BaseException, *, url: str, timeout: float, action: str, subject: str | None = None
) -> EngineError:
    """The EngineError for any failure of an exchange with OPA (the one mapping)."""
    if isinstance(exc, EngineError):
        return exc
    if isinstance(exc, requests.RequestException):
        detail = _requests_detail(exc, url, timeout)
    elif isinstance(exc, OpaAnswerError):
        detail = f"OPA at {url} {exc}"
    elif isinstance(exc, CLIENT_ERRORS):
        detail = f"OPA at {url}: {_client_detail(exc)}"
    elif isinstance(exc, (ValueError, KeyError, TypeError, IndexError)):
        detail = f"OPA at {url} gave an answer govctl cannot read ({_one_line(str(exc), 120)})"
    elif isinstance(exc, OSError):
        detail = f"cannot talk to OPA at {url}: {exc.strerror or exc}"
    else:
        raise exc
    return EngineError(f"{action}: {_one_line(detail, 300)}", engine=NAME, subject=subject)


_HANDLED: tuple[type[Exception], ...] = (
    requests.RequestException,
    OpaAnswerError,
    *CLIENT_ERRORS,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    OSError,
)


@contextmanager
def opa_call(url: str, timeout: float, action: str, subject: str | None = None) -> Iterator[None]:
    """Run one exchange with OPA; any failure becomes an EngineError naming ``action``."""
    try:
        yield
    except _HANDLED as exc:
        raise engine_error(exc, url=url, timeout=timeout, action=action, subject=subject) from None
