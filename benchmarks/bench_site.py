"""Benchmark ``govctl site build`` on a generated registry: what the site costs on top of the check.

    python benchmarks/bench_site.py --artifacts 10000 [--registry DIR] [--repeat 1]

Each run is the real CLI in a fresh process, with ``--no-cache`` (a cold check) and ``--stats``.
It prints the stage timings (check, impact, gather, render+write) and the site's share — the
whole build minus its check stage — as wall time, plus the CPU time of the process tree (the
machine may be shared: CPU time is the steadier figure). Target: the site adds ≤ 10 s at 10k.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate_registry import generate

NOW = "2026-11-22T00:00:00+00:00"
POLICIES = Path(__file__).resolve().parent.parent / "govctl" / "catalog"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build_once(root: Path, out: Path) -> dict[str, float]:
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "govctl",
            "-C",
            str(root),
            "site",
            "build",
            "-o",
            str(out),
            "--now",
            NOW,
            "--no-cache",
            "--stats",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"site build failed ({done.returncode}): {done.stderr}")
    stages = {k: float(v) for k, v in re.findall(r"(\w+) ([0-9.]+)s", done.stderr)}
    print("  " + done.stdout.strip())
    return {"wall": wall, "cpu": cpu, **stages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--artifacts", type=int, default=10000,
        help="Size of the generated registry (default: 10000).",
    )
    parser.add_argument("--registry", type=Path, help="Reuse (or create) the registry here.")
    parser.add_argument("--repeat", type=int, default=1, help="Builds to time; the median.")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="govctl-bench-site-"))
    try:
        root = args.registry or work / "registry"
        if not (root / "govctl.yaml").is_file():
            count = generate(root, args.artifacts, POLICIES)
            print(f"generated {count} artifacts in {root}")
        runs = [build_once(root, work / "site") for _ in range(args.repeat)]
        pages = sum(1 for _ in (work / "site").rglob("*.html"))
        size = sum(p.stat().st_size for p in (work / "site").rglob("*") if p.is_file())
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        site_share = med["wall"] - med.get("check", 0.0)
        site_cpu = med.get("gather_cpu", 0.0) + med.get("render_cpu", 0.0)
        print(f"site build, {args.artifacts} artifacts: {pages} pages, {size / 1e6:.1f} MB")
        print(
            f"  whole build {med['wall']:.2f} s wall, {med['cpu']:.2f} s CPU; stages (wall/CPU): "
            + ", ".join(
                f"{k} {med[k]:.2f}/{med.get(k + '_cpu', 0.0):.2f} s"
                for k in ("check", "impact", "gather", "render")
                if k in med
            )
        )
        print(
            f"  the site on top of the check: {site_share:.2f} s wall, {site_cpu:.2f} s CPU "
            "(gather + render + write, all processes; target ≤ 10 s)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
