#!/usr/bin/env bash
# Lint every GitHub Actions workflow of this repository and the workflow templates that
# `govctl init` writes, with the pinned actionlint (scripts/install-actionlint.sh builds it once),
# then audit them with the pinned zizmor (a development dependency in pyproject.toml), offline:
# any finding of the regular persona (unpinned actions, persisted credentials, excessive
# permissions, secrets outside an environment, template injection...) fails.
# actionlint also runs shellcheck on `run:` scripts when shellcheck is on PATH.
#
#   bash scripts/lint-workflows.sh
set -euo pipefail
cd "$(dirname "$0")/.."

actionlint=$(bash scripts/install-actionlint.sh)
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml
           govctl/templates/repo/dot-github/workflows/*.yml
           govctl/templates/repo/dot-github/workflows/*.yaml)
if [ ${#workflows[@]} -eq 0 ]; then
  echo "lint-workflows: no workflow files found" >&2
  exit 1
fi
if command -v shellcheck >/dev/null 2>&1; then
  shellcheck_note="with shellcheck $(shellcheck --version | sed -n 's/^version: //p')"
else
  shellcheck_note="without shellcheck (not on PATH)"
fi
echo "lint-workflows: $("$actionlint" -version | head -n1) $shellcheck_note on ${#workflows[@]} files"
"$actionlint" -no-color "${workflows[@]}"

zizmor=.venv/bin/zizmor
if [ ! -x "$zizmor" ]; then
  echo "lint-workflows: $zizmor is missing (pip install -e '.[dev]', or bash scripts/test.sh)" >&2
  exit 1
fi
echo "lint-workflows: $("$zizmor" --version) --offline on ${#workflows[@]} files"
"$zizmor" --offline --no-progress --color never "${workflows[@]}"
echo "lint-workflows: ok"
