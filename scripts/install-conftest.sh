#!/usr/bin/env bash
# Build the pinned conftest (the peer benchmarks/bench_conftest.py compares against) with
# `go install` into a cache folder, unless it is already there. Prints the binary's path.
#
#   scripts/install-conftest.sh          # .cache/conftest/bin/conftest (built if missing)
#   CONFTEST_CACHE_DIR=/tmp/c scripts/install-conftest.sh
set -euo pipefail

CONFTEST_VERSION="v0.71.1"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${CONFTEST_CACHE_DIR:-$repo_root/.cache/conftest}/bin"
cached="$bin_dir/conftest"

log() { printf 'install-conftest: %s\n' "$*" >&2; }

is_pinned() {
  local out
  out="$("$1" --version 2>/dev/null || true)"
  [[ "$out" == *"${CONFTEST_VERSION#v}"* ]]
}

if [[ -x "$cached" ]] && is_pinned "$cached"; then
  printf '%s\n' "$cached"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  log "no conftest in $bin_dir and no Go toolchain to build $CONFTEST_VERSION"
  exit 1
fi
mkdir -p "$bin_dir"
log "building github.com/open-policy-agent/conftest@$CONFTEST_VERSION into $bin_dir (go install)"
GOBIN="$bin_dir" CGO_ENABLED="${CGO_ENABLED:-0}" \
  go install "github.com/open-policy-agent/conftest@$CONFTEST_VERSION" >&2
printf '%s\n' "$cached"
