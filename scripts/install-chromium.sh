#!/usr/bin/env bash
# Install Debian's chromium for the site's browser tests (tests/site) and print its path.
#   bash scripts/install-chromium.sh
# Idempotent and quiet: an installed chromium (or Chrome, as on hosted CI runners) is reused.
# Exit 1 (nothing printed on stdout) when it cannot be installed here (no apt-get, not root and
# no passwordless sudo, apt failed).
set -euo pipefail

for name in chromium chromium-browser google-chrome; do
  if path=$(command -v "$name" 2>/dev/null); then
    echo "$path"
    exit 0
  fi
done

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: no apt-get on this machine" >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    echo "install-chromium: apt-get needs root (or passwordless sudo)" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
apt=("${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 -qq)
"${apt[@]}" update >&2
# Fonts: without one, screenshots show boxes instead of text.
"${apt[@]}" install -y --no-install-recommends chromium fonts-dejavu-core >&2

command -v chromium
