"""Peer benchmark: conftest with a 5-rule port of the catalog vs govctl with the full catalog,
on the same generated registry files.

    python benchmarks/bench_conftest.py --artifacts 10000 --repeat 3

conftest is built by scripts/install-conftest.sh (pinned, ``go install``). Two ports of five
Deployment rules, over the raw YAML:

- per file (``benchmarks/conftest_policy``): every rule reads only the file it is about, so
  conftest evaluates each file on its own. The catalog has few such rules.
- combined (``benchmarks/conftest_combined``, ``conftest test --combine``): two of the five
  need the deployment's model, as most catalog rules need related artifacts; conftest then parses
  every file into one input and the rules join over it.

govctl runs every catalog rule with related artifacts, derived facts and waivers, cold (no cache)
and warm. The machine is shared: compare figures from one run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bytecode import compile_package  # noqa: E402
from benchmarks.generate_registry import generate  # noqa: E402

NOW = "2026-11-22T00:00:00+00:00"


def conftest_binary() -> Path:
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "install-conftest.sh")], capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"no conftest: {done.stderr.strip()}")
    return Path(done.stdout.strip())


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{command[0]} failed ({done.returncode}): {done.stderr[-500:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--artifacts", type=int, default=10000,
        help="Size of the generated registry (default: 10000).",
    )
    parser.add_argument("--repeat", type=int, default=3, help="Runs per tool; the median.")
    args = parser.parse_args()
    compile_package()  # time the command as installed: with its bytecode
    conftest = conftest_binary()
    folder = Path(tempfile.mkdtemp(prefix="govctl-conftest-"))
    root = folder / "repo"
    count = generate(root, args.artifacts, None)
    per_file = [str(conftest), "test", "--no-color", "--policy",
                str(ROOT / "benchmarks" / "conftest_policy"), "registry", "prompts"]
    combined = [str(conftest), "test", "--no-color", "--combine", "--policy",
                str(ROOT / "benchmarks" / "conftest_combined"), "registry", "prompts"]
    govctl = [sys.executable, "-m", "govctl", "check", "--no-audit", "--now", NOW, "-o",
              str(folder / "out.txt")]
    times: dict[str, list[float]] = {"conftest, 5 rules per file": [],
                                     "conftest --combine, 5 rules": [],
                                     "govctl cold (all rules)": [], "govctl warm": []}
    for _ in range(args.repeat):
        times["conftest, 5 rules per file"].append(timed(per_file, root))
        times["conftest --combine, 5 rules"].append(timed(combined, root))
        shutil.rmtree(root / ".govctl-cache", ignore_errors=True)
        times["govctl cold (all rules)"].append(timed(govctl, root))
        times["govctl warm"].append(timed(govctl, root))
    print(f"{count} artifacts ({args.repeat} runs, medians):")
    for name, values in times.items():
        print(f"  {name:30s} {statistics.median(values):7.2f} s")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
