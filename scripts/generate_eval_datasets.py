"""Write the golden evaluation datasets of the reference repository, then re-pin the EvalRuns.

    .venv/bin/python scripts/generate_eval_datasets.py            # write datasets + refresh runs
    .venv/bin/python scripts/generate_eval_datasets.py --check    # exit 1 if anything is stale

Each dataset is built by a module of ``scripts/eval_datasets`` (one per EvalSuite) and written to
the path that suite's ``spec.dataset`` names, one JSON object per line in a fixed key order, so the
output is byte-for-byte reproducible. Changing a dataset changes its digest; the EvalRuns that
quote the old digest are then re-pinned by ``scripts/refresh_eval_runs.py`` (see its docstring
for what that does and does not mean).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from eval_datasets import (
    complaint_triage,
    contract_summary,
    credit_memo,
    knowledge_search,
    kz_support,
    support_reply,
)
from eval_datasets.common import Case
from refresh_eval_runs import refresh

REPO = Path(__file__).resolve().parent.parent
DATASETS_DIR = REPO / "registry" / "evals" / "datasets"
MIN_CASES = 200
REQUIRED_TAGS = ("edge_case", "adversarial", "regression")

BUILDERS: dict[str, Callable[[], list[Case]]] = {
    "support-reply-golden": support_reply.build,
    "kz-support-golden": kz_support.build,
    "contract-summary-golden": contract_summary.build,
    "knowledge-search-golden": knowledge_search.build,
    "complaint-triage-golden": complaint_triage.build,
    "credit-memo-golden": credit_memo.build,
}


def render(cases: list[Case]) -> bytes:
    """JSONL bytes, one case per line, keys in the builders' fixed order (id, tags, input, ...).

    UTF-8 without escaping, so Kazakh and Russian cases stay readable in review.
    """
    lines = [json.dumps(case, ensure_ascii=False) for case in cases]
    return ("\n".join(lines) + "\n").encode("utf-8")


def check_coverage(suite: str, cases: list[Case]) -> list[str]:
    """The invariants govctl will check, verified before anything is written."""
    problems: list[str] = []
    if len(cases) < MIN_CASES:
        problems.append(f"{suite}: {len(cases)} cases, need at least {MIN_CASES}")
    ids = Counter(case["id"] for case in cases)
    problems += [f"{suite}: duplicate id {case_id}" for case_id, n in ids.items() if n > 1]
    tags = Counter(tag for case in cases for tag in case["tags"])
    problems += [f"{suite}: no case tagged {tag}" for tag in REQUIRED_TAGS if not tags[tag]]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument("--no-refresh", action="store_true", help="do not re-pin EvalRun digests")
    args = parser.parse_args(argv)

    stale: list[str] = []
    problems: list[str] = []
    for suite, build in BUILDERS.items():
        cases = build()
        problems += check_coverage(suite, cases)
        data = render(cases)
        path = DATASETS_DIR / f"{suite}.jsonl"
        tags = Counter(tag for case in cases for tag in case["tags"])
        summary = ", ".join(f"{t}={tags[t]}" for t in REQUIRED_TAGS)
        print(f"{path.relative_to(REPO)}: {len(cases)} cases ({summary})")
        if path.exists() and path.read_bytes() == data:
            continue
        stale.append(str(path.relative_to(REPO)))
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 1
    if not args.no_refresh:
        stale += refresh(REPO, write=not args.check)
    if args.check and stale:
        print("stale: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
