"""Benchmark the policy engines on the same input documents: embedded (OPA's Wasm on wasmtime),
its regopy fallback, the OPA engine (a local OPA server), and `opa eval` (the OPA CLI, no server,
no HTTP) as a floor; plus the per-subject p50 by kind on one core (Wasm and regopy).

    python benchmarks/bench_engines.py --sizes 1000 10000
    python benchmarks/bench_engines.py --sizes 1000 --strategies   # how to talk to OPA

For each generated registry (benchmarks/generate_registry.py) it builds the input documents the
way `govctl check` does, then times:
- embedded: EmbeddedEngine.evaluate on the shipped Wasm module (worker processes, both cores);
- regopy: the fallback backend alone (worker processes, both cores);
- opa cold: OpaEngine.evaluate on a fresh server (uploads the bundle);
- opa warm: the same again (the bundle's namespace is reused);
- opa eval: `opa eval` over the same documents, --eval-chunk (2000) per process (compile +
  evaluate, no server, no HTTP): the cost of Rego itself on OPA;
and prints the ratios, plus a parity check of the two engines' raw results.

`--strategies` compares ways of evaluating on an OPA server (per-subject POSTs, threads, aiohttp,
AsyncOpaClient, batches): the figures behind the choice in docs/engines.md. The machine is shared
and noisy: compare figures from one run, not across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.gen_engine_inputs import eval_requests
from govctl.opa_server import OpaServer, find_opa
from govctl.policy.engine import EngineSettings, EvalRequest
from govctl.policy.opa_engine import BATCH_PACKAGE, BATCH_PATH, BATCH_SOURCE, OpaEngine

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 2000


def opa_binary() -> Path:
    explicit = os.environ.get("GOVCTL_OPA_BIN")
    found = (
        find_opa(Path(explicit))
        if explicit
        else find_opa(
            None,
            [Path(os.environ.get("OPA_CACHE_DIR") or ROOT / ".cache/opa") / "bin" / "opa"],
            os.environ.get("PATH", ""),
        )
    )
    if found is None:
        sys.exit("no OPA binary: run scripts/install-opa.sh or set GOVCTL_OPA_BIN")
    return found


def make_registry(size: int, folder: Path) -> Path:
    out = folder / f"reg{size}"
    try:
        from benchmarks.generate_registry import generate
    except ImportError:  # the shared generator is not there: use this benchmark's own
        from benchmarks.gen_engine_inputs import generate as own

        return own(out, size)
    generate(out, size, None)  # the built-in catalog: the shipped Wasm module applies
    return out


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def canonical(results: dict[str, Any]) -> dict[str, list[str]]:
    return {
        subject: sorted(
            json.dumps([f.package, f.set_name, f.value], sort_keys=True) for f in findings
        )
        for subject, findings in results.items()
    }


def run_engine(engine: Any, bundle: Any, requests: Sequence[EvalRequest]) -> Any:
    try:
        engine.version()
        return engine.evaluate(bundle, requests)
    finally:
        engine.close()


def opa_eval_floor(
    binary: Path, bundle: Any, requests: Sequence[EvalRequest], folder: Path, chunk: int = CHUNK
) -> float:
    """`opa eval` over every document, ``chunk`` documents per process; total seconds."""
    policies = folder / "policies"
    policies.mkdir(exist_ok=True)
    sources = {**bundle.sources(), BATCH_PATH: BATCH_SOURCE}
    for i, source in enumerate(sources.values()):
        (policies / f"m{i}.rego").write_text(source, encoding="utf-8")
    total = 0.0
    for start in range(0, len(requests), chunk):
        part = requests[start : start + chunk]
        docs = ",".join(
            f'{{"i":{i},"k":"{r.kind.lower()}","d":{r.input_json}}}' for i, r in enumerate(part)
        )
        (folder / "input.json").write_text('{"docs":[' + docs + "]}", encoding="utf-8")
        seconds, done = timed(
            lambda: subprocess.run(
                [
                    str(binary),
                    "eval",
                    "--strict-builtin-errors",
                    "-f",
                    "json",
                    "-d",
                    str(policies),
                    "-i",
                    str(folder / "input.json"),
                    f"count(data.{BATCH_PACKAGE}.results)",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
        )
        answer = json.loads(done.stdout)["result"][0]["expressions"][0]["value"]
        assert answer == len(part), answer
        total += seconds
    return total


def bench_size(size: int, binary: Path, folder: Path, chunk: int) -> None:
    root = make_registry(size, folder)
    bundle, requests = eval_requests(root)
    n = len(requests)
    print(
        f"\n== {size} artifacts: {n} subjects evaluated, "
        f"{sum(len(r.input_json) for r in requests) / n / 1024:.1f} KiB input each =="
    )
    from govctl.policy.engines import create_engine, prepare_engine

    def embedded(name: str) -> Any:
        # Every core, as the OPA server uses: the inputs are built already. (``govctl check``
        # leaves one core to its own process, which builds the inputs while workers evaluate.)
        engine = create_engine(name, EngineSettings(workers=os.cpu_count() or 1))
        prepare_engine(engine, bundle)
        return run_engine(engine, bundle, requests)

    t_emb, emb = timed(lambda: embedded("embedded"))
    t_rego, rego = timed(lambda: embedded("regopy"))
    with OpaServer(binary) as server:
        settings = EngineSettings(opa_url=server.url)
        t_cold, opa = timed(lambda: run_engine(OpaEngine(settings), bundle, requests))
        t_warm, opa2 = timed(lambda: run_engine(OpaEngine(settings), bundle, requests))
    t_floor = opa_eval_floor(binary, bundle, requests, folder, chunk)
    same = canonical(emb) == canonical(opa) == canonical(opa2) == canonical(rego)
    rows = [
        ("embedded (OPA Wasm, workers)", t_emb),
        ("regopy fallback (2 workers)", t_rego),
        ("opa engine, cold (uploads)", t_cold),
        ("opa engine, warm (reused)", t_warm),
        (f"opa eval CLI ({chunk}/process)", t_floor),
    ]
    for name, seconds in rows:
        print(
            f"  {name:32s} {seconds:8.2f} s  {n / seconds:8.0f} subjects/s  "
            f"x{seconds / t_floor:5.2f} of opa eval"
        )
    print(
        f"  ratios: embedded/opa-warm {t_emb / t_warm:.2f} (throughput x{t_warm / t_emb:.2f}), "
        f"regopy/embedded {t_rego / t_emb:.2f}, opa-warm/opa-eval {t_warm / t_floor:.2f}; "
        f"parity of raw results (4 engines): {'identical' if same else 'DIFFERENT'}"
    )
    per_subject_p50(bundle, requests)


def per_subject_p50(bundle: Any, requests: Sequence[EvalRequest], limit: int = 400) -> None:
    """p50 of one evaluation per kind on one core: Wasm in this process, regopy in-process."""
    import statistics

    from govctl.policy.engine import entrypoint
    from govctl.policy.wasm_build import compiled_module, module_for
    from govctl.policy.wasm_engine import load_policy

    source, _ = module_for(bundle, None)
    assert source is not None, "the shipped module does not match the catalog"
    wasm = load_policy(compiled_module(source.wasm), getattr(bundle, "data", None) or {})
    from regopy import Interpreter, LogLevel

    interpreter = Interpreter()
    interpreter.log_level = LogLevel.NONE
    interpreter.strict_built_in_errors = True
    for path, text in bundle.sources().items():
        interpreter.add_module(path, text)
    kinds = sorted({r.kind for r in requests})
    compiled = interpreter.build(None, [entrypoint(k) for k in kinds])
    for kind in ("Deployment", "Prompt", "EvalRun", "Model"):
        sample = [r for r in requests if r.kind == kind][:limit]
        if not sample:
            continue
        wasm_times, rego_times = [], []
        for r in sample:
            data = r.input_json.encode()
            start = time.perf_counter()
            wasm.evaluate(entrypoint(kind), data)
            wasm_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            interpreter.set_input_term(r.input_json)
            interpreter.query_bundle_entrypoint(compiled, entrypoint(kind))
            rego_times.append(time.perf_counter() - start)
        print(
            f"  p50 {kind:11s} Wasm {statistics.median(wasm_times) * 1000:6.3f} ms   "
            f"regopy {statistics.median(rego_times) * 1000:6.3f} ms   ({len(sample)} subjects)"
        )


# --- evaluation strategies on an OPA server ----------------------------------------------------
def strategies(size: int, binary: Path, folder: Path) -> None:
    import aiohttp
    import requests as http
    from opa_client import AsyncOpaClient

    root = make_registry(size, folder)
    bundle, reqs = eval_requests(root)
    with OpaServer(binary) as server:
        engine = OpaEngine(EngineSettings(opa_url=server.url))
        run_engine(engine, bundle, reqs[:1])  # upload the namespace once
        from govctl.policy.opa_policies import Layout

        layout = Layout.of({**bundle.sources(), BATCH_PATH: BATCH_SOURCE})
        base = f"{server.url}/v1/data/{layout.namespace}"
        strict = "?strict-builtin-errors=true"

        def body(r: EvalRequest) -> bytes:
            return ('{"input":' + r.input_json + "}").encode()

        def one(session: Any, r: EvalRequest) -> Any:
            return session.post(
                f"{base}/govctl_entry/{r.kind.lower()}{strict}",
                data=body(r),
                headers={"Content-Type": "application/json"},
            ).json()["result"]

        def sequential() -> int:
            with http.Session() as s:
                return len([one(s, r) for r in reqs])

        def client_query_rule() -> int:
            from opa_client import OpaClient

            c = OpaClient(host="127.0.0.1", port=server.port, retries=0, timeout=60)
            out = [
                c.query_rule(
                    json.loads(r.input_json),
                    f"{layout.namespace}.govctl_entry",
                    r.kind.lower(),
                    {"strict-builtin-errors": "true"},
                )
                for r in reqs
            ]
            c.close_connection()
            return len(out)

        def threads(n: int) -> int:
            def part(chunk: list[EvalRequest]) -> int:
                with http.Session() as s:
                    return len([one(s, r) for r in chunk])

            with ThreadPoolExecutor(n) as pool:
                return sum(pool.map(part, [reqs[i::n] for i in range(n)]))

        def aio(n: int) -> int:
            async def main() -> int:
                sem = asyncio.Semaphore(n)
                async with aiohttp.ClientSession() as s:

                    async def go(r: EvalRequest) -> None:
                        async with (
                            sem,
                            s.post(
                                f"{base}/govctl_entry/{r.kind.lower()}{strict}",
                                data=body(r),
                                headers={"Content-Type": "application/json"},
                            ) as resp,
                        ):
                            await resp.json()

                    await asyncio.gather(*(go(r) for r in reqs))
                return len(reqs)

            return asyncio.run(main())

        def async_client(n: int) -> int:
            async def main() -> int:
                sem = asyncio.Semaphore(n)
                async with AsyncOpaClient(
                    host="127.0.0.1", port=server.port, retries=0, timeout=60
                ) as c:

                    async def go(r: EvalRequest) -> None:
                        async with sem:
                            await c.query_rule(
                                json.loads(r.input_json),
                                f"{layout.namespace}.govctl_entry",
                                r.kind.lower(),
                                {"strict-builtin-errors": "true"},
                            )

                    await asyncio.gather(*(go(r) for r in reqs))
                return len(reqs)

            return asyncio.run(main())

        def batches(size_: int, in_flight: int) -> Callable[[], int]:
            def run() -> int:
                import govctl.policy.opa_engine as oe

                saved = (oe.MAX_BATCH_DOCS, oe.MAX_IN_FLIGHT)
                oe.MAX_BATCH_DOCS, oe.MAX_IN_FLIGHT = size_, in_flight
                try:
                    e = OpaEngine(EngineSettings(opa_url=server.url, workers=in_flight))
                    e.in_flight = in_flight
                    return len(run_engine(e, bundle, reqs))
                finally:
                    oe.MAX_BATCH_DOCS, oe.MAX_IN_FLIGHT = saved

            return run

        cases: list[tuple[str, Callable[[], int]]] = [
            ("per subject, client.query_rule", client_query_rule),
            ("per subject, kept-alive session", sequential),
            ("per subject, 2 threads", lambda: threads(2)),
            ("per subject, 4 threads", lambda: threads(4)),
            ("per subject, aiohttp x4", lambda: aio(4)),
            ("per subject, AsyncOpaClient x4", lambda: async_client(4)),
            ("batch 16, 2 in flight", batches(16, 2)),
            ("batch 64, 1 in flight", batches(64, 1)),
            ("batch 64, 2 in flight (chosen)", batches(64, 2)),
            ("batch 64, 4 in flight", batches(64, 4)),
            ("batch 256, 2 in flight", batches(256, 2)),
        ]
        print(f"\n== evaluation strategies, {len(reqs)} subjects (best of 3) ==")
        for name, func in cases:
            best = min(timed(func)[0] for _ in range(3))
            print(f"  {name:34s} {best:7.2f} s  {len(reqs) / best:7.0f} subjects/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 10000],
        help="Registry sizes in artifacts (default: 1000 10000).",
    )
    parser.add_argument(
        "--strategies", action="store_true",
        help="Also compare ways of evaluating on an OPA server (POSTs, threads, aiohttp …).",
    )
    parser.add_argument(
        "--eval-chunk", type=int, default=CHUNK, help="documents per `opa eval` process"
    )
    args = parser.parse_args()
    binary = opa_binary()
    print(f"OPA: {binary}; CPUs: {os.cpu_count()}")
    folder = Path(tempfile.mkdtemp(prefix="govctl-bench-engines-"))
    try:
        for size in args.sizes:
            if args.strategies:
                strategies(size, binary, folder)
            else:
                bench_size(size, binary, folder, args.eval_chunk)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
