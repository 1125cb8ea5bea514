"""Network helpers for the failure tests: a TCP proxy in front of a real OPA, and (for the
"garbage answer" case only, which a real OPA never produces) a tiny fake HTTP server."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

EVALUATION_MARK = b"govctl_entry_batch"


class Proxy:
    """Forwards 127.0.0.1:<port> to an upstream address, one thread pair per connection.

    ``delay_evaluation``: seconds to hold every batch-evaluation request before forwarding it.
    ``on_evaluation``: called (once per request, with its ordinal) when a batch-evaluation
    request arrives, before it is forwarded — e.g. to kill the upstream OPA.
    """

    def __init__(self, upstream_port: int, *, delay_evaluation: float = 0.0,
                 on_evaluation: Callable[[int], None] | None = None) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.delay = delay_evaluation
        self.on_evaluation = on_evaluation
        self.evaluations = 0
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self.port = self._server.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.upstream, timeout=30)
        except OSError:
            client.close()
            return
        threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()
        self._pump(client, upstream, inspect=True)

    def _pump(self, source: socket.socket, sink: socket.socket, inspect: bool = False) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if inspect and data.startswith(b"POST ") and EVALUATION_MARK in data[:300]:
                    self._evaluation()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def _evaluation(self) -> None:
        with self._lock:
            self.evaluations += 1
            ordinal = self.evaluations
        if self.on_evaluation is not None:
            self.on_evaluation(ordinal)
        if self.delay:
            time.sleep(self.delay)

    def close(self) -> None:
        self._closed = True
        self._server.close()


Responder = Callable[[str, str], tuple[int, Any]]  # (method, path) → (status, body)


class FakeOpaRoutes:
    """Answers like OPA for version, namespace records and uploads (a module or data document
    PUT is given back by GET, a module without an AST); ``evaluation`` for POSTs."""

    def __init__(self, evaluation: tuple[int, Any]) -> None:
        self.evaluation = evaluation
        self.policies: dict[str, str] = {}
        self.data: dict[str, Any] = {}

    def __call__(self, method: str, path: str, body: bytes = b"") -> tuple[int, Any]:
        policy = path.split("?", 1)[0].removeprefix("/v1/policies/")
        if method == "GET" and path.startswith("/v1/config"):
            return 200, {"result": {"labels": {"id": "fake", "version": "9.9.9"}}}
        document = path.split("?", 1)[0].removeprefix("/v1/data/")
        if method == "GET" and path.startswith("/v1/data/"):
            return 200, {"result": self.data[document]} if document in self.data else {}
        if method == "GET" and path.startswith("/v1/policies/") and policy in self.policies:
            return 200, {"result": {"id": policy, "raw": self.policies[policy]}}
        if method == "GET" and path.startswith("/v1/policies"):
            return 200, {"result": []}
        if method == "PUT" and path.startswith("/v1/data/"):
            self.data[document] = json.loads(body or b"null")
            return 204, None
        if method == "PUT" and path.startswith("/v1/policies/"):
            self.policies[policy] = body.decode("utf-8")
            return 200, {}
        if method == "POST":
            return self.evaluation
        return 404, {"code": "resource_not_found", "message": path}


def fake_opa_routes(evaluation: tuple[int, Any]) -> FakeOpaRoutes:
    return FakeOpaRoutes(evaluation)


class FakeServer:
    """A ThreadingHTTPServer on a free loopback port answering with ``responder``. A body that
    is ``bytes`` is sent as is (garbage); anything else as JSON."""

    def __init__(self, responder: Responder) -> None:
        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                sent = self.rfile.read(length) if length else b""
                if isinstance(responder, FakeOpaRoutes):
                    status, body = responder(self.command, self.path, sent)
                else:
                    status, body = responder(self.command, self.path)
                raw = body if isinstance(body, bytes) else (
                    b"" if body is None else json.dumps(body).encode()
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_PUT = do_POST = do_DELETE = _answer

            def log_message(self, *_args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
