#!/usr/bin/env bash
# Install the pinned SARIF Multitool (Microsoft's SARIF validator, with GitHub's ingestion rules)
# from npm into a cache folder (once), and print the path of its executable.
#
#   scripts/install-sarif-multitool.sh      # .cache/sarif-multitool/.../Sarif.Multitool
#   SARIF_MULTITOOL_CACHE_DIR=$HOME/.cache/sarif-multitool scripts/install-sarif-multitool.sh
#
# The npm package for Linux carries a self-contained .NET build: no .NET install is needed.
# Needs npm only when the cached copy is missing or of another version.
set -euo pipefail

VERSION="5.7.0"
PACKAGE="@microsoft/sarif-multitool-linux"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_dir="${SARIF_MULTITOOL_CACHE_DIR:-$repo_root/.cache/sarif-multitool}"
binary="$cache_dir/node_modules/$PACKAGE/Sarif.Multitool"
manifest="$cache_dir/node_modules/$PACKAGE/package.json"

log() { printf 'install-sarif-multitool: %s\n' "$*" >&2; }

installed() {
  [[ -x "$binary" && -f "$manifest" ]] && grep -q "\"version\": \"$VERSION\"" "$manifest"
}

if installed; then
  printf '%s\n' "$binary"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  log "no SARIF Multitool $VERSION in $cache_dir and no npm to install it"
  exit 1
fi
mkdir -p "$cache_dir"
log "installing $PACKAGE@$VERSION into $cache_dir (npm)"
npm install --prefix "$cache_dir" --no-audit --no-fund --silent "$PACKAGE@$VERSION" >&2
chmod +x "$binary"
if ! installed; then
  log "installed $PACKAGE but $binary is missing or not $VERSION"
  exit 1
fi
printf '%s\n' "$binary"
