#!/usr/bin/env bash
# Lint the built-in policy catalog (govctl/catalog) with the pinned Regal and the rules configured
# in .regal/config.yaml: any violation fails (the config says which rules are off, and why).
# scripts/install-regal.sh builds Regal once (needs Go the first time).
#
#   bash scripts/lint-rego.sh [FOLDER...]        # default: govctl/catalog
set -euo pipefail
cd "$(dirname "$0")/.."

regal=$(bash scripts/install-regal.sh)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(govctl/catalog)
fi
echo "lint-rego: regal $(cat "$regal.version") on ${targets[*]} (.regal/config.yaml)"
"$regal" lint --no-color --config-file .regal/config.yaml --fail-level error "${targets[@]}"
echo "lint-rego: ok"
