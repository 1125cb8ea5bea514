"""The rendered configuration against LiteLLM itself (pinned, in its own virtualenv).

- LiteLLM's own ``Router`` accepts the rendered model list and fallbacks;
- a real ``litellm`` proxy on 127.0.0.1 starts with the rendered reference config, serves every
  model group, and ``govctl gateway diff --url`` reads its effective configuration back over the
  admin API and reports no drift;
- a proxy started with a drifted config is caught through the same API.

No provider is ever called: every credential is a dummy value and no completion is requested.
The LiteLLM virtualenv comes from ``scripts/install-litellm.sh``; without it these tests skip
loudly (``GOVCTL_REQUIRE_LITELLM=1``, as in CI, turns that into a failure).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import NOW, REPO_ROOT
from tests.test_reference_repository import copy_reference

pytestmark = pytest.mark.slow
MASTER_KEY = "sk-govctl-test"


def litellm_python() -> Path:
    explicit = os.environ.get("GOVCTL_LITELLM_PYTHON")
    candidate = Path(explicit) if explicit else REPO_ROOT / ".cache/litellm/venv/bin/python"
    if candidate.is_file():
        return candidate
    message = (
        f"LiteLLM is not installed ({candidate}); run scripts/install-litellm.sh — "
        "the gateway tests against a real LiteLLM proxy are SKIPPED"
    )
    if os.environ.get("GOVCTL_REQUIRE_LITELLM") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def python() -> Path:
    return litellm_python()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_reference(tmp_path_factory.mktemp("gw") / "repo")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def run_cli(
    *args: str, env_extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "govctl", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def render(repo: Path, target: Path) -> str:
    done = run_cli(
        "-C", str(repo), "gateway", "render", "--no-audit", "--now", NOW, "-o", str(target)
    )
    assert done.returncode == 0, done.stderr
    return target.read_text(encoding="utf-8")


def dummy_environment(config_text: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "AZURE", "AWS"))}
    for name in set(re.findall(r"os\.environ/([A-Za-z0-9_]+)", config_text)):
        env[name] = "http://127.0.0.1:9" if name.endswith(("_BASE", "_ENDPOINT")) else "dummy"
    env.update(
        LITELLM_MASTER_KEY=MASTER_KEY,
        LITELLM_LOCAL_MODEL_COST_MAP="True",
        LITELLM_LOG="ERROR",
        NO_PROXY="*",
    )
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Proxy:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str) -> object:
        request = urllib.request.Request(
            self.url + path, headers={"Authorization": f"Bearer {MASTER_KEY}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


def start_proxy(python: Path, config: Path, text: str) -> Proxy:
    port = free_port()
    log = config.with_suffix(".log")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(python),
                "-m",
                "litellm.proxy.proxy_cli",
                "--config",
                str(config),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--num_workers",
                "1",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dummy_environment(text),
            cwd=config.parent,
        )
    return Proxy(f"http://127.0.0.1:{port}", process, log)


def wait_ready(proxy: Proxy, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proxy.process.poll() is not None:
            raise AssertionError(f"proxy exited: {proxy.log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(proxy.url + "/health/liveliness", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"proxy not ready: {proxy.log.read_text(errors='replace')[-3000:]}")


def stop(proxy: Proxy) -> None:
    proxy.process.terminate()
    try:
        proxy.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proxy.process.kill()
        proxy.process.wait(timeout=20)


def drifted(text: str) -> str:
    """The rendered config with a swapped primary model and a shadow route added."""
    yaml = YAML(typ="safe", pure=True)
    config = yaml.load(text)
    group = next(g for g in config["model_list"] if g["model_name"] == "support-assistant-eu-prod")
    group["litellm_params"]["model"] = "azure/gpt-4o-2024-11-20"
    config["model_list"].append(
        {
            "model_name": "shadow-assistant",
            "litellm_params": {
                "model": "openai/gpt-4o-mini",
                "api_key": "os.environ/OPENAI_API_KEY",
            },
        }
    )
    from govctl.gateway.litellm_render import dump_yaml

    return dump_yaml(config)


@pytest.fixture(scope="module")
def proxies(
    python: Path, repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Proxy, Proxy, str]]:
    folder = tmp_path_factory.mktemp("proxies")
    text = render(repo, folder / "clean.yaml")
    (folder / "drift.yaml").write_text(drifted(text), encoding="utf-8")
    clean = start_proxy(python, folder / "clean.yaml", text)
    bad = start_proxy(python, folder / "drift.yaml", (folder / "drift.yaml").read_text())
    try:
        wait_ready(clean)
        wait_ready(bad)
        yield clean, bad, text
    finally:
        stop(clean)
        stop(bad)


def test_litellm_router_accepts_the_rendered_config(
    python: Path, repo: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.yaml"
    text = render(repo, config)
    # Deployment budgets start a background task: the Router is built inside an event loop,
    # as the proxy builds it.
    script = (
        "import asyncio, sys, yaml, litellm\n"
        "cfg = yaml.safe_load(open(sys.argv[1]))\n"
        "async def main():\n"
        "    r = litellm.Router(model_list=cfg['model_list'],"
        " fallbacks=cfg['router_settings']['fallbacks'])\n"
        "    print(sorted(r.get_model_names()))\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [str(python), "-c", script, str(config)],
        capture_output=True,
        text=True,
        env=dummy_environment(text),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names = eval(done.stdout.strip().splitlines()[-1])  # a printed list of strings
    assert "support-assistant-eu-prod" in names
    assert "support-assistant-eu-prod--fallback-2" in names
    assert len(names) == text.count("- model_name: ")


def test_the_proxy_serves_every_rendered_group(proxies: tuple[Proxy, Proxy, str]) -> None:
    clean, _, text = proxies
    served = {m["model_name"] for m in clean.get("/model/info")["data"]}  # type: ignore[index]
    assert served == set(re.findall(r"^- model_name: (\S+)$", text, re.M))
    fallback = clean.get("/fallback/support-assistant-eu-prod")
    assert fallback["fallback_models"] == [  # type: ignore[index]
        "support-assistant-eu-prod--fallback-1",
        "support-assistant-eu-prod--fallback-2",
    ]


def diff_url(repo: Path, url: str, key: str = MASTER_KEY) -> subprocess.CompletedProcess[str]:
    """``gateway diff --url`` as JSON, the admin key read from a variable as users would."""
    return run_cli(
        "-C",
        str(repo),
        "gateway",
        "diff",
        "--url",
        url,
        "--no-audit",
        "--now",
        NOW,
        "--format",
        "json",
        "--api-key-env",
        "GOVCTL_TEST_KEY",
        env_extra={"GOVCTL_TEST_KEY": key},
    )


def test_round_trip_render_serve_diff_reports_no_drift(
    proxies: tuple[Proxy, Proxy, str], repo: Path
) -> None:
    clean, _, _ = proxies
    done = diff_url(repo, clean.url)
    report = json.loads(done.stdout)
    assert done.returncode == 0, [(f["rule"], f["message"]) for f in report["findings"]]
    assert report["findings"] == [] and report["source"] == clean.url
    assert len(report["routes"]) == 10


def test_drift_in_a_running_proxy_is_found(proxies: tuple[Proxy, Proxy, str], repo: Path) -> None:
    _, bad, _ = proxies
    done = diff_url(repo, bad.url)
    assert done.returncode == 1, done.stderr
    found = {(f["rule"], f["ref"]) for f in json.loads(done.stdout)["findings"]}
    assert found == {("GOV-RTM-001", "Deployment/support-assistant-eu-prod"), ("GOV-RTM-006", None)}


def test_a_wrong_admin_key_is_one_line_exit_3(
    proxies: tuple[Proxy, Proxy, str], repo: Path
) -> None:
    clean, _, _ = proxies
    done = diff_url(repo, clean.url, key="wrong")
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and "HTTP 40" in done.stderr
