"""Rebuild the built-in catalog's precompiled Wasm module (govctl/catalog_wasm/).

    python scripts/build-catalog-wasm.py   # the pinned OPA that scripts/install-opa.sh builds
    GOVCTL_OPA_BIN=/path/to/opa python scripts/build-catalog-wasm.py

The output is deterministic for the same Rego sources and OPA version: the sources are written
under their display names into a fresh folder and built from there. The module must be built
with the pinned OPA (govctl/opa_server.py PINNED_VERSION); another version is refused.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govctl.opa_server import PINNED_VERSION  # noqa: E402
from govctl.policy.bundle import load_bundle  # noqa: E402
from govctl.policy.catalog import BUILTIN_PREFIX, builtin_catalog_dir  # noqa: E402
from govctl.policy.wasm_build import opa_is_pinned, write_shipped  # noqa: E402


def find_opa() -> Path:
    explicit = os.environ.get("GOVCTL_OPA_BIN")
    if explicit:
        return Path(explicit)
    env = {**os.environ, "OPA_FORCE_BUILD": "1"}
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "install-opa.sh")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"build-catalog-wasm: no pinned OPA: {done.stderr.strip()}")
    return Path(done.stdout.strip())


def main() -> int:
    opa = find_opa()
    if not opa_is_pinned(opa):
        sys.exit(f"build-catalog-wasm: {opa} is not OPA {PINNED_VERSION}")
    catalog = builtin_catalog_dir()
    if catalog is None:
        sys.exit("build-catalog-wasm: govctl/catalog is missing")
    bundle = load_bundle([(catalog, BUILTIN_PREFIX)], trusted=catalog)
    manifest = write_shipped(opa, bundle)
    print(
        f"govctl/catalog_wasm/policy.wasm: {len(manifest['modules'])} modules, "
        f"OPA {manifest['opa_version']}, sha256 {manifest['wasm_sha256'][:16]}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
