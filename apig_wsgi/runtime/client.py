"""A client for the Lambda Runtime API, HTTP/1.1 over a plain socket.

https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
``http.client`` would do, but importing it (and the ``email`` package it
needs) takes about 15 ms of every cold start; the API needs only this much.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import BinaryIO

API_VERSION = "2018-06-01"
USER_AGENT = "apig-wsgi-runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
ERROR_BODY_TRAILER = "Lambda-Runtime-Function-Error-Body"
# The content type that tells Lambda the stream starts with an HTTP prelude.
HTTP_INTEGRATION_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response"


class RuntimeAPIError(Exception):
    """The Runtime API answered unexpectedly; the runtime cannot go on."""


class Reply:
    """The Runtime API's answer: status, headers (lower-case names) and body."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body


class RuntimeClient:
    """Talks to the Runtime API at ``address`` ("host:port"), one request at a time."""

    def __init__(self, address: str) -> None:
        host, colon, port = address.rpartition(":")
        if not colon or not port.isdigit():
            raise RuntimeAPIError(
                f"AWS_LAMBDA_RUNTIME_API is {address!r}, expected HOST:PORT."
            )
        self.host = host
        self.port = int(port)
        self.authority = address
        self.connection: socket.socket | None = None
        self.reader: BinaryIO | None = None

    def connect(self) -> socket.socket:
        if self.connection is None:
            connection = socket.create_connection((self.host, self.port))
            # Small chunks of a stream must leave now, not wait for an ACK.
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.connection = connection
            self.reader = connection.makefile("rb")
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            assert self.reader is not None
            self.reader.close()
            self.connection.close()
            self.connection = self.reader = None

    def request_head(
        self, method: str, path: str, headers: list[tuple[str, str]]
    ) -> bytes:
        lines = [
            f"{method} /{API_VERSION}/runtime/{path} HTTP/1.1",
            f"Host: {self.authority}",
            f"User-Agent: {USER_AGENT}",
        ]
        lines.extend(f"{name}: {value}" for name, value in headers)
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: list[tuple[str, str]] | None = None,
    ) -> Reply:
        all_headers = list(headers or ())
        if method == "POST":
            all_headers.append(("Content-Length", str(len(body))))
        connection = self.connect()
        connection.sendall(self.request_head(method, path, all_headers) + body)
        return self.read_reply()

    def read_reply(self) -> Reply:
        reader = self.reader
        assert reader is not None
        status_line = reader.readline()
        parts = status_line.split(None, 2)
        if len(parts) < 2 or not parts[1].isdigit():
            self.close()
            raise RuntimeAPIError(
                f"The Runtime API sent {status_line[:80]!r}, not an HTTP status line."
            )
        headers: dict[str, str] = {}
        while True:
            line = reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        # The Runtime API's answers are small JSON documents with a length.
        body = reader.read(int(headers.get("content-length") or 0))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return Reply(int(parts[1]), headers, body)

    def next_invocation(self) -> Reply:
        """Wait, without a time limit, for the next event (AWS's advice)."""
        reply = self.request("GET", "invocation/next")
        if reply.status != 200:
            raise RuntimeAPIError(
                f"The Runtime API answered {reply.status} to the request for the "
                f"next invocation: {reply.body[:200]!r}."
            )
        return reply

    def post_response(self, request_id: str, body: bytes) -> Reply:
        return self.request(
            "POST",
            f"invocation/{request_id}/response",
            body,
            [("Content-Type", "application/json")],
        )

    def post_error(self, request_id: str, document: bytes, error_type: str) -> Reply:
        return self.request(
            "POST",
            f"invocation/{request_id}/error",
            document,
            [("Content-Type", "application/json"), (ERROR_TYPE_HEADER, error_type)],
        )

    def post_init_error(self, document: bytes, error_type: str) -> Reply:
        return self.request(
            "POST",
            "init/error",
            document,
            [("Content-Type", "application/json"), (ERROR_TYPE_HEADER, error_type)],
        )

    def open_stream(self, request_id: str) -> socket.socket:
        """Start a streamed response; send its body with ``send_chunk``.

        https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming
        """
        connection = self.connect()
        connection.sendall(
            self.request_head(
                "POST",
                f"invocation/{request_id}/response",
                [
                    ("Lambda-Runtime-Function-Response-Mode", "streaming"),
                    ("Transfer-Encoding", "chunked"),
                    ("Content-Type", HTTP_INTEGRATION_CONTENT_TYPE),
                    # Trailers must be announced before the body starts.
                    ("Trailer", f"{ERROR_TYPE_HEADER}, {ERROR_BODY_TRAILER}"),
                ],
            )
        )
        return connection

    def end_stream(self, trailers: list[tuple[str, str]]) -> Reply:
        """Send the last chunk and ``trailers``, then close, as AWS asks."""
        connection = self.connect()
        ending = "0\r\n" + "".join(f"{name}: {value}\r\n" for name, value in trailers)
        connection.sendall((ending + "\r\n").encode("latin-1"))
        try:
            return self.read_reply()
        finally:
            self.close()


def send_chunk(connection: socket.socket, data: bytes) -> None:
    """One chunk of a chunked request body, sent now."""
    connection.sendall(b"%x\r\n%s\r\n" % (len(data), data))
