"""Benchmark ``govctl check`` on generated registries against the performance targets.

For each size it prints medians of: load+validate (cold, no cache), cold check, warm check
(unchanged registry), one-file-change check, and the stage split (policies / load / resolve /
evaluate / locate) of the cold run, the CPU split of loading (parse YAML / validate / digest, on
one core), plus the peak proportional resident memory (PSS) of the
checking process tree (govctl and its workers), sampled every 50 ms in a separate cold run.

    python benchmarks/bench_check.py --sizes 1000 10000 --repeat 3
    python benchmarks/bench_check.py --sizes 50000 --repeat 1      # memory bound at 50k
    python benchmarks/bench_check.py --sizes 10000 --deployments 260   # ~25% deployments
    python benchmarks/bench_check.py --sizes 10000 --compare-engines embedded regopy

Each measurement runs the real CLI in a fresh process (what users run), so imports and process
start-up are included. The machine is noisy: compare figures from one run, not across runs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bytecode import compile_package
from benchmarks.generate_registry import generate

NOW = "2026-11-22T00:00:00+00:00"
POLICIES = Path(__file__).resolve().parent.parent / "govctl" / "catalog"


def _tree_rss_kib(pid: int) -> int:
    """Proportional resident memory (PSS) of a process and its descendants (Linux /proc).

    PSS, not RSS: forked workers share the parent's pages, and RSS would count them twice.
    """
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return total


PEAK_KIB = [0]


def govctl(root: Path, *args: str, sample: bool = False) -> tuple[float, dict[str, float], int]:
    """Run one check; return wall seconds, stage timings and the exit code.

    With ``sample``, a thread records the peak PSS of the process tree every 50 ms. Reading
    smaps_rollup is itself costly (it competed with the check for the 2 cores and added ~50% to
    the cold time), so timed runs never sample: memory has its own cold run.
    """
    start = time.perf_counter()
    proc_handle = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "govctl",
            "-C",
            str(root),
            "check",
            "--now",
            NOW,
            "--no-audit",
            "--format",
            "json",
            "--output",
            str(root / "out.json"),
            "--stats",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            PEAK_KIB[0] = max(PEAK_KIB[0], _tree_rss_kib(proc_handle.pid))
            stop.wait(0.05)

    sampler = threading.Thread(target=poll, daemon=True)
    if sample:
        sampler.start()
    stdout, stderr = proc_handle.communicate()
    stop.set()
    if sample:
        sampler.join()
    proc = subprocess.CompletedProcess(proc_handle.args, proc_handle.returncode, stdout, stderr)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"govctl failed ({proc.returncode}): {proc.stderr.strip()}")
    stages: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if line.startswith("govctl: ") and " evaluated " in line:
            for part in line[8:].split(";")[0].split(", "):
                name, value = part.rsplit(" ", 1)
                stages[name] = float(value.rstrip("s"))
    return wall, stages, proc.returncode


def load_only(root: Path) -> float:
    code = (
        "import time; from pathlib import Path; t=time.perf_counter();"
        "from govctl.config import load_config; from govctl.loader.load import load_registry,"
        " LoadSettings; from govctl.loader.source import WorkTreeSource;"
        f"r=Path({str(root)!r}); c=load_config(r/'govctl.yaml');"
        "res=load_registry(WorkTreeSource(r), c, LoadSettings());"
        "print(time.perf_counter()-t, len(res.registry))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(proc.stdout.split()[0])


def load_cpu_split(root: Path) -> dict[str, float]:
    """CPU seconds of the load stage's parts, on one core: parse YAML, validate, digest.

    The cold check runs them in worker processes on both cores; this shows which one dominates.
    """
    code = (
        "import time, json; from pathlib import Path; "
        "from govctl.loader.yamlparse import parse_yaml, YamlLimits; "
        "from govctl.loader.validate import validate_document; "
        "from govctl.loader.documents import _classify; from govctl.canonical import digest_json; "
        f"files = sorted(Path({str(root / 'registry')!r}).rglob('*.yaml')) + "
        f"sorted(Path({str(root / 'prompts')!r}).rglob('*.yaml')); "
        "texts = [f.read_text() for f in files]; t = time.process_time(); "
        "parsed = [d.value for x in texts for d in parse_yaml(x, YamlLimits()).documents]; "
        "p = time.process_time() - t; docs = [(_classify(v)[0], v) for v in parsed]; "
        "docs = [(k, v) for k, v in docs if k]; t = time.process_time(); "
        "[validate_document(k, v) for k, v in docs]; vt = time.process_time() - t; "
        "t = time.process_time(); [digest_json(v) for _, v in docs]; "
        "print(json.dumps({'parse': p, 'validate': vt, 'digest': time.process_time() - t}))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {k: round(v, 3) for k, v in json.loads(proc.stdout).items()}


def touch_one(root: Path) -> None:
    """A one-file change: a deployment's rate limit moves (its own closure only)."""
    file = sorted((root / "registry" / "deployments").glob("*.yaml"))[0]
    text = file.read_text()
    if "requestsPerMinute: 600" in text:
        file.write_text(text.replace("requestsPerMinute: 600", "requestsPerMinute: 601"))
    else:
        file.write_text(text.replace("requestsPerMinute: 601", "requestsPerMinute: 600"))


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def bench(size: int, repeat: int, workdir: Path, deployments: int = 150) -> dict[str, object]:
    root = workdir / f"reg{size}-d{deployments}"
    # The built-in catalog (not a copy under policies/): the embedded engine then evaluates the
    # shipped precompiled Wasm module, as for most repositories.
    count = generate(root, size, None, deployments=deployments)
    results: dict[str, list[float]] = {"load": [], "cold": [], "warm": [], "one_file": []}
    split: list[dict[str, float]] = []
    for _ in range(repeat):
        results["load"].append(load_only(root))
        shutil.rmtree(root / ".govctl-cache", ignore_errors=True)
        wall, stages, _ = govctl(root)
        results["cold"].append(wall)
        split.append(stages)
        wall, _, _ = govctl(root)
        results["warm"].append(wall)
        touch_one(root)
        wall, _, _ = govctl(root)
        results["one_file"].append(wall)
    shutil.rmtree(root / ".govctl-cache", ignore_errors=True)
    govctl(root, sample=True)  # memory: one more cold run, sampled
    peak_mib = PEAK_KIB[0] / 1024
    PEAK_KIB[0] = 0
    stage_medians = {k: median([s.get(k, 0.0) for s in split]) for k in split[0]} if split else {}
    return {
        "load_cpu_one_core": load_cpu_split(root),
        "artifacts": count,
        **{k: round(median(v), 3) for k, v in results.items()},
        "cold_split": {k: round(v, 3) for k, v in stage_medians.items()},
        "peak_pss_mib_tree": round(peak_mib, 1),
    }


def compare_engines(size: int, workdir: Path, deployments: int, engines: list[str]) -> None:
    """The same cold check (no cache) on each engine back to back, in this process: the
    evaluate stage is the engine's share; findings must be identical."""
    from govctl.api import CheckOptions, check

    root = workdir / f"reg{size}-d{deployments}"
    if not (root / "govctl.yaml").exists():
        generate(root, size, None, deployments=deployments)
    seen = None
    for engine in engines:
        start = time.perf_counter()
        result = check(CheckOptions(root=root, engine=engine, use_cache=False, audit=False, now=NOW))
        wall = time.perf_counter() - start
        findings = [(f.rule, f.ref, f.path, f.message) for f in result.findings]
        same = "" if seen is None else (" identical findings" if findings == seen else " DIFFERENT")
        seen = findings if seen is None else seen
        print(
            f"  {engine:9s} ({result.engine_version}): total {wall:.2f}s, evaluate "
            f"{result.timings.get('evaluate', 0.0):.2f}s, {len(findings)} findings{same}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 10000],
        help="Registry sizes in artifacts (default: 1000 10000).",
    )
    parser.add_argument("--repeat", type=int, default=3, help="Warm runs per size; the median.")
    parser.add_argument(
        "--workdir", type=Path, default=None,
        help="Generate the registries here and keep them (default: a temporary folder).",
    )
    parser.add_argument(
        "--deployments", type=int, default=150,
        help="Deployments per 1000 artifacts (default 150; 260: a deployment-heavy registry, ~25%%).",
    )
    parser.add_argument(
        "--compare-engines", nargs="+", metavar="ENGINE",
        help="instead: one cold check per engine (e.g. embedded regopy), same registry",
    )
    args = parser.parse_args()
    compile_package()  # time the command as installed: with its bytecode
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="govctl-bench-"))
    if args.compare_engines:
        for size in args.sizes:
            compare_engines(size, workdir, args.deployments, args.compare_engines)
        return
    rows = []
    for size in args.sizes:
        row = bench(size, args.repeat, workdir, args.deployments)
        rows.append(row)
        print(
            f"{row['artifacts']:>6} artifacts | load+validate {row['load']:.2f}s | cold "
            f"{row['cold']:.2f}s | warm {row['warm']:.2f}s | one-file {row['one_file']:.2f}s | "
            f"peak PSS {row['peak_pss_mib_tree']:.0f} MiB | cold split "
            + ", ".join(f"{k} {v:.2f}s" for k, v in row["cold_split"].items())  # type: ignore[union-attr]
            + " | load CPU on one core: "
            + ", ".join(f"{k} {v:.2f}s" for k, v in row["load_cpu_one_core"].items()),  # type: ignore[union-attr]
            flush=True,
        )
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
