"""Putting a policy bundle on an OPA server, under a name derived from its content.

Naming. A bundle is uploaded under the package root ``govctl_<key>`` (see ``opa_namespace``)
with policy ids ``govctl/<key>/<n>``, where ``key`` hashes every module path and source. Two runs
with different bundles — two repositories, a policy change under review next to main — never see
each other's rules; two runs with the same bundle share identical modules, so sharing cannot
change a decision, and the second run skips the upload (each PUT recompiles every module on the
server: uploading the catalog costs about a second, removing it again as much).

State. ``data.govctl_namespaces[key]`` records ``{"complete", "lastUsed"}``. It is written
(incomplete) before the first module goes up and marked complete after the last, so a namespace
interrupted half-way is completed by the next run instead of being trusted. Concurrent uploads of
the same bundle are idempotent PUTs of identical text.

Order. OPA's REST API has no multi-module upload and compiles each module against what is already
there, so modules go up dependencies first (a rejected module is retried while others still make
progress), the generated entry modules last.

Cleanup. Every run removes namespaces unused for ``STALE_AFTER_SECONDS``, and the least recently
used beyond ``MAX_NAMESPACES``: each upload recompiles every module on the server, so a shared
server that kept every bundle it ever saw (a policy change per pull request) would get slower
with each one. A namespace goes record first (so no run trusts it any more), then its modules
newest first (OPA refuses to delete a module another one still needs; the entry modules go
first, so a half-removed namespace can only answer "undefined", which govctl treats as a
failure, never as a pass).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from opa_client import OpaClient
from opa_client.errors import PolicyNotFoundError, RegoParseError

from govctl.errors import EngineError, PolicyError
from govctl.policy.opa_errors import OpaProblem, opa_call, problems_of
from govctl.policy.opa_namespace import RelocatedModule, relocate, unprefix

ID_ROOT = "govctl"
LAYOUT = "govctl-opa-layout-1"  # bump when relocation or the generated modules change
RECORDS = "govctl_namespaces"
STALE_AFTER_SECONDS = 24 * 3600
MAX_NAMESPACES = 8  # bundles kept on one server, this run's included
_DATA_REF = re.compile(r"\bdata\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)")
_PACKAGE = re.compile(r"^\s*package\s+([A-Za-z_][\w.]*)", re.MULTILINE)
_POLICY_ID = re.compile(rf"^{ID_ROOT}/([0-9a-f]+)/(\d+)$")


def dependency_order(sources: Mapping[str, str]) -> list[str]:
    """Module paths, each after the modules whose packages it references (when acyclic)."""
    package_of = {path: m.group(1) for path, src in sources.items() if (m := _PACKAGE.search(src))}
    providers: dict[str, set[str]] = {}
    for path, package in package_of.items():
        providers.setdefault(package, set()).add(path)
    needs: dict[str, set[str]] = {}
    for path, source in sources.items():
        wanted: set[str] = set()
        for ref in _DATA_REF.findall(source):
            parts = ref.split(".")
            for cut in range(len(parts), 0, -1):
                wanted |= providers.get(".".join(parts[:cut]), set())
        needs[path] = {p for p in wanted if package_of.get(p) != package_of.get(path)}
    ordered: list[str] = []
    remaining = list(sources)
    while remaining:
        placed = set(ordered)
        ready = [p for p in remaining if needs[p] <= placed] or remaining[:1]
        ordered.extend(ready)
        remaining = [p for p in remaining if p not in ready]
    return ordered


@dataclass(frozen=True)
class Layout:
    """Where a bundle lives on OPA: its key, package root, policy ids and relocated sources."""

    key: str
    namespace: str
    order: tuple[str, ...]  # module paths in upload order
    ids: Mapping[str, str]  # module path → policy id
    relocated: Mapping[str, RelocatedModule]
    # The bundle's data, as (path under the namespace, document) pairs: two levels deep, so a
    # document never lands on a package path (data.govctl.parameters next to govctl.lib).
    documents: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, sources: Mapping[str, str], data: Mapping[str, Any] | None = None) -> Layout:
        digest = hashlib.sha256(LAYOUT.encode())
        for path in sorted(sources):
            for part in (path, sources[path]):
                encoded = part.encode("utf-8")
                digest.update(len(encoded).to_bytes(8, "big") + encoded)
        documents = tuple(
            (f"{top}/{sub}", value)
            for top, inner in sorted((data or {}).items())
            if isinstance(inner, dict)
            for sub, value in sorted(inner.items())
        )
        if documents:  # the data is part of the key: another value is another namespace
            text = json.dumps(documents, sort_keys=True, ensure_ascii=False).encode("utf-8")
            digest.update(len(text).to_bytes(8, "big") + text)
        key = digest.hexdigest()[:24]
        namespace = f"{ID_ROOT}_{key}"
        order = tuple(dependency_order(sources))
        return cls(
            key=key,
            namespace=namespace,
            order=order,
            ids={path: f"{ID_ROOT}/{key}/{n}" for n, path in enumerate(order)},
            relocated={path: relocate(sources[path], namespace) for path in order},
            documents=documents,
        )

    @property
    def paths(self) -> dict[str, str]:
        """Policy id → module path."""
        return {pid: path for path, pid in self.ids.items()}

    def locate(self, problem: OpaProblem) -> str:
        """``file:line[:column]`` in the author's source for a problem OPA reported, or ''."""
        path = self.paths.get(problem.file or "")
        if path is None or not problem.row:
            return ""
        column = problem.col
        if column:
            column = self.relocated[path].original_column(problem.row, column)
        return f"{path}:{problem.row}" + (f":{column}" if column else "")

    def readable(self, message: str) -> str:
        """An OPA message in the author's terms: package names without the private root, and
        policy ids (``govctl/<key>/<n>:row:col``, e.g. in "package annotation redeclared")
        replaced by the module's file and line."""

        def file_line(match: re.Match[str]) -> str:
            path = self.paths.get(match.group(1))
            if path is None:
                return match.group(0)
            row, col = match.group(2), match.group(3)
            if not row:
                return path
            column = self.relocated[path].original_column(int(row), int(col)) if col else None
            return f"{path}:{row}" + (f":{column}" if column else "")

        text = re.sub(rf"\b({ID_ROOT}/{self.key}/\d+)(?::(\d+)(?::(\d+))?)?", file_line, message)
        return " ".join(unprefix(text, self.namespace).split())

    def rejection(self, rejected: Mapping[str, tuple[OpaProblem, ...]]) -> PolicyError:
        """The most telling of OPA's rejections: a parse error first, else the first in order."""
        found = [
            (path, p)
            for path, ps in rejected.items()
            for p in ps
            if p.message != "error limit reached"
        ]
        found.sort(key=lambda item: item[1].code != "rego_parse_error")
        if not found:
            return PolicyError("OPA rejected the policy module", file=next(iter(rejected)))
        path, problem = found[0]
        where = self.paths.get(problem.file or "", path)
        line = problem.row or None
        column = None
        if line and problem.col:
            column = self.relocated[where].original_column(line, problem.col) or None
        message = self.readable(problem.message)
        return PolicyError(
            f"OPA rejected the policy: {problem.code}: {message}",
            file=where,
            line=line,
            column=column,
        )


def namespaces_to_remove(records: Mapping[str, Any], current: str, now: float) -> list[str]:
    """Keys of the namespaces to remove: unused for ``STALE_AFTER_SECONDS``, or beyond the
    ``MAX_NAMESPACES - 1`` most recently used others (``current`` is never one). Records that are
    not govctl's shape (no integer ``lastUsed``) are left alone."""
    others = sorted(
        (
            (record["lastUsed"], key)
            for key, record in records.items()
            if key != current
            and isinstance(record, dict)
            and isinstance(record.get("lastUsed"), int)
        ),
        reverse=True,
    )
    return [
        key
        for rank, (used, key) in enumerate(others)
        if rank >= MAX_NAMESPACES - 1 or now - used > STALE_AFTER_SECONDS
    ]


class OpaPolicies:
    """The bundle's namespace on one OPA server."""

    def __init__(self, client: OpaClient, url: str, timeout: float, layout: Layout) -> None:
        self.client = client
        self.url = url
        self.timeout = timeout
        self.layout = layout
        self.asts: dict[str, Any] = {}  # module path → OPA's AST of it (govctl.policy.opa_heads)

    def ensure(self, now: float) -> bool:
        """Make the namespace complete on the server; True when this run uploaded it."""
        record = self._record(self.layout.key)
        self._write_record(
            self.layout.key, complete=bool(record and record.get("complete")), now=now
        )
        if record and record.get("complete") is True and self._intact():
            return False
        self._upload()
        if not self._intact():  # read back: the ASTs, and proof nobody replaced a module
            raise EngineError(
                "uploading policies: OPA does not hold the modules govctl uploaded "
                "(another client changed them during the run?)",
                engine="opa",
            )
        self._write_record(self.layout.key, complete=True, now=now)
        return True

    def _record(self, key: str) -> dict[str, Any] | None:
        with opa_call(self.url, self.timeout, "reading govctl's namespace records"):
            try:
                body = self.client.get_data(f"{RECORDS}/{key}")
            except PolicyNotFoundError as exc:
                if exc.expression == "PolicyNotFoundError":  # the client's code for "undefined"
                    return None
                raise
            value = body["result"]
            return value if isinstance(value, dict) else None

    def _write_record(self, key: str, *, complete: bool, now: float) -> None:
        with opa_call(self.url, self.timeout, "writing govctl's namespace record"):
            self.client.update_or_create_data(
                {"complete": complete, "lastUsed": int(now)}, f"{RECORDS}/{key}"
            )

    def _intact(self) -> bool:
        """Every module is on the server with exactly the expected text (nobody removed or
        replaced one since the namespace was completed)."""
        for path in self.layout.order:
            with opa_call(self.url, self.timeout, "checking uploaded policies"):
                try:
                    policy = self.client.get_policy(self.layout.ids[path])
                except PolicyNotFoundError:
                    return False
                if policy["result"]["raw"] != self.layout.relocated[path].source:
                    return False
                self.asts[path] = policy["result"].get("ast")
        for path, value in self.layout.documents:
            with opa_call(self.url, self.timeout, "checking uploaded data"):
                try:
                    found = self.client.get_data(f"{self.layout.namespace}/{path}")
                except PolicyNotFoundError:
                    return False
                if found.get("result") != value:
                    return False
        return True

    def _upload(self) -> None:
        for path, value in self.layout.documents:
            with opa_call(self.url, self.timeout, "uploading policy data"):
                self.client.update_or_create_data(value, f"{self.layout.namespace}/{path}")
        pending = list(self.layout.order)
        while pending:
            rejected: dict[str, tuple[OpaProblem, ...]] = {}
            for path in pending:
                problems = self._put(self.layout.ids[path], self.layout.relocated[path].source)
                if problems:
                    rejected[path] = problems
            if len(rejected) == len(pending):
                raise self.layout.rejection(rejected)
            pending = [p for p in pending if p in rejected]

    def _put(self, policy_id: str, source: str) -> tuple[OpaProblem, ...]:
        with opa_call(self.url, self.timeout, "uploading policies"):
            try:
                # rego_compat=False: the client must never rewrite what the author wrote.
                self.client.update_policy_from_string(source, policy_id, rego_compat=False)
            except RegoParseError as exc:
                found = problems_of({"errors": exc.errors})
                return found or (
                    OpaProblem(str(exc.expression), str(exc.message), policy_id, None, None),
                )
        return ()

    def remove_stale(self, now: float) -> list[str]:
        """Remove the namespaces ``namespaces_to_remove`` names; their keys."""
        with opa_call(self.url, self.timeout, "reading govctl's namespace records"):
            try:
                records = self.client.get_data(RECORDS)["result"]
            except PolicyNotFoundError:
                return []
        if not isinstance(records, dict):
            return []
        stale = namespaces_to_remove(records, self.layout.key, now)
        if not stale:
            return []
        with opa_call(self.url, self.timeout, "listing policies"):
            ids = [str(i) for i in self.client.get_policies_list()]
        removed = []
        for key in stale:
            try:
                self._remove_namespace(key, ids)
                removed.append(key)
            except EngineError:
                continue  # best effort; the next run tries again
        return removed

    def _remove_namespace(self, key: str, ids: list[str]) -> None:
        with opa_call(self.url, self.timeout, "removing a stale namespace record"):
            self.client.delete_data(f"{RECORDS}/{key}")
        mine = sorted(
            (
                (int(m.group(2)), pid)
                for pid in ids
                if (m := _POLICY_ID.match(pid)) and m.group(1) == key
            ),
            reverse=True,
        )
        pending = [pid for _, pid in mine]
        while pending:
            left = []
            for policy_id in pending:
                try:
                    with opa_call(self.url, self.timeout, "removing stale policies"):
                        self.client.delete_policy(policy_id)
                except EngineError:
                    left.append(policy_id)
            if len(left) == len(pending):
                raise EngineError(f"could not remove stale policies {left[0]}", engine="opa")
            pending = left
