"""A Lambda Runtime API server, written from AWS's documentation, for the tests.

https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html and, for
streamed responses, "Implementing response streaming in a custom runtime" in
https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html:

- ``GET /2018-06-01/runtime/invocation/next`` answers with the event and the
  ``Lambda-Runtime-*`` headers, once there is an invocation;
- ``POST .../invocation/{id}/response`` takes the result, or, with
  ``Lambda-Runtime-Function-Response-Mode: streaming``, a chunked body whose
  trailers may carry ``Lambda-Runtime-Function-Error-Type`` and ``-Body``;
- ``POST .../invocation/{id}/error`` and ``POST .../init/error`` take an error
  document and the ``Lambda-Runtime-Function-Error-Type`` header.

Every accepted post is answered ``202 Accepted``. ``FakeLambda`` also plays
Lambda's part around the runtime process: it starts it as a real subprocess,
and stops it (SIGKILL) when an invocation passes its deadline, as Lambda does.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "/2018-06-01/runtime"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:streaming"
WAIT = 30.0


class Invocation:
    """One invocation: what the runtime was sent and what it posted back."""

    def __init__(self, event: Any, deadline_ms: int, headers: dict[str, str]):
        self.request_id = str(uuid.uuid4())
        self.body = event if isinstance(event, bytes) else json.dumps(event).encode()
        self.deadline_ms = deadline_ms
        self.extra_headers = headers
        self.done = threading.Event()
        self.kind = ""  # "response", "stream", "error" or "timeout"
        self.request_headers: dict[str, str] = {}
        self.payload = b""
        # The streamed body, chunk by chunk, with the time each one arrived.
        self.chunks: list[tuple[float, bytes]] = []
        self.trailers: dict[str, str] = {}
        self.first_chunk = threading.Event()
        # Misbehaviours, to see the runtime cope: answer the post with this
        # status, or with bytes that are not HTTP, or drop the connection.
        self.reply_status = 202
        self.garbage_reply = False
        self.drop_mid_stream = False

    @property
    def result(self) -> Any:
        assert self.kind == "response", self.kind
        return json.loads(self.payload)

    @property
    def error(self) -> dict[str, Any]:
        assert self.kind == "error", self.kind
        document: dict[str, Any] = json.loads(self.payload)
        return document

    @property
    def stream(self) -> bytes:
        assert self.kind == "stream", self.kind
        return b"".join(chunk for _, chunk in self.chunks)

    def prelude_and_body(self) -> tuple[dict[str, Any], bytes]:
        prelude, delimiter, body = self.stream.partition(b"\0" * 8)
        assert delimiter, self.stream[:200]
        return json.loads(prelude), body


class FakeLambda(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, tmp_path: Path) -> None:
        super().__init__(("127.0.0.1", 0), _RuntimeAPIHandler)
        self.tmp_path = tmp_path
        self.pending: queue.Queue[Invocation | None] = queue.Queue()
        self.invocations: dict[str, Invocation] = {}
        self.init_errors: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.init_error_posted = threading.Event()
        # Set while a GET /next waits for an invocation.
        self.waiting = threading.Event()
        self.next_requests = 0
        self.next_status = 200
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.thread = threading.Thread(target=self.serve_forever, args=(0.01,))
        self.thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_port}"

    # -- the runtime process ------------------------------------------------

    def start_runtime(
        self,
        handler: str,
        env: Mapping[str, str | None] | None = None,
        argv: list[str] | None = None,
        command: list[str] | None = None,
        cwd: Path | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start the runtime as Lambda would: ``python -m apig_wsgi.runtime``.

        ``command`` replaces that, and ``None`` values in ``env`` unset a
        variable. It runs in the project's root unless ``cwd`` (Lambda's is
        the task root) says otherwise.
        """
        self.starts += 1
        self.handler_spec = handler
        self.runtime_env = dict(env or {})
        self.argv = list(argv or ())
        self.command = command or [sys.executable, "-m", "apig_wsgi.runtime"]
        self.cwd = cwd or ROOT
        environ = {
            key: value
            for key, value in os.environ.items()
            # Lambda sets none of these; PYTHONUNBUFFERED would hide whether
            # the runtime keeps its log lines back.
            if not key.startswith(("AWS_", "_HANDLER", "APIG_WSGI_"))
            and key != "PYTHONUNBUFFERED"
        }
        environ.update(
            {
                "AWS_LAMBDA_RUNTIME_API": self.address,
                "_HANDLER": handler,
                # Modules the tests write go here, as a function's code does.
                "LAMBDA_TASK_ROOT": str(self.tmp_path),
                "AWS_LAMBDA_FUNCTION_NAME": "streaming",
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
                "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/streaming",
                "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/29/[$LATEST]abc",
                "PYTHONPATH": str(ROOT),
            }
        )
        for key, value in self.runtime_env.items():
            if value is None:
                environ.pop(key, None)
            else:
                environ[key] = value
        self.log_path = self.tmp_path / f"runtime-{self.starts}.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [*self.command, *self.argv],
                env=environ,
                # Coverage's relative omit patterns need the project's root.
                cwd=str(self.cwd),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self.process

    def wait_until_idle(self) -> None:
        """Wait until the runtime asks for the next invocation."""
        assert self.waiting.wait(WAIT), self.log()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            # As Lambda ends an idle runtime; it exits and saves its coverage.
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(WAIT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.pending.put(None)
        self.shutdown()
        self.thread.join()
        self.server_close()

    # -- invocations --------------------------------------------------------

    def submit(
        self,
        event: Any,
        *,
        timeout_ms: int = 30_000,
        headers: dict[str, str] | None = None,
    ) -> Invocation:
        invocation = Invocation(
            event, int(time.time() * 1000) + timeout_ms, dict(headers or {})
        )
        self.invocations[invocation.request_id] = invocation
        self.pending.put(invocation)
        return invocation

    def invoke(self, event: Any, **kwargs: Any) -> Invocation:
        invocation = self.submit(event, **kwargs)
        self.wait(invocation)
        return invocation

    def wait(self, invocation: Invocation) -> None:
        """Wait for the answer; past the deadline, stop the runtime as Lambda does."""
        remaining = invocation.deadline_ms / 1000 - time.time()
        if invocation.done.wait(max(remaining, 0)):
            return
        process = self.process
        assert process is not None
        process.send_signal(signal.SIGKILL)
        process.wait()
        invocation.kind = "timeout"
        invocation.done.set()
        self.waiting.clear()
        # Lambda starts the function again for the next invocation.
        self.start_runtime(
            self.handler_spec, self.runtime_env, self.argv, self.command, self.cwd
        )


class _RuntimeAPIHandler(BaseHTTPRequestHandler):
    server: FakeLambda
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read what was posted, not an access log."""

    def reply(self, status: int, body: bytes = b'{"status":"OK"}') -> None:
        self.send_response(status)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path != f"{PREFIX}/invocation/next":
            self.reply(404, b'{"errorMessage":"not found"}')
            return
        fake = self.server
        fake.next_requests += 1
        if fake.next_status != 200:
            self.reply(fake.next_status, b'{"errorMessage":"container error"}')
            return
        fake.waiting.set()
        invocation = fake.pending.get()
        fake.waiting.clear()
        if invocation is None:
            self.close_connection = True
            return
        self.send_response(200)
        headers = {
            "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
            "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": FUNCTION_ARN,
            "Lambda-Runtime-Trace-Id": (
                "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;"
                "Parent=9a9197af755a6419;Sampled=1"
            ),
            "Content-Type": "application/json",
            "Content-Length": str(len(invocation.body)),
            **invocation.extra_headers,
        }
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(invocation.body)

    def do_POST(self) -> None:
        path = self.path
        if path == f"{PREFIX}/init/error":
            document = json.loads(self.read_body())
            self.server.init_errors.append((dict(self.headers.items()), document))
            self.reply(202)
            self.server.init_error_posted.set()
            return
        _, _, rest = path.partition(f"{PREFIX}/invocation/")
        request_id, _, action = rest.partition("/")
        invocation = self.server.invocations.get(request_id)
        if invocation is None or action not in ("response", "error"):
            self.read_body()
            self.reply(400, b'{"errorMessage":"unknown request id"}')
            return
        invocation.request_headers = dict(self.headers.items())
        if action == "error":
            invocation.payload = self.read_body()
            invocation.kind = "error"
            # Lambda may close a connection after any answer.
            self.close_connection = True
        elif self.headers.get("Lambda-Runtime-Function-Response-Mode") == "streaming":
            # The runtime closes this connection anyway; so may Lambda.
            self.close_connection = True
            if not self.read_stream(invocation):
                # The runtime was stopped mid-stream, or the connection dropped.
                return
            invocation.kind = "stream"
        else:
            invocation.payload = self.read_body()
            invocation.kind = "response"
        if invocation.garbage_reply:
            self.wfile.write(b"NOT HTTP\r\n")
            self.close_connection = True
        else:
            self.reply(invocation.reply_status)
        invocation.done.set()

    def read_body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def read_stream(self, invocation: Invocation) -> bool:
        """Read a chunked body and its trailers; False if the runtime went away."""
        assert self.headers["Transfer-Encoding"] == "chunked"
        while True:
            size_line = self.rfile.readline()
            if not size_line:
                return False
            size = int(size_line, 16)
            if size == 0:
                break
            invocation.chunks.append((time.monotonic(), self.rfile.read(size)))
            invocation.first_chunk.set()
            if invocation.drop_mid_stream and len(invocation.chunks) == 2:
                self.connection.shutdown(socket.SHUT_RDWR)
                invocation.kind = "dropped"
                invocation.done.set()
                return False
            assert self.rfile.readline() == b"\r\n"
        while True:
            line = self.rfile.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            invocation.trailers[name.strip()] = value.strip()
        return True
