"""A local HTTP server that calls a Lambda handler as an AWS integration would."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any

from apig_wsgi.streaming import STREAMED
from apig_wsgi.streaming import StreamingHandler
from apig_wsgi.testing.client import LambdaContext
from apig_wsgi.testing.client import LambdaHandler
from apig_wsgi.testing.events import DEFAULT_STAGES
from apig_wsgi.testing.events import FORMATS
from apig_wsgi.testing.events import build_event
from apig_wsgi.testing.responses import Response
from apig_wsgi.testing.responses import decode_result
from apig_wsgi.testing.responses import failure_response
from apig_wsgi.testing.responses import request_problem

logger = logging.getLogger("apig_wsgi.server")

# Hop-by-hop headers and the length belong to this connection, not the app.
_CONNECTION_HEADERS = frozenset(
    ("connection", "content-length", "keep-alive", "transfer-encoding")
)


class LocalServer(ThreadingHTTPServer):
    """Serve ``handler`` on ``address``, shaping requests as ``format``'s events."""

    daemon_threads = True
    # handle_request() waits at most this long, so a stop request is seen soon.
    timeout = 0.5

    def __init__(
        self,
        address: tuple[str, int],
        handler: LambdaHandler,
        *,
        format: str = "http",
        stage: str | None = None,
        binary_media_types: Sequence[str] = (),
    ) -> None:
        if format not in FORMATS:
            raise ValueError(
                f"Unknown event format {format!r}, expected one of: "
                f"{', '.join(FORMATS)}."
            )
        # Fail now, not on the first request, for a stage the format lacks.
        build_event(format, stage=stage)
        self.handler = handler
        self.format = format
        self.stage = stage
        self.binary_media_types = tuple(binary_media_types)
        self.host = address[0]
        super().__init__(address, _RequestHandler)

    @property
    def stage_prefix(self) -> str:
        """The stage at the start of every URL path, like on AWS, or ""."""
        stage = self.stage or DEFAULT_STAGES.get(self.format)
        return "" if stage in (None, "$default") else f"/{stage}"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.server_port}{self.stage_prefix}/"

    def respond(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        source_ip: str,
        sink: _ClientStream | None = None,
    ) -> Response | None:
        """Build the event, call the handler and decode its result.

        A streaming handler (``make_streaming_handler``) streams into ``sink``
        instead, for the fronts it streams; then the result is None.
        """
        # The client's URL carries the stage where AWS's would, but the
        # builders take the path after it and put the stage back themselves.
        prefix = self.stage_prefix
        if prefix:
            path, separator, query = target.partition("?")
            if path != prefix and not path.startswith(prefix + "/"):
                return _forbidden(f"{path!r} is not under the stage {prefix!r}")
            target = (path[len(prefix) :] or "/") + separator + query
        event = build_event(
            self.format,
            method,
            target,
            headers=headers,
            body=body,
            stage=self.stage,
            source_ip=source_ip,
            binary_media_types=self.binary_media_types,
            scheme="http",
        )
        refusal = request_problem(event, self.format)
        if refusal is not None:
            logger.warning(
                "The %s integration refuses: %s.", self.format, refusal.error
            )
            return refusal
        try:
            if sink is not None and isinstance(self.handler, StreamingHandler):
                result = self.handler.invoke(event, LambdaContext(), sink)
                if result is STREAMED:
                    return None
            else:
                result = self.handler(event, LambdaContext())
        except Exception as exc:
            logger.exception("The Lambda handler raised an exception.")
            return failure_response(self.format, f"the handler raised {exc!r}")
        accept = next((v for k, v in headers if k.lower() == "accept"), None)
        response = decode_result(
            result,
            self.format,
            accept=accept,
            binary_media_types=self.binary_media_types,
        )
        if response.error is not None:
            logger.warning(
                "The %s integration would answer %d: %s.",
                self.format,
                response.status,
                response.error,
            )
        return response


def _forbidden(reason: str) -> Response:
    # API Gateway's answer to a path outside every stage of the API.
    body = b'{"message":"Forbidden"}'
    logger.warning("API Gateway would answer 403: %s.", reason)
    return Response(
        403,
        "Forbidden",
        (("Content-Type", "application/json"), ("Content-Length", str(len(body)))),
        body,
        error=reason,
    )


class _RequestHandler(BaseHTTPRequestHandler):
    server: LocalServer
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        if not self.path.startswith("/"):
            self.send_error(400, f"Unsupported request target {self.path!r}")
            return
        body = self._read_body()
        if body is None:
            return
        # The body is de-chunked here, so its framing header no longer applies.
        headers = [
            (name, value)
            for name, value in self.headers.items()
            if name.lower() != "transfer-encoding"
        ]
        response = self.server.respond(
            self.command,
            self.path,
            headers,
            body,
            self.client_address[0],
            _ClientStream(self),
        )
        if response is None:
            return
        # Logged before sending, so a client that got its answer finds it logged.
        logger.info(
            '%s "%s" %d %d',
            self.address_string(),
            self.requestline,
            response.status,
            len(response.body),
        )
        self.send_response(response.status, response.reason)
        for name, value in response.headers:
            if name.lower() not in _CONNECTION_HEADERS:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunks()
        length = self.headers.get("Content-Length", "0")
        if not length.isdigit():
            self.send_error(400, f"Invalid Content-Length {length!r}")
            return None
        return self.rfile.read(int(length))

    def _read_chunks(self) -> bytes | None:
        chunks: list[bytes] = []
        while True:
            size_line = self.rfile.readline().split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                self.send_error(400, f"Invalid chunk size {size_line!r}")
                return None
            if size == 0:
                # Skip the trailer section up to its blank line.
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing here: ``_serve`` logs each request with its body size."""

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s", self.address_string(), format % args)


class _ClientStream:
    """Sends a streamed response to the client as it comes, chunk by chunk.

    The prelude is read as the Function URL (or REST API) would read it.
    """

    def __init__(self, request: _RequestHandler) -> None:
        self.request = request
        self.status = 0
        self.sent = 0

    def start(self, prelude: bytes) -> None:
        meta = json.loads(prelude)
        request = self.request
        self.status = meta["statusCode"]
        request.send_response(self.status)
        headers = list(meta.get("headers", {}).items())
        for name, values in meta.get("multiValueHeaders", {}).items():
            headers.extend((name, value) for value in values)
        headers.extend(("Set-Cookie", cookie) for cookie in meta.get("cookies", ()))
        for name, value in headers:
            if name.lower() not in _CONNECTION_HEADERS:
                request.send_header(name, value)
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()

    def send(self, chunk: bytes) -> None:
        self.sent += len(chunk)
        if self.request.command != "HEAD":
            self.request.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    def finish(self, error: BaseException | None) -> None:
        request = self.request
        logger.info(
            '%s "%s" %d %d (streamed)',
            request.address_string(),
            request.requestline,
            self.status,
            self.sent,
        )
        if error is not None:
            # No last chunk: the client sees the response end unfinished.
            logger.warning("The streamed response ended early: %r.", error)
            request.close_connection = True
        elif request.command != "HEAD":
            request.wfile.write(b"0\r\n\r\n")
