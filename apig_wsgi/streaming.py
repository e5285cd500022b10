"""Streaming WSGI responses to the fronts that accept them, as the app yields.

Lambda can stream a response through a Function URL whose invoke mode is
``RESPONSE_STREAM`` and through a REST API integration whose response transfer
mode is ``STREAM``. Nothing in the invocation tells the function which front
called it that way, so the fronts that stream are named when the handler is
made. The stream is a JSON prelude (status, headers, cookies), eight NUL bytes,
then the body:
https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html
"""

from __future__ import annotations

import json
import logging
from time import perf_counter
from typing import TYPE_CHECKING

from apig_wsgi import environ_keys
from apig_wsgi.environ import request_path
from apig_wsgi.errors import FailureStatusError
from apig_wsgi.errors import InvalidEventError
from apig_wsgi.formats.http_v2 import fold_headers
from apig_wsgi.handler import FORMAT_CLASSES
from apig_wsgi.handler import detect_format
from apig_wsgi.handler import event_environ
from apig_wsgi.handler import make_lambda_handler
from apig_wsgi.options import build_options
from apig_wsgi.response import BufferedResponse
from apig_wsgi.results import multi_value_headers

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any
    from typing import Callable
    from typing import Protocol

    from apig_wsgi.response import WSGIApp

    class StreamSink(Protocol):
        """Where a streamed response goes: the Runtime API, or a local client."""

        def start(self, prelude: bytes) -> None:
            """Begin the response with its JSON prelude (the delimiter follows)."""

        def send(self, chunk: bytes) -> None:
            """Send one non-empty piece of the body now."""

        def finish(self, error: BaseException | None) -> None:
            """End the response; ``error`` is set when it ends early."""


logger = logging.getLogger(__name__)


# Front (environ's event format) -> detect_format's name for its events.
STREAMING_FRONTS: dict[str, str] = {"function-url": "http-v2", "rest": "rest"}

# https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html
STREAM_LIMIT = 200 * 1024 * 1024
# API Gateway reads the prelude from the first 16 KB of the stream.
PRELUDE_LIMIT = 16 * 1024
DELIMITER = b"\0" * 8
PRELUDE_TOO_LARGE_BODY = (
    b"Internal Server Error: the response headers are too large to stream."
)


class _Streamed:
    def __repr__(self) -> str:
        return "STREAMED"


# What ``StreamingHandler.invoke`` returns when it streamed the response.
STREAMED = _Streamed()


class StreamLimitError(Exception):
    """A streamed response reached the most bytes Lambda streams."""


class PreludeTooLargeError(Exception):
    """The status, headers and cookies do not fit in a prelude."""


class _SinkFailure(Exception):
    """The sink failed (a broken connection): not the application's fault."""

    def __init__(self, original: Exception) -> None:
        super().__init__(str(original))
        self.original = original


def check_fronts(stream: Iterable[str]) -> frozenset[str]:
    """Validate the names of the fronts that stream; raise if one is wrong."""
    if isinstance(stream, str):
        raise TypeError(
            f"stream must be a list of front names, not the string {stream!r}: "
            f"write stream=[{stream!r}]."
        )
    fronts = frozenset(stream)
    for front in sorted(fronts):
        if front not in STREAMING_FRONTS:
            raise ValueError(
                f"Cannot stream to {front!r}: only Function URLs ('function-url', "
                "invoke mode RESPONSE_STREAM) and REST APIs ('rest', response "
                "transfer mode STREAM) stream Lambda responses."
            )
    return fronts


def make_streaming_handler(
    wsgi_app: WSGIApp,
    *,
    stream: Iterable[str] = ("function-url",),
    **options: Any,
) -> StreamingHandler:
    """A Lambda handler that streams the responses of the fronts in ``stream``.

    ``stream`` names fronts of ``STREAMING_FRONTS``; ``options`` are
    ``make_lambda_handler``'s keyword arguments. Called as a handler, it
    answers every event buffered, exactly as ``make_lambda_handler`` does; the
    ``apig_wsgi.runtime`` loop calls ``invoke`` instead, which streams.
    """
    return StreamingHandler(wsgi_app, check_fronts(stream), options)


class StreamingHandler:
    """See ``make_streaming_handler``."""

    def __init__(
        self, wsgi_app: WSGIApp, fronts: frozenset[str], options: dict[str, Any]
    ) -> None:
        self.wsgi_app = wsgi_app
        self.fronts = fronts
        self.buffered = make_lambda_handler(wsgi_app, **options)
        resolved = build_options(options)
        names = {STREAMING_FRONTS[front] for front in fronts}
        self.formats = {
            cls.name: cls(resolved) for cls in FORMAT_CLASSES if cls.name in names
        }
        self.catch_exceptions = resolved.catch_exceptions
        self.failure_status_codes = resolved.failure_status_codes
        self.access_log = resolved.access_log
        self.trusted_proxies = resolved.trusted_proxies

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        return self.buffered(event, context)

    def invoke(self, event: Any, context: Any, sink: StreamSink) -> Any:
        """Stream the response into ``sink`` and return ``STREAMED``.

        An event from a front that does not stream gets the buffered result
        instead, and ``sink`` is left alone.
        """
        try:
            name = detect_format(event)
        except InvalidEventError:
            name = None
        if name is None or name not in self.formats:
            return self.buffered(event, context)
        environ = event_environ(
            self.formats[name], name, event, context, self.trusted_proxies
        )
        front = environ[environ_keys.EVENT_FORMAT]
        if front not in self.fronts:
            # An HTTP API event, while only Function URLs stream.
            return self.buffered(event, context)
        _Stream(self, environ, front, sink).run()
        return STREAMED


def prelude_for(front: str, status_code: int, headers: list[tuple[str, str]]) -> bytes:
    """The JSON prelude of a streamed response for ``front``."""
    prelude: dict[str, Any]
    if front == "function-url":
        folded, cookies = fold_headers(headers)
        prelude = {"statusCode": status_code, "headers": folded, "cookies": cookies}
    else:
        # REST APIs take Set-Cookie, like every repeated header, this way.
        prelude = {
            "statusCode": status_code,
            "multiValueHeaders": multi_value_headers(headers),
        }
    return json.dumps(prelude, separators=(",", ":")).encode()


class _Stream(BufferedResponse):
    """One response on its way out, through PEP 3333's start_response and write.

    ``BufferedResponse`` keeps the status and headers and checks them; the
    body goes to the sink instead of a list, after the prelude.
    """

    __slots__ = (
        "environ",
        "front",
        "handler",
        "iterable",
        "opened",
        "prelude_bytes",
        "sent",
        "sink",
    )

    def __init__(
        self,
        handler: StreamingHandler,
        environ: dict[str, Any],
        front: str,
        sink: StreamSink,
    ) -> None:
        super().__init__()
        self.handler = handler
        self.environ = environ
        self.front = front
        self.sink = sink
        self.iterable: Iterable[bytes] = ()
        self.opened = False
        # Bytes of the stream so far, prelude and delimiter included.
        self.sent = 0
        self.prelude_bytes = 0

    def run(self) -> None:
        started = perf_counter()
        error: Exception | None = None
        try:
            self.iterable = self.handler.wsgi_app(self.environ, self.start_response)
            for chunk in self.iterable:
                self.write(chunk)
            if not self.status:
                raise RuntimeError(
                    "The WSGI application returned without calling start_response()."
                )
            self.open()
        except _SinkFailure as failure:
            self.close_iterable()
            raise failure.original from None
        except Exception as exc:
            error = exc
        close_error = self.close_iterable()
        if error is None:
            error = close_error
        if error is None:
            self.sink.finish(None)
        elif not self.opened:
            self.fail_before_body(error)
        else:
            if not isinstance(error, StreamLimitError):
                logger.error(
                    "Exception in the WSGI application for %s %s after %d bytes "
                    "of the body were streamed; ended the stream with an error.",
                    self.environ["REQUEST_METHOD"],
                    request_path(self.environ),
                    self.sent - self.prelude_bytes,
                    exc_info=error,
                )
            self.sink.finish(error)
        if self.handler.access_log:
            from apig_wsgi.access_log import log_access

            log_access(
                self.environ,
                self.status_code,
                self.sent - self.prelude_bytes,
                (perf_counter() - started) * 1000,
                self.handler.access_log,
            )

    def close_iterable(self) -> Exception | None:
        close = getattr(self.iterable, "close", None)
        if close is None:
            return None
        try:
            close()
        except Exception as exc:
            return exc
        return None

    def fail_before_body(self, error: Exception) -> None:
        if isinstance(error, PreludeTooLargeError):
            logger.error("%s Sent a 500 response instead.", error)
            body = PRELUDE_TOO_LARGE_BODY
        elif isinstance(error, FailureStatusError) or not self.handler.catch_exceptions:
            raise error
        else:
            logger.error(
                "Exception in the WSGI application for %s %s; sent a 500 response.",
                self.environ["REQUEST_METHOD"],
                request_path(self.environ),
                exc_info=error,
            )
            body = b"Internal Server Error"
        self.status = "500 Internal Server Error"
        self.status_code = 500
        self.headers = [("Content-Type", "text/plain; charset=utf-8")]
        try:
            self.send_prelude()
            self.send(body)
        except _SinkFailure as failure:
            raise failure.original from None
        self.sink.finish(None)

    def write(self, data: bytes) -> None:
        if not self.status:
            raise RuntimeError(
                "The WSGI application sent body data before calling start_response()."
            )
        if not isinstance(data, bytes):
            raise TypeError(
                "The WSGI application sent body data of type "
                f"{type(data).__name__}, not bytes: {data!r:.50}"
            )
        if data:
            self.open()
            self.send(data)

    def open(self) -> None:
        """Send the prelude, once there is a status and the first body bytes."""
        if self.opened:
            return
        codes = self.handler.failure_status_codes
        if codes and self.status_code in codes:
            raise FailureStatusError(
                self.status,
                self.environ["REQUEST_METHOD"],
                request_path(self.environ),
                json.loads(prelude_for(self.front, self.status_code, self.headers)),
            )
        self.send_prelude()

    def send_prelude(self) -> None:
        prelude = prelude_for(self.front, self.status_code, self.headers)
        if len(prelude) > PRELUDE_LIMIT:
            raise PreludeTooLargeError(
                "The streamed response's prelude (status, headers and cookies) is "
                f"{len(prelude)} bytes of JSON, over the {PRELUDE_LIMIT} bytes "
                "API Gateway reads."
            )
        # PEP 3333: once anything is sent, start_response may not replace it.
        self.body_started = self.opened = True
        self.call_sink(self.sink.start, prelude)
        self.sent = self.prelude_bytes = len(prelude) + len(DELIMITER)

    def send(self, chunk: bytes) -> None:
        if self.sent + len(chunk) > STREAM_LIMIT:
            error = StreamLimitError(
                f"The streamed response reached {self.sent} bytes, and the next "
                f"{len(chunk)} bytes would pass the {STREAM_LIMIT}-byte limit of "
                "Lambda response streaming."
            )
            logger.error("%s Ended the stream with an error.", error)
            raise error
        self.call_sink(self.sink.send, chunk)
        self.sent += len(chunk)

    @staticmethod
    def call_sink(method: Callable[[bytes], None], data: bytes) -> None:
        try:
            method(data)
        except Exception as exc:
            raise _SinkFailure(exc) from exc
