"""Audit store benchmarks. Prints medians; nothing here is asserted.

    .venv/bin/python benchmarks/bench_audit.py [--events 1000000] [--repeat 3] [--keep DIR]

Builds a store of N realistic check events (~750-byte payloads: digests, engine, decision,
one finding) through the library's own append path in 100k-event transactions, then measures:
SQL verify, Python verify, appending a 100-event run (record_events, checkpoint file included),
storage per 1M events, a Parquet export, ``govctl audit verify`` through the CLI (both
verifiers, git anchor included) and the git scan of 1,000 committed checkpoints. Targets
(2 cores): ≤ 3 s, ≤ 10 s, ≤ 250 ms, ≤ 300 MiB, ≤ 5 s, ≤ 3 s, ≤ 0.5 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from govctl.audit.anchor import read_anchor
from govctl.audit.api import EventDraft, record_events
from govctl.audit.chain import scan_python, scan_sql
from govctl.audit.checkpoints import Checkpoint
from govctl.audit.export import export_events
from govctl.audit.paths import audit_paths
from govctl.audit.payload import build_payload, format_time, payload_text
from govctl.audit.store import open_writer
from govctl.models.config import AuditSettings

CHUNK = 100_000
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def draft(i: int) -> EventDraft:
    return EventDraft(
        type="check",
        actor=f"user{i % 17}@example.com",
        commit=hashlib.sha1(str(i).encode()).hexdigest(),
        ref="refs/heads/main",
        registry_digest="sha256:" + hashlib.sha256(str(i // 100).encode()).hexdigest(),
        policy_digest="sha256:" + hashlib.sha256(b"policies").hexdigest(),
        engine_name="embedded",
        engine_version="1.5.2",
        now="2026-11-22T00:00:00+00:00",
        decision={
            "exitCode": 1 if i % 3 == 0 else 0,
            "summary": {"artifacts": 42, "errors": i % 3, "warnings": 2, "infos": 0, "waived": 0},
        },
        findings=[
            {
                "rule": "GOV-EVL-003",
                "severity": "warning",
                "ref": "Deployment/support-eu-prod",
                "path": "spec.evalSuite",
                "line": 12,
                "column": 3,
                "waived": False,
                "fingerprint": hashlib.md5(str(i % 50).encode()).hexdigest(),
            }
        ],
    )


def payload_texts(start: int, count: int, base: datetime) -> list[str]:
    # Building every payload through rfc8785 would take minutes: canonicalise one template
    # per run and substitute fixed-width fields (the result is still canonical JSON).
    template = payload_text(build_payload(draft(0), time="T" * 27, run="R" * 32))
    out = []
    for i in range(start, start + count):
        text = template.replace("T" * 27, format_time(base + timedelta(seconds=i)))
        text = text.replace("R" * 32, f"{i // 100:032x}")
        commit = hashlib.sha1(str(i).encode()).hexdigest()
        text = text.replace(hashlib.sha1(b"0").hexdigest(), commit)
        text = text.replace('"user0@example.com"', f'"user{i % 17}@example.com"')
        out.append(text)
    return out


def git(root: Path, *args: str, stdin: bytes | None = None) -> None:
    env = {**os.environ, **GIT_IDENTITY}
    subprocess.run(["git", *args], cwd=root, input=stdin, env=env, check=True, capture_output=True)


def build(root: Path, events: int) -> AuditSettings:
    """A recorder's repository whose store holds ``events`` events, sealed like govctl seals
    them (each 100k-event transaction with its checkpoint row)."""
    settings = AuditSettings(lockTimeoutSeconds=60, role="recorder")
    db = root / settings.path
    base = datetime(2026, 1, 1, tzinfo=UTC)
    started = time.perf_counter()
    git(root, "init", "-q", "-b", "main")
    (root / "govctl.yaml").write_text("apiVersion: govctl/v1\nkind: Config\n", "utf-8")
    with open_writer(db, shown=settings.path, timeout=60, origin="bench", now=base) as session:
        for start in range(0, events, CHUNK):
            with session.transaction() as tx:
                done = tx.append(payload_texts(start, min(CHUNK, events - start), base))
                tx.add_checkpoint_row(
                    origin=session.origin,
                    size=done.last_seq,
                    head=done.head,
                    time=format_time(base),
                    key_id=None,
                    signature=None,
                )
    print(f"built {events} events in {time.perf_counter() - started:.1f} s")
    return settings


def checkpoint_history(root: Path, count: int) -> Path:
    """A repository with ``count`` commits, each adding one checkpoint file (git fast-import:
    the release workflow's history, without running it ``count`` times)."""
    repo = root / "anchor"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    stream = []
    for i in range(1, count + 1):
        head = hashlib.sha256(str(i).encode()).hexdigest()
        cp = Checkpoint("bench", i * 100, head, "2026-01-01T00:00:00.000000Z")
        data = (json.dumps(cp.to_json(), indent=2, sort_keys=True) + "\n").encode()
        stream.append(
            f"commit refs/heads/main\ncommitter b <b@example.com> {1767225600 + i} +0000\n"
            f"data 11\ncheckpoint\n"
            f"M 100644 inline audits/checkpoints/{cp.file_name}\ndata {len(data)}\n"
        )
        stream.append(data.decode() + "\n")
    git(repo, "fast-import", "--quiet", stdin="".join(stream).encode())
    git(repo, "reset", "-q", "--hard", "main")  # the work tree as a clone has it
    return repo


def cpu_seconds() -> float:
    """CPU time of this process and its finished children: on a shared, loaded machine wall
    time says little, CPU time is what the run costs."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(func: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds of ``repeat`` calls."""
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, started = cpu_seconds(), time.perf_counter()
        func()
        walls.append(time.perf_counter() - started)
        cpus.append(cpu_seconds() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def anchor_scan(root: Path, count: int, repeat: int) -> tuple[float, float]:
    repo = checkpoint_history(root, count)
    paths = audit_paths(AuditSettings(), repo)
    anchor = read_anchor(paths)
    assert len(anchor.checkpoints) == count and not anchor.problems, anchor.problems[:3]
    return timed(lambda: read_anchor(paths), repeat)


def cli_verify(root: Path, repeat: int) -> tuple[float, float]:
    """``govctl audit verify --no-record`` as users run it: a new process, both verifiers."""
    command = [sys.executable, "-m", "govctl", "-C", str(root), "audit", "verify", "--no-record"]

    def once() -> None:
        done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr

    return timed(once, repeat)


def median_seconds(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--events", type=int, default=1_000_000, help="Events in the store (default: 1000000)."
    )
    parser.add_argument("--repeat", type=int, default=3, help="Runs per measure; the median.")
    parser.add_argument("--keep", type=Path, help="Build the store in this folder and keep it.")
    parser.add_argument(
        "--checkpoints", type=int, default=1000,
        help="Committed checkpoints in the git scan measure (default: 1000).",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.bytecode import compile_package

    compile_package()  # time the command as installed: with its bytecode
    root = args.keep or Path(tempfile.mkdtemp(prefix="govctl-bench-"))
    try:
        settings = build(root, args.events)
        db = root / settings.path
        size_mib = db.stat().st_size / 2**20
        sample = duckdb.connect(str(db), read_only=True)
        avg = sample.execute("SELECT avg(strlen(payload)) FROM event_log").fetchall()[0][0]
        sql_s = median_seconds(lambda: scan_sql(sample), args.repeat)
        py_s = median_seconds(lambda: scan_python(sample), args.repeat)
        assert scan_sql(sample) == scan_python(sample)
        sample.close()
        run = [draft(i) for i in range(100)]
        append_times = []
        for _ in range(max(args.repeat, 9)):
            started = time.perf_counter()
            record_events(settings, root, run)
            append_times.append(time.perf_counter() - started)
        git(root, "add", "audits/checkpoints")
        git(root, "commit", "-q", "-m", "checkpoints")
        cli_s, cli_cpu = cli_verify(root, args.repeat)
        anchor_s, anchor_cpu = anchor_scan(root, args.checkpoints, args.repeat)
        out = root / "exports"

        def export() -> None:
            shutil.rmtree(out, ignore_errors=True)
            export_events(
                db,
                shown="db",
                timeout=60,
                out_dir=out,
                fmt="parquet",
                since=None,
                until=None,
                created_at="now",
            )

        export_s = median_seconds(export, args.repeat)
        per_million = size_mib * 1_000_000 / args.events
        print(f"payload average: {avg:.0f} bytes")
        print(f"verify SQL ({args.events} events):     {sql_s:6.2f} s   (target <= 3 s)")
        print(f"verify Python ({args.events} events):  {py_s:6.2f} s   (target <= 10 s)")
        print(
            f"append 100-event run (median of {len(append_times)}): "
            f"{statistics.median(append_times) * 1000:6.0f} ms  (target <= 250 ms)"
        )
        print(
            f"storage: {size_mib:.0f} MiB = {per_million:.0f} MiB per 1M events (target <= 300 MiB)"
        )
        print(f"export Parquet ({args.events} events): {export_s:6.2f} s   (target <= 5 s)")
        print(
            f"`govctl audit verify` CLI, both verifiers ({args.events} events): "
            f"{cli_s:6.2f} s wall, {cli_cpu:.2f} s CPU   (target <= 3 s wall)"
        )
        print(
            f"git checkpoint scan ({args.checkpoints} committed checkpoints): "
            f"{anchor_s:6.3f} s wall, {anchor_cpu:.3f} s CPU   (target <= 0.5 s)"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
