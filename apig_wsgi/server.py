"""A local HTTP server that calls a Lambda handler as an AWS integration would."""

from __future__ import annotations

import json
import logging
import math
import re
import socket
from collections.abc import Mapping
from collections.abc import Sequence
from email.errors import FirstHeaderLineIsContinuationDefect
from email.errors import InvalidHeaderDefect
from email.errors import MissingHeaderBodySeparatorDefect
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import quote

from apig_wsgi.streaming import STREAMED
from apig_wsgi.streaming import StreamingHandler
from apig_wsgi.testing.client import LambdaContext
from apig_wsgi.testing.events import DEFAULT_STAGES
from apig_wsgi.testing.events import FORMATS
from apig_wsgi.testing.events import build_event
from apig_wsgi.testing.responses import Response
from apig_wsgi.testing.responses import decode_result
from apig_wsgi.testing.responses import failure_response
from apig_wsgi.testing.responses import request_problem

if TYPE_CHECKING:
    from apig_wsgi.handler import HandlerFunction

logger = logging.getLogger("apig_wsgi.server")

# How long a connection may wait for the client to send the next part of a
# request, or a next request, before it is closed.
DEFAULT_READ_TIMEOUT = 60.0
# API Gateway's largest payload: every front refuses a bigger body with 413.
# https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
MAX_REQUEST_BODY = 10 * 1024 * 1024

# Hop-by-hop headers and the length belong to this connection, not the app.
_CONNECTION_HEADERS = frozenset(
    ("connection", "content-length", "keep-alive", "transfer-encoding")
)
# RFC 9110 section 5.6.2.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Control characters other than horizontal tab end or split a header line.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_DIGITS = re.compile(r"[0-9]+")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
# The longest chunk-size or trailer line read, as http.server limits its lines.
_MAX_LINE = 65536
# Printable ASCII passes through; other bytes of the request target are
# percent-encoded, as a browser would have sent them.
_TARGET_SAFE = bytes(range(0x21, 0x7F))
_QUOTED_LENGTH = 80
# What the email parser behind http.server notes about a malformed header
# section; it also notes multipart defects, as it sees no body.
_HEADER_DEFECTS = (
    FirstHeaderLineIsContinuationDefect,
    InvalidHeaderDefect,
    MissingHeaderBodySeparatorDefect,
)


class LocalServer(ThreadingHTTPServer):
    """Serve ``handler`` on ``address``, shaping requests as ``format``'s events.

    ``read_timeout`` is how many seconds a connection may wait for the client
    to send more of a request, or a next request, before it is closed.
    ``authorizer``, ``claims`` or ``iam`` (as for ``build_event``) make every
    request come from that caller.
    """

    daemon_threads = True
    # handle_request() waits at most this long, so a stop request is seen soon.
    timeout = 0.5

    def __init__(
        self,
        address: tuple[str, int],
        handler: HandlerFunction,
        *,
        format: str = "http-v2",
        stage: str | None = None,
        binary_media_types: Sequence[str] = (),
        multi_value_headers: bool = False,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        authorizer: Mapping[str, Any] | None = None,
        claims: Mapping[str, Any] | None = None,
        iam: str | None = None,
    ) -> None:
        if format not in FORMATS:
            raise ValueError(
                f"Unknown event format {format!r}, expected one of: "
                f"{', '.join(FORMATS)}."
            )
        if isinstance(read_timeout, bool) or not isinstance(read_timeout, (int, float)):
            raise TypeError(
                f"read_timeout must be a number of seconds, not {read_timeout!r}."
            )
        if not (read_timeout > 0 and math.isfinite(read_timeout)):
            raise ValueError(
                f"read_timeout must be a positive number of seconds, "
                f"not {read_timeout!r}."
            )
        # Fail now, not on the first request, for a setting the format lacks.
        build_event(
            format,
            stage=stage,
            multi_value_headers=multi_value_headers,
            authorizer=authorizer,
            claims=claims,
            iam=iam,
        )
        self.handler = handler
        self.format = format
        self.stage = stage
        self.binary_media_types = tuple(binary_media_types)
        self.multi_value_headers = multi_value_headers
        self.read_timeout = float(read_timeout)
        # Every request comes from this caller, as if the front verified it.
        self.caller: dict[str, Any] = {
            "authorizer": authorizer,
            "claims": claims,
            "iam": iam,
        }
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
        instead, for the fronts it streams; then the result is None. A result
        that cannot be written as HTTP/1.1 (a control character in the status
        reason or a header, a header name that is not a token) becomes a
        logged 500, so no header can split the response.
        """
        response = self._respond(method, target, headers, body, source_ip, sink)
        problem = None if response is None else _unsendable(response)
        if problem is None:
            return response
        logger.error("The response cannot be sent: %s. Answering 500 instead.", problem)
        error_body = b"Internal Server Error"
        return Response(
            500,
            "Internal Server Error",
            (
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(error_body))),
            ),
            error_body,
            error=problem,
        )

    def _respond(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        source_ip: str,
        sink: _ClientStream | None,
    ) -> Response | None:
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
            multi_value_headers=self.multi_value_headers,
            scheme="http",
            **self.caller,
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
            multi_value_headers=self.multi_value_headers,
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


def _unsendable(response: Response) -> str | None:
    """Say why ``response`` cannot be written as HTTP/1.1, or return None."""
    if _CONTROL.search(response.reason):
        return f"the status reason {_shorten(response.reason)} has a control character"
    for name, value in response.headers:
        if not _TOKEN.fullmatch(name):
            return f"the header name {_shorten(name)} is not an HTTP token"
        if _CONTROL.search(value):
            return (
                f"the value of header {_shorten(name)} has a control character: "
                f"{_shorten(value)}"
            )
    return None


def _shorten(text: str) -> str:
    """``repr(text)``, cut to a length that keeps a log line readable."""
    if len(text) <= _QUOTED_LENGTH:
        return repr(text)
    return f"{text[:_QUOTED_LENGTH]!r}... ({len(text)} characters)"


def _wire(text: str) -> str:
    """``text`` as UTF-8 bytes in a latin-1 string, the form http.server writes."""
    return text.encode("utf-8").decode("latin-1")


class _RequestHandler(BaseHTTPRequestHandler):
    server: LocalServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Every read and write on the connection, http.server's own included.
        self.connection.settimeout(self.server.read_timeout)

    def _serve(self) -> None:
        if not self.path.startswith("/"):
            self.send_error(400, f"Unsupported request target {self.path!r}")
            return
        headers = self._read_headers()
        if headers is None:
            return
        body = self._read_body()
        if body is None:
            return
        # http.server decodes the request line as latin-1.
        target = quote(self.path.encode("latin-1"), safe=_TARGET_SAFE)
        response = self.server.respond(
            self.command,
            target,
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
        self.send_response(response.status, _wire(response.reason))
        for name, value in response.headers:
            if name.lower() not in _CONNECTION_HEADERS:
                self.send_header(name, _wire(value))
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve

    def _read_headers(self) -> list[tuple[str, str]] | None:
        """The request headers as the front passes them on, or None after a 400.

        AWS events carry header values as text: UTF-8 bytes become the
        characters they encode, other bytes U+FFFD.
        """
        # The email parser takes a line that is not a header, and every line
        # after it, for a body; it drops a line without a name.
        if self.headers.get_payload() or any(
            isinstance(defect, _HEADER_DEFECTS) for defect in self.headers.defects
        ):
            self.send_error(400, "Malformed header section")
            return None
        headers = []
        for name, value in self.headers.items():
            if _CONTROL.search(value):
                # Folded lines (obsolete in HTTP/1.1) and stray control bytes.
                self.send_error(400, f"Invalid value for header {name!r}")
                return None
            # The body is de-chunked here, so its framing header no longer applies.
            if name.lower() != "transfer-encoding":
                text = value.encode("latin-1").decode("utf-8", errors="replace")
                headers.append((name, text))
        return headers

    def _read_body(self) -> bytes | None:
        """The request body, or None once the request has been answered."""
        codings = self.headers.get_all("Transfer-Encoding")
        lengths = self.headers.get_all("Content-Length")
        try:
            if codings is not None:
                if lengths is not None:
                    self.send_error(
                        400, "Both Transfer-Encoding and Content-Length are set"
                    )
                    return None
                coding = ", ".join(codings)
                if coding.strip().lower() != "chunked":
                    self.send_error(501, f"Unsupported Transfer-Encoding {coding!r}")
                    return None
                return self._read_chunks()
            if lengths is None:
                return b""
            if len(set(lengths)) > 1:
                self.send_error(400, f"Conflicting Content-Length values {lengths!r}")
                return None
            if not _DIGITS.fullmatch(lengths[0]):
                self.send_error(400, f"Invalid Content-Length {lengths[0]!r}")
                return None
            return self._read_exactly(int(lengths[0]), 0)
        except socket.timeout:
            self.send_error(408, "The request body did not arrive in time")
            return None

    def _read_chunks(self) -> bytes | None:
        chunks: list[bytes] = []
        received = 0
        while True:
            line = self._read_line()
            if line is None:
                return None
            size_text = line.split(b";")[0].strip()
            if not _CHUNK_SIZE.fullmatch(size_text):
                self.send_error(400, f"Invalid chunk size {size_text!r}")
                return None
            size = int(size_text, 16)
            if size == 0:
                break
            chunk = self._read_exactly(size, received)
            if chunk is None:
                return None
            chunks.append(chunk)
            received += size
            end = self._read_line()
            if end is None:
                return None
            if end not in (b"\r\n", b"\n"):
                self.send_error(400, "Chunk data is not followed by a line end")
                return None
        # Skip the trailer section up to its blank line.
        while (line := self._read_line()) not in (b"\r\n", b"\n"):
            if line is None:
                return None
        return b"".join(chunks)

    def _read_exactly(self, size: int, received: int) -> bytes | None:
        """Read ``size`` more body bytes after ``received``, or answer 400 or 413."""
        if received + size > MAX_REQUEST_BODY:
            logger.warning(
                "Every AWS front refuses a request body over %d bytes.",
                MAX_REQUEST_BODY,
            )
            self.send_error(413, f"Request body over {MAX_REQUEST_BODY} bytes")
            return None
        data = self.rfile.read(size)
        if len(data) < size:
            self.send_error(400, "The request body ended early")
            return None
        return data

    def _read_line(self) -> bytes | None:
        """One line of a chunked body, or None after answering 400."""
        line = self.rfile.readline(_MAX_LINE + 1)
        if len(line) > _MAX_LINE:
            self.send_error(400, "Chunked body line too long")
            return None
        if not line.endswith(b"\n"):
            self.send_error(400, "The request body ended early")
            return None
        return line

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
