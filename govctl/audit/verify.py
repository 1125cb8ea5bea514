"""``govctl audit verify``: the chain, checked twice, and every checkpoint.

Problems found (each with the first bad sequence number where one applies):

- chain damage, named by ``govctl.audit.diagnose`` (modified, rehashed, deleted, ...);
- ``verifier-disagreement``: the SQL and Python verifiers did not agree (never expected);
- ``truncated``: the database's own checkpoint records more events than it holds;
- ``unsealed``: events past the database's newest checkpoint row. A govctl run commits its
  events and their checkpoint row in one transaction, so such events were added outside govctl
  (a forged tail chained onto the real head is caught here);
- ``rolled-back``: a checkpoint file records more events than the database holds (an older copy
  was restored, or the tail was cut together with its checkpoint records);
- ``replaced``: the database's event at a checkpoint's size has another hash than the checkpoint
  (the database was rewritten or replaced by a re-chained forgery);
- ``forked``: two checkpoints of the same origin and size disagree on the head;
- ``foreign-checkpoint`` / ``origin-mismatch``: checkpoints or configuration name another origin;
- ``unsigned``, ``wrong-key``, ``bad-signature``: signature problems (a public key is configured);
- ``view-altered``: the stored ``events`` view was redefined (what ad-hoc queries of the file
  would show is not the log);
- ``malformed-checkpoint``, ``missing``, ``not-a-file``: an unreadable checkpoint file; a store
  that is gone while checkpoints of it exist; a store path that is not a file;
- from the git anchor (``govctl.audit.anchor``): ``checkpoint-deleted``/``-rewritten`` in history,
  ``checkpoint-missing``/``-changed`` in the work tree, ``key-removed``, ``unpinned-key``.

Checkpoint copies come from the work tree and, unless ``--no-git``, from every committed version.

A file DuckDB cannot open or read raises ``AuditCorruptError`` instead: corruption, not tampering.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from govctl.audit.chain import GENESIS_PREV_HASH, ChainScan, scan_python, scan_sql
from govctl.audit.checkpoints import Checkpoint
from govctl.audit.diagnose import Row, diagnose
from govctl.audit.keys import signature_problem_any
from govctl.audit.problems import Problem
from govctl.audit.sqlutil import fetch_first
from govctl.audit.store import reading
from govctl.errors import AuditIntegrityError

# At one sequence number, the kind that explains the most comes first: damage to the rows
# themselves, then the database's own checkpoint records, then published checkpoint files.
KIND_ORDER = (
    "modified",
    "rehashed",
    "deleted",
    "renumbered",
    "swapped",
    "inserted",
    "duplicated",
    "truncated",
    "unsealed",
    "rolled-back",
    "replaced",
    "forked",
    "bad-signature",
    "wrong-key",
    "unsigned",
)


def _rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


@dataclass(frozen=True)
class VerifyReport:
    store: str
    origin: str | None
    size: int
    head: str | None
    sql: ChainScan | None
    python: ChainScan | None
    checkpoints_checked: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def first_problem(self) -> Problem | None:
        """The problem at the lowest sequence number; at equal ones, the most specific."""
        if not self.problems:
            return None
        return min(self.problems, key=lambda p: (p.seq is None, p.seq or 0, _rank(p.kind)))

    def raise_if_failed(self) -> None:
        first = self.first_problem()
        if first is None:
            return
        where = f"seq {first.seq}" if first.seq is not None else "checkpoints"
        more = len(self.problems) - 1
        raise AuditIntegrityError(
            f"audit store {self.store} failed verification at {where} ({first.kind}): "
            f"{first.message}" + (f" (and {more} more problem(s))" if more else ""),
            first_bad_seq=first.seq,
            kind=first.kind,
        )


@dataclass(frozen=True)
class CheckpointSource:
    checkpoint: Checkpoint
    source: str
    signed_copy: bool  # a file (checked for signatures) or the database's own record
    committed: bool = False  # a version read from git history (the anchor)


def rows_at(con: duckdb.DuckDBPyConnection, positions: Iterable[int], table: str) -> dict[int, Row]:
    wanted = sorted({p for p in positions if p >= 1})
    if not wanted:
        return {}
    rows = con.execute(
        f"""SELECT pos, seq, prev_hash, hash, payload FROM (
              SELECT row_number() OVER (ORDER BY seq NULLS LAST, rowid) AS pos, *
              FROM {table}) WHERE list_contains(?, pos)""",
        [wanted],
    ).fetchall()
    return {int(r[0]): (r[1], r[2], r[3], r[4]) for r in rows}


def both_scans(
    con: duckdb.DuckDBPyConnection, table: str, *, start_seq: int, start_prev: str
) -> tuple[ChainScan, ChainScan]:
    """The two verifiers side by side: DuckDB releases the GIL while its query runs, so the SQL
    verifier (on its own cursor, in a thread) and the Python one (hashing in this thread) use
    both cores instead of running one after the other."""
    cursor = con.cursor()
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            sql = pool.submit(scan_sql, cursor, table, start_seq=start_seq, start_prev=start_prev)
            py = scan_python(con, table, start_seq=start_seq, start_prev=start_prev)
            return sql.result(), py
    finally:
        cursor.close()


def chain_problems(
    con: duckdb.DuckDBPyConnection,
    table: str = "event_log",
    *,
    start_seq: int = 1,
    start_prev: str = GENESIS_PREV_HASH,
) -> tuple[ChainScan, ChainScan, list[Problem]]:
    sql, py = both_scans(con, table, start_seq=start_seq, start_prev=start_prev)
    problems: list[Problem] = []
    if sql != py:
        problems.append(
            Problem(
                "verifier-disagreement",
                None,
                f"SQL verifier found {sql}, Python verifier found {py}",
            )
        )
    brk = sql.first_break or py.first_break
    if brk is not None:
        window = range(brk.position - 1, brk.position + 2)
        cache = rows_at(con, window, table)

        def row_at(position: int) -> Row | None:
            if position not in cache:
                cache.update(rows_at(con, [position], table))
            return cache.get(position)

        damage = diagnose(brk, row_at, start_seq=start_seq)
        problems.append(Problem(damage.kind, damage.seq, damage.message))
    return sql, py, problems


def hashes_at(con: duckdb.DuckDBPyConnection, sizes: Iterable[int], table: str) -> dict[int, str]:
    wanted = sorted({s for s in sizes if s > 0})
    found: dict[int, str] = {0: GENESIS_PREV_HASH}
    if wanted:
        rows = con.execute(
            f"SELECT seq, hash FROM {table} WHERE list_contains(?, seq) ORDER BY rowid DESC",
            [wanted],
        ).fetchall()
        found.update({int(seq): str(h) for seq, h in rows})
    return found


@dataclass(frozen=True)
class Evidence:
    """What a store is checked against: checkpoint copies (work tree files and, when git anchors
    the trail, every committed version), the trusted keys, and problems already found there."""

    copies: tuple[tuple[str, Checkpoint | None, str | None], ...]  # (source, checkpoint, error)
    keys: dict[str, Ed25519PublicKey] | None
    problems: tuple[Problem, ...] = ()
    expected_origin: str | None = None
    committed: int = 0  # the first ``committed`` copies come from git


def _copy_problems(
    evidence: Evidence, origin: str | None
) -> tuple[list[CheckpointSource], list[Problem]]:
    sources: list[CheckpointSource] = []
    problems: list[Problem] = []
    checked: set[Checkpoint] = set()  # the same checkpoint in git and the work tree: once
    for index, (name, cp, error) in enumerate(evidence.copies):
        if cp is None:
            problems.append(Problem("malformed-checkpoint", None, error or "", name))
            continue
        if cp in checked:
            continue
        checked.add(cp)
        if origin is not None and cp.origin != origin:
            problems.append(
                Problem(
                    "foreign-checkpoint",
                    None,
                    f"checkpoint of origin {cp.origin!r}, but the trail is {origin!r}: the "
                    "database was replaced, or another store writes to this checkpoints folder",
                    name,
                )
            )
            continue
        if evidence.keys is not None and (bad := signature_problem_any(cp, evidence.keys)):
            problems.append(Problem(bad[0], cp.size, bad[1], name))
        sources.append(CheckpointSource(cp, name, True, index < evidence.committed))
    return sources, problems


def fork_problems(sources: list[CheckpointSource]) -> list[Problem]:
    """Published checkpoints (files) that disagree; the database's own rows are compared with
    them by ``consistency_problems`` instead (a database that disagrees was replaced)."""
    by_size: dict[tuple[str, int], dict[str, str]] = defaultdict(dict)
    for src in (s for s in sources if s.signed_copy):
        by_size[(src.checkpoint.origin, src.checkpoint.size)].setdefault(
            src.checkpoint.head, src.source
        )
    problems = []
    for (_, size), heads in sorted(by_size.items()):
        if len(heads) > 1:
            shown = ", ".join(f"{h[:12]}… in {s}" for h, s in sorted(heads.items()))
            problems.append(
                Problem(
                    "forked", size, f"checkpoints of size {size} disagree: {shown}", "checkpoints"
                )
            )
    return problems


def consistency_problems(
    sources: list[CheckpointSource], size: int, hashes: dict[int, str]
) -> list[Problem]:
    problems: list[Problem] = []
    good = sorted(
        s.checkpoint.size
        for s in sources
        if s.checkpoint.size <= size and hashes.get(s.checkpoint.size) == s.checkpoint.head
    )
    # A published copy the database agrees with, per size: another copy of that size that
    # disagrees is a fork (reported by fork_problems), not a replaced database — unless it is
    # committed and the agreeing ones are not: git is the anchor.
    agreeing: dict[int, bool] = {}
    for src in sources:
        cp = src.checkpoint
        if src.signed_copy and cp.size <= size and hashes.get(cp.size) == cp.head:
            agreeing[cp.size] = agreeing.get(cp.size, False) or src.committed
    for src in sorted(sources, key=lambda s: s.checkpoint.size):
        cp = src.checkpoint
        if cp.size in agreeing and src.signed_copy and agreeing[cp.size] >= src.committed:
            continue
        if cp.size > size:
            kind = "rolled-back" if src.signed_copy else "truncated"
            problems.append(
                Problem(
                    kind,
                    size + 1,
                    f"the database ends at seq {size} but this checkpoint records {cp.size} events"
                    + (
                        ": an older copy was restored, or the tail was cut"
                        if src.signed_copy
                        else ": events were cut from the tail"
                    ),
                    src.source,
                )
            )
        elif hashes.get(cp.size) != cp.head:
            below = max((g for g in good if g < cp.size), default=0)
            problems.append(
                Problem(
                    "replaced",
                    cp.size,
                    f"the database's event {cp.size} has another hash than this checkpoint "
                    f"({cp.head[:12]}…): events {below + 1}..{cp.size} were rewritten or the "
                    "database replaced",
                    src.source,
                )
            )
    return problems


def view_problems(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """The stored ``events`` view must be govctl's (readers use their own TEMP copy anyway)."""
    rows = con.execute(
        "SELECT temporary, sql FROM duckdb_views() WHERE view_name = 'events' AND NOT internal"
    ).fetchall()
    ours = [str(sql).replace("CREATE TEMP VIEW", "CREATE VIEW", 1) for temp, sql in rows if temp]
    stored = [str(sql) for temp, sql in rows if not temp]
    if stored == ours:
        return []
    message = (
        "the stored `events` view is not govctl's definition: it was redefined to change what "
        "queries of it show (govctl's readers use their own definition)"
    )
    return [Problem("view-altered", None, message, "schema")]


def unsealed_problems(sealed: int, size: int) -> list[Problem]:
    if size <= sealed:
        return []
    message = (
        f"events {sealed + 1}..{size} are covered by no checkpoint of the database: govctl "
        "commits a run's events together with their checkpoint, so they were added outside govctl"
    )
    return [Problem("unsealed", sealed + 1, message, "database checkpoints")]


def verify_open_store(
    con: duckdb.DuckDBPyConnection, *, store: str, evidence: Evidence
) -> VerifyReport:
    origin_row = fetch_first(con, "SELECT value FROM audit_meta WHERE key = 'origin'")
    origin = str(origin_row[0]) if origin_row else None
    sql, py, problems = chain_problems(con)
    problems += evidence.problems
    expected = evidence.expected_origin
    if expected is not None and origin != expected:
        problems.append(
            Problem(
                "origin-mismatch",
                None,
                f"the database's origin is {origin!r}, but the trail's is {expected!r} (the "
                "configuration, or the first committed checkpoint): the database was replaced",
                "audit_meta",
            )
        )
    sources, copy_problems = _copy_problems(evidence, expected or origin)
    problems += copy_problems
    db_rows = con.execute("SELECT origin, size, head, time FROM checkpoints").fetchall()
    sources += [
        CheckpointSource(Checkpoint(str(o), int(s), str(h), str(t)), "database checkpoints", False)
        for o, s, h, t in db_rows
    ]
    size = sql.last_seq or 0
    hashes = hashes_at(con, (s.checkpoint.size for s in sources), "event_log")
    problems += consistency_problems(sources, size, hashes)
    problems += view_problems(con)
    problems += unsealed_problems(max((int(s) for _, s, _, _ in db_rows), default=0), size)
    problems += fork_problems(sources)
    return VerifyReport(
        store, origin, size, sql.head, sql, py, len(evidence.copies), tuple(problems)
    )


def _absent_store_problems(db_path: Path, store: str, evidence: Evidence) -> list[Problem]:
    if db_path.exists():
        return [
            Problem(
                "not-a-file",
                None,
                f"the audit store path {store} exists but is not a file",
                store,
            )
        ]
    if not evidence.copies:
        return []  # nothing recorded and nothing committed: nothing to verify
    where = f"{evidence.committed} committed" if evidence.committed else "existing"
    return [
        Problem(
            "missing",
            None,
            f"store missing: {store} is gone but {where} checkpoint file(s) record events "
            "(restore the database, e.g. from the audit branch)",
            store,
        )
    ]


def verify_store(db_path: Path, *, shown: str, evidence: Evidence, timeout: float) -> VerifyReport:
    """Verify the store at ``db_path`` against itself and every checkpoint copy."""
    if not db_path.is_file():
        problems = tuple(_absent_store_problems(db_path, shown, evidence)) + evidence.problems
        return VerifyReport(shown, None, 0, None, None, None, len(evidence.copies), problems)
    with reading(db_path, shown=shown, timeout=timeout) as con:
        return verify_open_store(con, store=shown, evidence=evidence)
