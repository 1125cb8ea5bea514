#!/usr/bin/env bash
# Install the pinned LiteLLM proxy into its own virtualenv (once) and print its python's path.
#
#   scripts/install-litellm.sh                         # .cache/litellm/venv/bin/python
#   LITELLM_CACHE_DIR=/some/dir scripts/install-litellm.sh
#
# The gateway tests start a real LiteLLM proxy on 127.0.0.1 with configs govctl renders. LiteLLM
# is not a dependency of govctl: it lives in a virtualenv of its own, pinned exactly by
# scripts/litellm-requirements.txt, so its many dependencies never meet govctl's.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_dir="${LITELLM_CACHE_DIR:-$repo_root/.cache/litellm}"
requirements="$repo_root/scripts/litellm-requirements.txt"
python_bin="$cache_dir/venv/bin/python"
stamp="$cache_dir/venv/.requirements.sha256"

log() { printf 'install-litellm: %s\n' "$*" >&2; }

want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [[ -x "$python_bin" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  printf '%s\n' "$python_bin"
  exit 0
fi

log "installing the pinned LiteLLM proxy into $cache_dir/venv"
rm -rf "$cache_dir/venv"
"${PYTHON:-python3}" -m venv "$cache_dir/venv"
"$python_bin" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
LITELLM_LOCAL_MODEL_COST_MAP=True "$python_bin" -c "import litellm.proxy.proxy_server" >&2
printf '%s\n' "$want" > "$stamp"
printf '%s\n' "$python_bin"
