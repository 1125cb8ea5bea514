#!/usr/bin/env bash
# Install govctl with its development dependencies and run the whole test suite.
#   bash scripts/test.sh [pytest args...]
# LiteLLM (gateway tests) is installed into its own virtualenv by scripts/install-litellm.sh.
# OPA: the OPA engine tests need a real OPA. This script uses `opa` from PATH, or builds the
# pinned version with Go (scripts/install-opa.sh). Without Go or OPA those tests are skipped
# loudly — unless GOVCTL_REQUIRE_OPA=1 (CI), which turns a missing OPA into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"

if opa_bin=$(bash scripts/install-opa.sh 2>/tmp/govctl-install-opa.log); then
  export GOVCTL_OPA_BIN="$opa_bin"
  echo "OPA: $opa_bin ($("$opa_bin" version 2>/dev/null | head -1))"
else
  echo "WARNING: no OPA available (see /tmp/govctl-install-opa.log); OPA engine tests will be SKIPPED" >&2
  if [ "${GOVCTL_REQUIRE_OPA:-0}" = "1" ]; then
    echo "GOVCTL_REQUIRE_OPA=1: a missing OPA is a failure" >&2
    exit 1
  fi
fi

# Chromium: the site's browser tests (tests/site) load pages in a real headless Chromium, installed
# from Debian's packages (scripts/install-chromium.sh). Without it they are skipped loudly —
# unless GOVCTL_REQUIRE_BROWSER=1 (CI), which turns a missing browser into a failure.
if [ "${GOVCTL_REQUIRE_BROWSER:-0}" = "1" ] || command -v apt-get >/dev/null 2>&1; then
  if chromium_bin=$(bash scripts/install-chromium.sh 2>/tmp/govctl-install-chromium.log); then
    export GOVCTL_CHROMIUM="$chromium_bin"
    echo "Chromium: $chromium_bin"
  else
    echo "WARNING: no Chromium available (see /tmp/govctl-install-chromium.log); browser tests will be SKIPPED" >&2
    if [ "${GOVCTL_REQUIRE_BROWSER:-0}" = "1" ]; then
      echo "GOVCTL_REQUIRE_BROWSER=1: a missing Chromium is a failure" >&2
      exit 1
    fi
  fi
fi

# LiteLLM: the gateway tests start a real LiteLLM proxy, from its own pinned virtualenv.
if litellm_python=$(bash scripts/install-litellm.sh 2>/tmp/govctl-install-litellm.log); then
  export GOVCTL_LITELLM_PYTHON="$litellm_python"
else
  echo "WARNING: LiteLLM could not be installed (see /tmp/govctl-install-litellm.log); gateway proxy tests will be SKIPPED" >&2
  if [ "${GOVCTL_REQUIRE_LITELLM:-0}" = "1" ]; then
    echo "GOVCTL_REQUIRE_LITELLM=1: a missing LiteLLM is a failure" >&2
    exit 1
  fi
fi

exec .venv/bin/python -m pytest -n "${GOVCTL_TEST_WORKERS:-2}" -q "$@"
