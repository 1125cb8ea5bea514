"""Where the embedded engine's Wasm module comes from, and the caches that make it cheap.

- The built-in catalog ships precompiled (``govctl/catalog_wasm/policy.wasm`` and its
  ``manifest.json``): a bundle whose sources are exactly the shipped catalog's uses it, so a pip
  user with no Go and no OPA gets OPA's own semantics.
- Any other bundle (a repository's own policies) is compiled with ``opa build -t wasm`` when an
  ``opa`` binary is available, once per bundle: the output is cached by the sources' digest and
  OPA's version.
- wasmtime compiles a module to native code in 0.2–0.4 s; the compiled form is cached
  (``Module.serialize``) by the module's SHA-256 and wasmtime's version, and loads in ~2 ms.

The module is keyed by the *sources* (modules + generated entry module + entrypoints), not by
``PolicyBundle.digest``: policy ``data`` is loaded at evaluation time, so it never changes the
module.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from govctl.errors import PolicyError
from govctl.models.names import SUBJECT_KINDS
from govctl.policy.bundle import ENTRY_PACKAGE, PolicyBundle, entrypoint_rule

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "catalog_wasm"
SHIPPED_WASM = SHIPPED_DIR / "policy.wasm"
SHIPPED_MANIFEST = SHIPPED_DIR / "manifest.json"
BUILD_COMMAND = "python scripts/build-catalog-wasm.py"
OPA_BUILD_TIMEOUT = 120.0


def entrypoints() -> list[str]:
    """The module's entrypoints: one entry rule per subject kind (``govctl_entry/deployment``)."""
    return [f"{ENTRY_PACKAGE}/{entrypoint_rule(kind)}" for kind in SUBJECT_KINDS]


def sources_digest(sources: dict[str, str], entry_points: list[str]) -> str:
    lines = sorted(
        f"{path} {hashlib.sha256(text.encode('utf-8')).hexdigest()}"
        for path, text in sources.items()
    )
    lines.append("entrypoints " + ",".join(entry_points))
    return "sha256:" + hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def wasmtime_version() -> str:
    return package_version("wasmtime")


def cache_dir() -> Path:
    """``$GOVCTL_WASM_CACHE``, else ``$XDG_CACHE_HOME/govctl/wasm`` (``~/.cache/govctl/wasm``)."""
    explicit = os.environ.get("GOVCTL_WASM_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "govctl" / "wasm"


def _write_atomic(path: Path, data: bytes) -> None:
    """Best effort: a cache that cannot be written only costs time."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


@dataclass(frozen=True)
class WasmSource:
    wasm: bytes
    origin: str  # "catalog" (shipped) | "opa" (compiled here) | "cache" (compiled earlier)
    opa_version: str
    builtins: tuple[str, ...]  # the builtins the module calls on the host


def required_builtins(wasm: bytes) -> tuple[str, ...]:
    """The host builtins a module calls (its ``builtins`` export), read once when it is built:
    choosing the engine for a run then needs no instantiation."""
    from govctl.policy.wasm_runtime import WasmPolicy, compile_module, wasm_engine

    engine = wasm_engine()
    policy = WasmPolicy(engine, compile_module(engine, wasm), check_builtins=False)
    return tuple(sorted(policy.builtin_names))


def shipped_manifest() -> dict[str, Any] | None:
    try:
        data = json.loads(SHIPPED_MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def shipped_module(digest: str) -> WasmSource | None:
    manifest = shipped_manifest()
    if manifest is None or manifest.get("sources_digest") != digest:
        return None
    wasm = _read(SHIPPED_WASM)
    if wasm is None or hashlib.sha256(wasm).hexdigest() != manifest.get("wasm_sha256"):
        return None
    builtins = tuple(str(b) for b in manifest.get("builtins", ()))
    return WasmSource(wasm, "catalog", str(manifest.get("opa_version", "")), builtins)


def locate_opa(root: Path | None) -> Path | None:
    """``$GOVCTL_OPA_BIN``, else ``opa`` on PATH, else the one ``scripts/install-opa.sh`` builds
    (``.cache/opa/bin/opa`` of the repository, or under ``$OPA_CACHE_DIR``)."""
    # Imported here: it brings urllib/ssl, which a bundle with a shipped module never needs.
    from govctl.opa_server import DEFAULT_CACHE_BIN, cache_candidates, find_opa

    explicit = os.environ.get("GOVCTL_OPA_BIN")
    if explicit:
        return find_opa(Path(explicit))
    candidates = cache_candidates(root)
    if os.environ.get("OPA_CACHE_DIR"):
        candidates.append(Path(os.environ["OPA_CACHE_DIR"]) / "bin" / "opa")
    candidates.append(Path.cwd() / DEFAULT_CACHE_BIN / "opa")
    return find_opa(None, candidates, os.environ.get("PATH", ""))


def opa_version(opa: Path) -> str:
    try:
        out = subprocess.run(
            [str(opa), "version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    first = out.splitlines()[0] if out else ""
    return first.removeprefix("Version: ").strip() or "unknown"


_UNSAFE = re.compile(r"[^A-Za-z0-9._/:-]")


def _file_name(display: str) -> str:
    """A relative file name under the build folder that keeps the display path readable in
    OPA's messages (``govctl:catalog/model/model.rego``)."""
    parts = [p for p in _UNSAFE.sub("_", display).split("/") if p not in ("", ".", "..")]
    return "/".join(parts) or "module.rego"


def build_with_opa(opa: Path, sources: dict[str, str], entry_points: list[str]) -> bytes:
    """``opa build -t wasm`` of these sources; the module bytes. Deterministic for equal input:
    files are written under relative names in a fresh folder and built from there."""
    with tempfile.TemporaryDirectory(prefix="govctl-wasm-") as tmp:
        folder = Path(tmp) / "src"
        names: dict[str, str] = {}
        for display in sorted(sources):
            name = _file_name(display)
            while name in names.values():
                name = "_" + name
            names[display] = name
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(sources[display], encoding="utf-8")
        command = [str(opa), "build", "-t", "wasm", "-o", "../bundle.tar.gz"]
        for entry in entry_points:
            command += ["-e", entry]
        command.append(".")
        try:
            done = subprocess.run(
                command,
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=OPA_BUILD_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PolicyError(f"`opa build -t wasm` could not run: {exc}") from None
        if done.returncode != 0:
            raise _build_error(done.stderr or done.stdout, names)
        with tarfile.open(Path(tmp) / "bundle.tar.gz") as archive:
            member = archive.extractfile("/policy.wasm")
            if member is None:
                raise PolicyError("`opa build -t wasm` produced no policy.wasm")
            return member.read()


_OPA_LOCATION = re.compile(r"(\S+?\.rego):(\d+):(?:(\d+):)?\s*(.*)")


def _build_error(text: str, names: dict[str, str]) -> PolicyError:
    back = {name: display for display, name in names.items()}
    for line in text.splitlines():
        match = _OPA_LOCATION.search(line)
        if match:
            name = match.group(1).removeprefix("./")
            return PolicyError(
                f"Rego compile error: {match.group(4).strip()}",
                file=back.get(name, name),
                line=int(match.group(2)),
                column=int(match.group(3)) if match.group(3) else None,
            )
    first = next((line.strip() for line in text.splitlines() if line.strip()), "no message")
    return PolicyError(f"`opa build -t wasm` failed: {first[:300]}")


def module_for(bundle: PolicyBundle, root: Path | None) -> tuple[WasmSource | None, str]:
    """The Wasm module for this bundle, or (None, why not)."""
    return module_for_sources(bundle.sources(), entrypoints(), root)


def module_for_sources(
    sources: dict[str, str], points: list[str], root: Path | None, shipped: bool = True
) -> tuple[WasmSource | None, str]:
    """The module for these sources and entrypoints: the shipped one, a cached build, or a
    build with opa now; (None, why not) when there is no opa to build it."""
    digest = sources_digest(sources, points)
    found = shipped_module(digest) if shipped else None
    if found is not None:
        return found, ""
    opa = locate_opa(root)
    if opa is None:
        return None, "no opa binary to compile the repository's policies to Wasm"
    version = opa_version(opa)
    key = f"bundle-{digest.removeprefix('sha256:')[:40]}-opa{version}"
    cached = _read(cache_dir() / f"{key}.wasm")
    listed = _read(cache_dir() / f"{key}.builtins.json")
    if cached is not None and listed is not None:
        with contextlib.suppress(ValueError):
            names = tuple(str(n) for n in json.loads(listed))
            return WasmSource(cached, "cache", version, names), ""
    wasm = build_with_opa(opa, sources, points)
    names = required_builtins(wasm)
    _write_atomic(cache_dir() / f"{key}.wasm", wasm)
    _write_atomic(cache_dir() / f"{key}.builtins.json", json.dumps(list(names)).encode())
    return WasmSource(wasm, "opa", version, names), ""


def compiled_module(wasm: bytes) -> bytes:
    """wasmtime's serialized native code for ``wasm``, from the cache or compiled now.

    The cache file starts with the SHA-256 of the rest: wasmtime loads serialized code without
    validating it, so a torn or damaged file is recompiled instead of loaded."""
    from govctl.policy.wasm_runtime import compile_module, wasm_engine

    key = f"module-{hashlib.sha256(wasm).hexdigest()[:40]}-wasmtime{wasmtime_version()}.cwasm"
    path = cache_dir() / key
    cached = _read(path)
    if cached is not None and hashlib.sha256(cached[32:]).digest() == cached[:32]:
        return cached[32:]
    serialized = bytes(compile_module(wasm_engine(), wasm).serialize())
    _write_atomic(path, hashlib.sha256(serialized).digest() + serialized)
    return serialized


def write_shipped(opa: Path, bundle: PolicyBundle, target: Path = SHIPPED_DIR) -> dict[str, Any]:
    """Build the catalog's module and manifest into ``target`` (scripts/build-catalog-wasm.py)."""
    sources = bundle.sources()
    points = entrypoints()
    wasm = build_with_opa(opa, sources, points)
    manifest = {
        "sources_digest": sources_digest(sources, points),
        "opa_version": opa_version(opa),
        "entrypoints": points,
        "modules": sorted(sources),
        "wasm_sha256": hashlib.sha256(wasm).hexdigest(),
        "builtins": list(required_builtins(wasm)),
    }
    target.mkdir(parents=True, exist_ok=True)
    (target / "policy.wasm").write_bytes(wasm)
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (target / "manifest.json").write_text(text, encoding="utf-8")
    return manifest


def opa_is_pinned(opa: Path) -> bool:
    from govctl.opa_server import PINNED_VERSION

    return opa_version(opa) == PINNED_VERSION.removeprefix("v")


__all__ = [
    "BUILD_COMMAND",
    "WasmSource",
    "compiled_module",
    "entrypoints",
    "locate_opa",
    "module_for",
    "shipped_manifest",
    "sources_digest",
    "write_shipped",
]
