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
from time import perf_counter

from apig_wsgi.access_log import log_access
from apig_wsgi.environ import request_path
from apig_wsgi.errors import FailureStatusError
from apig_wsgi.errors import InvalidEventError
from apig_wsgi.handler import LambdaHandler
from apig_wsgi.handler import log_application_error
from apig_wsgi.log import logger
from apig_wsgi.options import build_options
from apig_wsgi.response import BufferedResponse

# typing is imported only by type checkers: importing it would double the
# time ``import apig_wsgi`` takes (bench/run.py's import row).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any
    from typing import Callable
    from typing import Protocol

    from apig_wsgi.formats.base import EventFormat
    from apig_wsgi.options import Options
    from apig_wsgi.response import WSGIApp

    class StreamSink(Protocol):
        """Where a streamed response goes: the Runtime API, or a local client."""

        def start(self, prelude: bytes) -> None:
            """Begin the response with its JSON prelude (the delimiter follows)."""

        def send(self, chunk: bytes) -> None:
            """Send one non-empty piece of the body now."""

        def finish(self, error: BaseException | None) -> None:
            """End the response; ``error`` is set when it ends early."""


# The fronts whose formats can start a response with a prelude.
STREAMING_FRONTS = ("function-url", "rest")

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
    return StreamingHandler(wsgi_app, build_options(options), check_fronts(stream))


class StreamingHandler(LambdaHandler):
    """See ``make_streaming_handler``."""

    def __init__(
        self, wsgi_app: WSGIApp, options: Options, fronts: frozenset[str]
    ) -> None:
        super().__init__(wsgi_app, options)
        self.fronts = fronts

    def invoke(self, event: Any, context: Any, sink: StreamSink) -> Any:
        """Stream the response into ``sink`` and return ``STREAMED``.

        An event from a front that does not stream gets the buffered result
        instead, and ``sink`` is left alone.
        """
        try:
            event_format = self.event_format(event)
        except InvalidEventError:
            event_format = None
        if event_format is None or event_format.name not in self.fronts:
            return self(event, context)
        environ = self.environ(event_format, event, context)
        _Stream(self, environ, event_format, sink).run()
        return STREAMED


def prelude_for(
    event_format: EventFormat, status_code: int, headers: list[tuple[str, str]]
) -> bytes:
    """The JSON prelude of a streamed response."""
    prelude = event_format.prelude(status_code, headers)
    return json.dumps(prelude, separators=(",", ":")).encode()


class _Stream(BufferedResponse):
    """One response on its way out, through PEP 3333's start_response and write.

    ``BufferedResponse`` keeps the status and headers and checks them; the
    body goes to the sink instead of a list, after the prelude.
    """

    __slots__ = (
        "environ",
        "event_format",
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
        event_format: EventFormat,
        sink: StreamSink,
    ) -> None:
        super().__init__()
        self.handler = handler
        self.environ = environ
        self.event_format = event_format
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
            try:
                self.fail_before_body(error)
            except FailureStatusError:
                # make_lambda_handler logs the request it fails, too.
                self.write_access_log(started)
                raise
        else:
            if not isinstance(error, StreamLimitError):
                logger(__name__).error(
                    "Exception in the WSGI application for %s %s after %d bytes "
                    "of the body were streamed; ended the stream with an error.",
                    self.environ["REQUEST_METHOD"],
                    request_path(self.environ),
                    self.sent - self.prelude_bytes,
                    exc_info=error,
                )
            self.sink.finish(error)
        self.write_access_log(started)

    def write_access_log(self, started: float) -> None:
        access_log = self.handler.options.access_log
        if access_log:
            log_access(
                self.environ,
                self.status_code,
                self.sent - self.prelude_bytes,
                (perf_counter() - started) * 1000,
                access_log,
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
        prelude_too_large = isinstance(error, PreludeTooLargeError)
        if prelude_too_large:
            logger(__name__).error("%s Sent a 500 response instead.", error)
            body = PRELUDE_TOO_LARGE_BODY
        elif isinstance(error, FailureStatusError) or not (
            self.handler.options.catch_exceptions
        ):
            raise error
        else:
            log_application_error(self.environ, error)
            body = b"Internal Server Error"
        self.status = "500 Internal Server Error"
        self.status_code = 500
        self.headers = [("Content-Type", "text/plain; charset=utf-8")]
        try:
            if prelude_too_large:
                self.send_prelude()
            else:
                # As in make_lambda_handler, the 500 may be a failure status.
                self.open()
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
        if self.status_code in self.handler.options.failure_status_codes:
            raise FailureStatusError(
                self.status,
                self.environ["REQUEST_METHOD"],
                request_path(self.environ),
                self.event_format.prelude(self.status_code, self.headers),
            )
        self.send_prelude()

    def send_prelude(self) -> None:
        prelude = prelude_for(self.event_format, self.status_code, self.headers)
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
            logger(__name__).error("%s Ended the stream with an error.", error)
            raise error
        self.call_sink(self.sink.send, chunk)
        self.sent += len(chunk)

    @staticmethod
    def call_sink(method: Callable[[bytes], None], data: bytes) -> None:
        try:
            method(data)
        except Exception as exc:
            raise _SinkFailure(exc) from exc
