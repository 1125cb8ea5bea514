"""Re-pin the digests quoted by the EvalRuns of the reference repository.

    .venv/bin/python scripts/refresh_eval_runs.py            # rewrite stale digests in place
    .venv/bin/python scripts/refresh_eval_runs.py --check    # exit 1 if any digest is stale

An EvalRun is evidence that one prompt version passed one suite on one model. It quotes
``promptDigest`` (docs/spec.md §2: ``sha256:`` + SHA-256 of the RFC 8785 canonical JSON of the
prompt's whole YAML document as parsed, with a ``templateFile`` replaced by the file's text as
``spec.template``) and ``datasetDigest`` (SHA-256 of the dataset file's bytes). This script
computes both with govctl's own parser and digest functions and rewrites only those two values,
keeping every comment and the layout of the file.

In Northwind's real pipeline the evaluation harness writes EvalRun files after it has actually run
the suite; re-pinning without re-running would defeat the control. This repository's results are
illustrative, so after editing a prompt or regenerating a dataset this script keeps the reference
data consistent. It also warns when a run is older than the 30 days GOV-EVL-003 allows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govctl.canonical import digest_bytes, digest_json  # noqa: E402
from govctl.loader.yamlparse import parse_yaml  # noqa: E402

MAX_AGE_DAYS = 30
DIGEST_VALUE = re.compile(r"sha256:[0-9a-f]{64}|sha256:\S*")


@dataclass(frozen=True)
class Doc:
    value: dict[str, Any]
    path: Path
    positions: dict[tuple[str | int, ...], tuple[int, int]]


def load_documents(repo: Path) -> list[Doc]:
    """Every govctl/v1 document under the configured roots (registry, prompts)."""
    config = parse_yaml((repo / "govctl.yaml").read_text(encoding="utf-8")).documents[0].value
    docs: list[Doc] = []
    for root in config.get("roots", ["registry", "prompts"]):
        for path in sorted((repo / root).rglob("*.y*ml")):
            result = parse_yaml(path.read_text(encoding="utf-8"), positions=True)
            if result.problem:
                raise SystemExit(f"{path}: {result.problem}")
            for parsed in result.documents:
                value = parsed.value
                if isinstance(value, dict) and value.get("apiVersion") == "govctl/v1":
                    docs.append(Doc(value, path, parsed.positions))
    return docs


def prompt_digest(doc: Doc) -> str:
    """The Prompt digest of docs/spec.md §2, template file inlined."""
    value = dict(doc.value)
    spec = dict(value["spec"])
    template_file = spec.pop("templateFile", None)
    if template_file is not None:
        spec["template"] = (doc.path.parent / template_file).read_bytes().decode("utf-8")
    value["spec"] = spec
    return digest_json(value)


def identity(value: dict[str, Any]) -> str:
    meta = value["metadata"]
    version = f"@{meta['version']}" if value["kind"] in ("Prompt", "Model") else ""
    return f"{value['kind']}/{meta['name']}{version}"


def expected_digests(run: Doc, index: dict[str, Doc]) -> dict[str, str]:
    spec = run.value["spec"]
    expected: dict[str, str] = {}
    prompt = index.get(f"Prompt/{spec['prompt']}")
    if prompt is not None:
        expected["promptDigest"] = prompt_digest(prompt)
    suite = index.get(f"EvalSuite/{spec['suite']}")
    if suite is not None:
        dataset = suite.path.parent / suite.value["spec"]["dataset"]
        if dataset.exists():
            expected["datasetDigest"] = digest_bytes(dataset.read_bytes())
    return expected


def rewrite(lines: list[str], run: Doc, expected: dict[str, str]) -> bool:
    """Replace stale digest values on the lines where their keys are; True when changed."""
    changed = False
    for key, digest in expected.items():
        if run.value["spec"].get(key) == digest:
            continue
        line_no, _ = run.positions[("spec", key)]
        old = lines[line_no - 1]
        new = DIGEST_VALUE.sub(digest, old, count=1)
        if new == old:
            raise SystemExit(f"{run.path}:{line_no}: cannot find the {key} value to replace")
        lines[line_no - 1] = new
        changed = True
    return changed


def warn_if_old(run: Doc, now: dt.datetime) -> None:
    completed = dt.datetime.fromisoformat(run.value["spec"]["completedAt"].replace("Z", "+00:00"))
    age = (now - completed).days
    if age > MAX_AGE_DAYS:
        print(
            f"warning: {identity(run.value)} completed {age} days before {now:%Y-%m-%d}",
            file=sys.stderr,
        )


def refresh(repo: Path, write: bool = True, now: dt.datetime | None = None) -> list[str]:
    """Re-pin every EvalRun; returns the repo-relative files that were (or would be) changed."""
    docs = load_documents(repo)
    index = {identity(doc.value): doc for doc in docs}
    runs = [doc for doc in docs if doc.value["kind"] == "EvalRun"]
    by_file: dict[Path, list[Doc]] = {}
    for run in runs:
        by_file.setdefault(run.path, []).append(run)
        if now is not None:
            warn_if_old(run, now)
    stale: list[str] = []
    for path, file_runs in by_file.items():
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        changed = [rewrite(lines, run, expected_digests(run, index)) for run in file_runs]
        if any(changed):
            stale.append(str(path.relative_to(repo)))
            if write:
                path.write_text("\n".join(lines), encoding="utf-8")
    print(f"{len(runs)} EvalRuns checked, {len(stale)} file(s) {'re-pinned' if write else 'stale'}")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument(
        "--now",
        default="2026-11-22T00:00:00+00:00",
        help="reference time for the age warning (RFC 3339)",
    )
    args = parser.parse_args(argv)
    stale = refresh(REPO, write=not args.check, now=dt.datetime.fromisoformat(args.now))
    if args.check and stale:
        print("stale: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
