"""Benchmark ``govctl impact`` between two commits of a generated registry that differ in 10 files.

Target: ≤ 5 s on 2 cores for the 10k registry. Builds a git repository with
``benchmarks/generate_registry.py``, commits it (base), changes 10 artifact files of different
kinds (guardrail threshold, residency region, model pricing and status, deployment budget and
fallbacks, prompt parameters, eval threshold, waiver expiry …) and commits again (head). Then,
each in a fresh ``govctl`` process (imports and start-up included), it prints medians of:

- cold: no cache at all: every file parsed, every head subject evaluated, and the base
  evaluated for the subjects the change touches (the others are the same on both sides);
- CI: the pull-request workflow with the cache restored from the base branch — ``govctl check``
  ran on the base commit (post-merge job on main), then ``govctl check --base`` on the head
  (both once, not timed), then ``govctl impact`` (timed, ``--repeat`` times): it evaluates
  nothing new; it loads both trees from git, diffs, computes result keys and the report.

The residency rule edited is one that, in the generated registry, governs every deployment, so
the change touches ~1,500 deployments: the cold figure is the worst case for a 10-file change.

    python benchmarks/bench_impact.py --artifacts 10000 --repeat 3 [--cold-repeat 1]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate_registry import generate

NOW = "2026-11-22T00:00:00+00:00"
POLICIES = Path(__file__).resolve().parent.parent / "govctl" / "catalog"
GOVCTL = [sys.executable, "-m", "govctl"]

# folder → (regex, replacement): one semantic edit per file kind.
EDITS: dict[str, tuple[str, str]] = {
    "registry/guardrails": (r"threshold: ([0-9.]+)", "threshold: 0.95"),
    "registry/residency": (r"allowedRegions:\n", 'allowedRegions:\n    - "us-*"\n'),
    "registry/models": (r"inputPer1M: ([0-9.]+)", "inputPer1M: 9.99"),
    "registry/deployments": (r"expectedRequestsPerDay: ([0-9]+)", "expectedRequestsPerDay: 123456"),
    "registry/evals": (r"threshold: ([0-9.]+)", "threshold: 0.5"),
    "registry/waivers": (r"justification: .*", 'justification: "extended after review"'),
    "prompts": (r"temperature: ([0-9.]+)", "temperature: 0.9"),
}
PLAN = [
    "registry/guardrails",
    "registry/residency",
    "registry/models",
    "registry/models",
    "registry/deployments",
    "registry/deployments",
    "registry/deployments",
    "registry/evals",
    "registry/waivers",
    "prompts",
]


def git(root: Path, *args: str) -> str:
    env_args = ["-c", "user.email=bench@example.com", "-c", "user.name=bench"]
    done = subprocess.run(
        ["git", *env_args, *args], cwd=root, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def edit_files(root: Path, count: int, skip: int = 0) -> list[str]:
    """Apply one edit to ``count`` files following PLAN; ``skip`` picks other files."""
    changed: list[str] = []
    used: dict[str, int] = {}
    for folder in PLAN[:count]:
        pattern, replacement = EDITS[folder]
        candidates = sorted(p for p in (root / folder).rglob("*.yaml") if p.is_file())
        start = used.get(folder, 0) + skip
        for path in candidates[start:]:
            used[folder] = candidates.index(path) + 1 - skip
            text = path.read_text(encoding="utf-8")
            new = re.sub(pattern, replacement, text, count=1)
            if new != text:
                path.write_text(new, encoding="utf-8")
                changed.append(path.relative_to(root).as_posix())
                break
    return changed


def build(root: Path, artifacts: int) -> tuple[str, str, list[str]]:
    count = generate(root, artifacts, POLICIES)
    (root / ".gitignore").write_text(".govctl-cache/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"base: {count} artifacts")
    base = git(root, "rev-parse", "HEAD")
    changed = edit_files(root, len(PLAN))
    git(root, "commit", "-q", "-am", "head: 10 files changed")
    head = git(root, "rev-parse", "HEAD")
    print(f"registry: {count} artifacts; changed {len(changed)} files: {', '.join(changed)}")
    return base, head, changed


def run(root: Path, args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=root, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


# Reports are written to a scratch file, never to /dev/null: a benchmark must not depend on how
# the version under test writes over a device.
DISCARD = Path(tempfile.gettempdir()) / "govctl-bench-impact-report.json"


def impact_args(base: str, head: str) -> list[str]:
    return [
        *GOVCTL,
        "impact",
        "--base",
        base,
        "--head",
        head,
        "--now",
        NOW,
        "--format",
        "json",
        "--output",
        str(DISCARD),
    ]


CHECK_WITH_BASE = """
import sys
from pathlib import Path
from govctl.check import CheckOptions, run_check
from govctl.impact.changes import change_provider
root = Path.cwd()
run_check(CheckOptions(root=root, now=sys.argv[2], audit=False),
          change_provider(root, sys.argv[1]))
"""


def check_args() -> list[str]:
    return [
        *GOVCTL,
        "check",
        "--no-audit",
        "--now",
        NOW,
        "--format",
        "json",
        "--output",
        str(DISCARD),
    ]


def check_with_base_args(base: str) -> list[str]:
    # What `govctl check --base` runs once it is wired (see docs/impact.md).
    return [sys.executable, "-c", CHECK_WITH_BASE, base, NOW]


def median(label: str, samples: list[float]) -> None:
    shown = ", ".join(f"{s:.2f}" for s in samples)
    print(f"{label:<42} median {statistics.median(samples):6.2f} s   ({shown})", flush=True)


def measure(repeat: int, prepare: Callable[[], None], args: list[str], root: Path) -> list[float]:
    samples = []
    for _ in range(repeat):
        prepare()
        samples.append(run(root, args))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--artifacts", type=int, default=10000, help="Registry size (default: 10000)."
    )
    parser.add_argument("--repeat", type=int, default=3, help="Warm runs; the median.")
    parser.add_argument("--cold-repeat", type=int, default=1, help="Cold runs (minutes each).")
    parser.add_argument("--keep", type=Path, help="Build the repository here and keep it.")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="govctl-bench-impact-"))
    root = work / "repo"
    try:
        base, head, _ = build(root, args.artifacts)
        cache = root / ".govctl-cache"

        def clear() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        def ci() -> None:
            clear()
            git(root, "checkout", "-q", base)
            run(root, check_args())  # the base branch's post-merge check (cache restored)
            git(root, "checkout", "-q", "main")
            run(root, check_with_base_args(base))  # the PR job's `govctl check --base`

        command = impact_args(base, head)
        median("impact, cold (no cache)", measure(args.cold_repeat, clear, command, root))
        ci()
        median(
            "impact, CI (base + check --base cached)",
            measure(args.repeat, lambda: None, command, root),
        )
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
