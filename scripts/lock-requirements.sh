#!/usr/bin/env bash
# Regenerate govctl/requirements.lock: govctl's runtime dependencies resolved for CPython 3.11 on
# Linux (the GitHub runners of the workflows), every version exact, with the sha256 of every file
# PyPI has for it. `govctl init` copies it under the govctl-ai pin it writes, and the workflows
# install from it with `pip install --require-hashes`. Also scripts/release-requirements.txt,
# the release tools, pinned the same way. Run it after changing `dependencies` in pyproject.toml
# (a test fails while the lock does not satisfy them) and before a release.
#
#   bash scripts/lock-requirements.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# Only the package index: no local wheel folders from a machine's pip configuration.
unset PIP_FIND_LINKS PIP_CONFIG_FILE
export PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="bash scripts/lock-requirements.sh"
.venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
  --no-emit-index-url --no-emit-find-links --no-header --annotate \
  --output-file govctl/requirements.lock pyproject.toml
# The release tools of .github/workflows/publish.yml (build runs without isolation so that
# setuptools and wheel come from this hashed file too).
.venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
  --no-emit-index-url --no-emit-find-links --no-header --annotate \
  --output-file scripts/release-requirements.txt scripts/release-requirements.in
