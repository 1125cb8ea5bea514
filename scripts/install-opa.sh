#!/usr/bin/env bash
# Build the pinned OPA with `go install` into a cache folder, unless an OPA is already available.
# Prints the path of the OPA binary to use (and nothing else on stdout).
#
#   scripts/install-opa.sh                 # opa on PATH, else .cache/opa/bin/opa (built if missing)
#   OPA_CACHE_DIR=$HOME/.cache/govctl-opa scripts/install-opa.sh   # another cache folder
#   OPA_FORCE_BUILD=1 scripts/install-opa.sh   # ignore PATH, use/build the pinned one in the cache
#
# Needs Go and the Go module proxy only when it has to build. The version is pinned here and in
# govctl/opa_server.py (PINNED_VERSION).
set -euo pipefail

OPA_VERSION="v1.22.2"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_dir="${OPA_CACHE_DIR:-$repo_root/.cache/opa}"
bin_dir="$cache_dir/bin"
cached="$bin_dir/opa"

log() { printf 'install-opa: %s\n' "$*" >&2; }

# True when the binary reports the pinned version. The output is captured first: piping it into
# `head`/`grep -q` under pipefail fails at random when opa gets SIGPIPE.
is_pinned() {
  local out
  out="$("$1" version 2>/dev/null || true)"
  [[ "${out%%$'\n'*}" == "Version: ${OPA_VERSION#v}" ]]
}

if [[ "${OPA_FORCE_BUILD:-0}" != "1" ]] && on_path="$(command -v opa 2>/dev/null)"; then
  version_line="$("$on_path" version 2>/dev/null || true)"
  log "using opa on PATH: $on_path (${version_line%%$'\n'*})"
  printf '%s\n' "$on_path"
  exit 0
fi

# A cached binary is reused only if it reports the pinned version.
if [[ -x "$cached" ]] && is_pinned "$cached"; then
  log "using cached $cached"
  printf '%s\n' "$cached"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "no opa on PATH, none cached in $bin_dir, and no Go toolchain to build $OPA_VERSION"
  exit 1
fi

mkdir -p "$bin_dir"
log "building github.com/open-policy-agent/opa@$OPA_VERSION into $bin_dir (go install)"
GOBIN="$bin_dir" CGO_ENABLED="${CGO_ENABLED:-0}" \
  go install "github.com/open-policy-agent/opa@$OPA_VERSION" >&2
if ! is_pinned "$cached"; then
  log "built $cached but it does not report version $OPA_VERSION"
  exit 1
fi
printf '%s\n' "$cached"
