#!/usr/bin/env bash
# Build the pinned Regal (the Rego linter) with `go install` into a cache folder (once), and print
# its path.
#
#   scripts/install-regal.sh                          # .cache/regal/bin/regal
#   REGAL_CACHE_DIR=$HOME/.cache/regal scripts/install-regal.sh
#
# A binary on PATH is never used: the catalog is linted by exactly the pinned version, with the
# rules configured in .regal/config.yaml. Needs Go and the Go module proxy only when the cached
# binary is missing or of another version.
set -euo pipefail

REGAL_VERSION="v0.42.0"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_dir="${REGAL_CACHE_DIR:-$repo_root/.cache/regal}"
bin_dir="$cache_dir/bin"
cached="$bin_dir/regal"
stamp="$bin_dir/regal.version"

log() { printf 'install-regal: %s\n' "$*" >&2; }

# `regal version` of a `go install` build does not report the module version; a stamp written
# next to the binary after a successful build records it.
if [[ -x "$cached" && -f "$stamp" && "$(cat "$stamp")" == "$REGAL_VERSION" ]]; then
  printf '%s\n' "$cached"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "no regal $REGAL_VERSION in $bin_dir and no Go toolchain to build it"
  exit 1
fi

mkdir -p "$bin_dir"
rm -f "$stamp"
# `go install module@version` refuses Regal here: it first asks the module proxy for the list of
# versions (to report deprecation), and that request is denied. Building inside a throw-away
# module asks only for this exact version (checksums verified against go.sum / the sum database).
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log "building github.com/open-policy-agent/regal@$REGAL_VERSION into $bin_dir"
(
  cd "$work"
  go mod init govctl-regal-build >/dev/null 2>&1
  go get "github.com/open-policy-agent/regal@$REGAL_VERSION" >&2
  CGO_ENABLED="${CGO_ENABLED:-0}" go build -o "$cached" github.com/open-policy-agent/regal >&2
)
printf '%s\n' "$REGAL_VERSION" > "$stamp"
printf '%s\n' "$cached"
