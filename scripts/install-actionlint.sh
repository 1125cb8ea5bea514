#!/usr/bin/env bash
# Build the pinned actionlint with `go install` into a cache folder (once), and print its path.
#
#   scripts/install-actionlint.sh                        # .cache/actionlint/bin/actionlint
#   ACTIONLINT_CACHE_DIR=/tmp/al scripts/install-actionlint.sh
#
# A binary on PATH is never used: the workflows are linted by exactly the pinned version, so a
# newer actionlint on a developer's machine cannot pass what CI would fail (or the reverse).
# Needs Go and the Go module proxy only when the cached binary is missing or of another version.
set -euo pipefail

ACTIONLINT_VERSION="v1.7.12"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_dir="${ACTIONLINT_CACHE_DIR:-$repo_root/.cache/actionlint}"
bin_dir="$cache_dir/bin"
cached="$bin_dir/actionlint"

log() { printf 'install-actionlint: %s\n' "$*" >&2; }

pinned() { [[ -x "$cached" ]] && [[ "$("$cached" -version 2>/dev/null | head -n1)" == "${ACTIONLINT_VERSION}" ]]; }

if pinned; then
  printf '%s\n' "$cached"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "no actionlint ${ACTIONLINT_VERSION} in $bin_dir and no Go toolchain to build it"
  exit 1
fi

mkdir -p "$bin_dir"
log "building github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION into $bin_dir"
GOBIN="$bin_dir" CGO_ENABLED="${CGO_ENABLED:-0}" \
  go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2
if ! pinned; then
  log "built $cached but it does not report version ${ACTIONLINT_VERSION}"
  exit 1
fi
printf '%s\n' "$cached"
