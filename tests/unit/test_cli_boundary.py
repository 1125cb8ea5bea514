"""The CLI is a thin layer over the library API (docs/ARCHITECTURE.md, "CLI boundary").

- A command module (``govctl/cli/commands/*.py``) imports from govctl only the API
  (``govctl.api`` and the ``govctl.api_*`` modules), the CLI itself (``govctl.cli.*``),
  ``govctl.errors`` and the renderers (``govctl.output.*``, ``govctl.audit.render``,
  ``govctl.impact.render``, ``govctl.gateway.report``, ``govctl.readiness_render``).
- Only ``govctl/cli/context.py`` reads the environment: no other CLI module names
  ``os.environ``, ``os.getenv`` or ``os.environb``.
- Only the CLI imports the API modules: the library never depends on the layer above it.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.test_import_graph import import_graph

PACKAGE = Path(__file__).resolve().parents[2] / "govctl"
COMMANDS = sorted((PACKAGE / "cli" / "commands").glob("*.py"))
RENDERERS = (
    "govctl.output",
    "govctl.audit.render",
    "govctl.impact.render",
    "govctl.gateway.report",
    "govctl.readiness_render",
)
ENVIRONMENT_MODULE = PACKAGE / "cli" / "context.py"
# ``os.environ/NAME`` (a LiteLLM secret reference, in help texts) is not a read.
ENVIRONMENT_READ = re.compile(r"\bos\s*\.\s*(environ|environb|getenv)\b(?!/)|\bfrom\s+os\s+import\b")


def allowed(module: str) -> bool:
    """May a command module import ``module`` (a dotted govctl name)?"""
    if module == "govctl.api" or module.startswith(("govctl.api.", "govctl.api_")):
        return True
    layers = ("govctl.errors", "govctl.cli", *RENDERERS)
    return any(module == r or module.startswith(r + ".") for r in layers)


def govctl_imports(path: Path) -> list[str]:
    """Every govctl module or name a file imports (also inside functions), dotted."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "govctl"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "govctl":
            found += [f"{node.module}.{a.name}" for a in node.names]
    return found


def test_the_command_modules_are_all_read() -> None:
    names = {p.stem for p in COMMANDS}
    assert {"audit", "policy", "registry", "check", "baseline", "gateway"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: p.stem)
def test_a_command_imports_only_the_api_the_cli_errors_and_renderers(path: Path) -> None:
    offenders = [m for m in govctl_imports(path) if not allowed(m)]
    assert offenders == [], f"{path.name} imports library modules directly: {offenders}"


def test_the_rule_rejects_library_modules_and_sees_package_imports(tmp_path: Path) -> None:
    # The check cannot pass vacuously: direct library imports are caught in both spellings.
    source = tmp_path / "cmd.py"
    source.write_text(
        "from govctl import api, registry\nfrom govctl.audit.store import reading\n"
        "def f():\n    import govctl.check\n",
        encoding="utf-8",
    )
    imports = govctl_imports(source)
    assert [m for m in imports if not allowed(m)] == [
        "govctl.registry", "govctl.audit.store.reading", "govctl.check"
    ]
    assert allowed("govctl.api_audit.AuditTarget") and allowed("govctl.output.policy_render")
    assert not allowed("govctl.apiary") and not allowed("govctl.errorsx")


def _cli_sources() -> list[Path]:
    return sorted((PACKAGE / "cli").rglob("*.py"))


def test_only_the_context_module_reads_the_environment() -> None:
    sources = _cli_sources()
    assert ENVIRONMENT_MODULE in sources
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{number}"
        for path in sources
        if path != ENVIRONMENT_MODULE
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ENVIRONMENT_READ.search(line)
    ]
    assert offenders == []
    assert ENVIRONMENT_READ.search(ENVIRONMENT_MODULE.read_text(encoding="utf-8"))


def test_the_environment_pattern_sees_every_spelling() -> None:
    for line in ('os.environ["X"]', "os.getenv('X')", "os . environ.get('X')", "from os import environ"):
        assert ENVIRONMENT_READ.search(line), line
    assert not ENVIRONMENT_READ.search("Reference secrets as `os_environ`")
    assert not ENVIRONMENT_READ.search("report os.environ/ references this host does not set")


def test_only_the_cli_imports_the_api_modules() -> None:
    graph = import_graph()
    api = {m for m in graph if m == "govctl.api" or m.startswith("govctl.api_")}
    assert {"govctl.api", "govctl.api_audit", "govctl.api_policy"} <= api
    offenders = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if module not in api and not module.startswith("govctl.cli")
        for target in targets & api
    )
    assert offenders == []


def test_govctl_api_reexports_every_api_module_on_first_use() -> None:
    files = {f"govctl.{p.stem}" for p in PACKAGE.glob("api_*.py")}
    code = (
        "import json, sys, govctl.api as api\n"
        "assert not [m for m in sys.modules if m.startswith('govctl.api_audit')]\n"
        "assert 'duckdb' not in sys.modules\n"
        "print(json.dumps(sorted(api.SUBMODULES.values())))\n"
        "for name, module in api.SUBMODULES.items():\n"
        "    assert getattr(api, name) is sys.modules[module], name\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert set(json.loads(proc.stdout)) == files  # every api_*.py module is reachable


def test_version_option_prints_the_installed_version_and_start_up_does_not_read_it() -> None:
    from importlib import metadata

    from govctl import DISTRIBUTION

    done = subprocess.run(
        [sys.executable, "-m", "govctl", "--version"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (0, f"govctl, version {metadata.version(DISTRIBUTION)}\n")
    probe = (
        "import govctl, govctl.cli.main\n"
        "print(govctl._installed_version.cache_info().currsize)\n"
    )
    started = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert started.stdout == "0\n"  # importing the CLI did not compute the version
