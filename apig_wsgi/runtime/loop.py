"""The runtime loop: load the handler, then serve invocations until SIGTERM.

It follows AWS's description of a custom runtime's work:
https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time
from base64 import b64encode
from typing import TYPE_CHECKING

from apig_wsgi.runtime.client import ERROR_BODY_TRAILER
from apig_wsgi.runtime.client import ERROR_TYPE_HEADER
from apig_wsgi.runtime.client import RuntimeAPIError
from apig_wsgi.runtime.client import RuntimeClient
from apig_wsgi.runtime.client import send_chunk
from apig_wsgi.runtime.context import ContextHeaderError
from apig_wsgi.runtime.context import FunctionFacts
from apig_wsgi.runtime.context import LambdaContext
from apig_wsgi.runtime.loading import InitError
from apig_wsgi.runtime.loading import load_handler
from apig_wsgi.streaming import DELIMITER
from apig_wsgi.streaming import STREAMED
from apig_wsgi.streaming import StreamingHandler

if TYPE_CHECKING:
    import socket
    from collections.abc import Sequence
    from types import FrameType
    from typing import Any

    from apig_wsgi.runtime.client import Reply

logger = logging.getLogger("apig_wsgi.runtime")

# The error type Lambda's own runtimes give exceptions from the function's code.
UNHANDLED = "Unhandled"


class Stop(BaseException):
    """SIGTERM arrived while waiting for an invocation: leave the loop."""


class RequestIdFilter(logging.Filter):
    """Adds ``aws_request_id`` to log records, as the managed runtime does."""

    request_id = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.request_id
        return True


REQUEST_ID = RequestIdFilter()


# Lambda's application log levels, and Python's names; Python has nothing
# below DEBUG, so TRACE shows everything.
LOG_LEVELS = {
    "TRACE": "DEBUG",
    "DEBUG": "DEBUG",
    "INFO": "INFO",
    "WARN": "WARNING",
    "WARNING": "WARNING",
    "ERROR": "ERROR",
    "FATAL": "CRITICAL",
    "CRITICAL": "CRITICAL",
}


def configure_logging() -> None:
    """Log lines as the managed runtime writes them, unless logging is set up."""
    stdout = sys.stdout
    if hasattr(stdout, "reconfigure"):
        # Lambda may stop the process at any moment: keep no log line back.
        stdout.reconfigure(line_buffering=True)
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(stdout)
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
        "%Y-%m-%dT%H:%M:%S",
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(REQUEST_ID)
    root.addHandler(handler)
    level = LOG_LEVELS.get(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper())
    if level is not None:
        root.setLevel(level)


def error_document(exc: BaseException, error_type: str) -> dict[str, Any]:
    """The error JSON the Runtime API takes, with the traceback as a list."""
    import traceback

    return {
        "errorMessage": str(exc),
        "errorType": error_type,
        "requestId": REQUEST_ID.request_id,
        "stackTrace": traceback.format_list(traceback.extract_tb(exc.__traceback__)),
    }


def encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


class RuntimeStream:
    """A streamed response, sent to the Runtime API as the app produces it."""

    def __init__(self, client: RuntimeClient, request_id: str) -> None:
        self.client = client
        self.request_id = request_id
        self.connection: socket.socket | None = None

    def start(self, prelude: bytes) -> None:
        self.connection = self.client.open_stream(self.request_id)
        send_chunk(self.connection, prelude + DELIMITER)

    def send(self, chunk: bytes) -> None:
        assert self.connection is not None
        send_chunk(self.connection, chunk)

    def finish(self, error: BaseException | None) -> None:
        trailers: list[tuple[str, str]] = []
        if error is not None:
            error_type = type(error).__name__
            document = encode(error_document(error, error_type))
            trailers = [
                (ERROR_TYPE_HEADER, error_type),
                (ERROR_BODY_TRAILER, b64encode(document).decode("ascii")),
            ]
        reply = self.client.end_stream(trailers)
        check_accepted(reply, "the streamed response", self.request_id)


def check_accepted(reply: Reply, what: str, request_id: str) -> None:
    if reply.status != 202:
        logger.error(
            "The Runtime API answered %d to %s of invocation %s: %s",
            reply.status,
            what,
            request_id,
            reply.body[:500].decode("utf-8", "replace"),
        )


class Runtime:
    """Serves invocations of ``handler`` one after another."""

    def __init__(self, client: RuntimeClient, handler: Any, facts: FunctionFacts):
        self.client = client
        self.handler = handler
        self.streams = isinstance(handler, StreamingHandler)
        self.facts = facts
        self.waiting = False
        self.stopping = False

    def on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        if self.waiting:
            raise Stop
        # Mid-invocation: answer it, then stop.
        self.stopping = True

    def serve(self) -> int:
        signal.signal(signal.SIGTERM, self.on_sigterm)
        try:
            while not self.stopping:
                self.waiting = True
                reply = self.client.next_invocation()
                self.waiting = False
                self.invoke(reply)
        except Stop:
            pass
        REQUEST_ID.request_id = ""
        logger.info("SIGTERM received: the runtime stops.")
        return 0

    def invoke(self, reply: Reply) -> None:
        headers = reply.headers
        request_id = headers.get("lambda-runtime-aws-request-id", "")
        REQUEST_ID.request_id = request_id
        trace_id = headers.get("lambda-runtime-trace-id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        try:
            context = LambdaContext(self.facts, headers)
            event = json.loads(reply.body)
        except (ContextHeaderError, ValueError) as exc:
            self.fail(request_id, exc, "Runtime.UnmarshalError")
            return
        sink = RuntimeStream(self.client, request_id)
        try:
            if self.streams:
                result = self.handler.invoke(event, context, sink)
            else:
                result = self.handler(event, context)
        except Exception as exc:
            if sink.connection is not None:
                # The Runtime API connection broke mid-stream: nothing to report on.
                logger.exception("Lost the streamed response of %s.", request_id)
                self.client.close()
                return
            self.fail(request_id, exc, UNHANDLED)
            return
        if result is STREAMED:
            return
        try:
            body = encode(result)
        except (TypeError, ValueError) as exc:
            self.fail(request_id, exc, "Runtime.MarshalError")
            return
        check_accepted(
            self.client.post_response(request_id, body), "the response", request_id
        )

    def fail(self, request_id: str, exc: Exception, category: str) -> None:
        error_type = type(exc).__name__ if category == UNHANDLED else category
        logger.error("Invocation failed: %s: %s", error_type, exc, exc_info=exc)
        reply = self.client.post_error(
            request_id, encode(error_document(exc, error_type)), category
        )
        check_accepted(reply, "the error", request_id)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the loop; ``argv`` may name the handler instead of ``_HANDLER``."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    configure_logging()
    address = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    if not address:
        sys.stderr.write(
            "apig_wsgi.runtime runs inside AWS Lambda: AWS_LAMBDA_RUNTIME_API "
            "is not set.\n"
        )
        return 2
    try:
        client = RuntimeClient(address)
    except RuntimeAPIError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    spec = arguments[0] if arguments else os.environ.get("_HANDLER", "")
    try:
        handler = load_handler(spec, os.environ.get("APIG_WSGI_STREAM"))
    except InitError as exc:
        cause = exc.__cause__ if exc.error_type == UNHANDLED else None
        error_type = type(cause).__name__ if cause is not None else exc.error_type
        logger.error("Init failed: %s: %s", error_type, exc, exc_info=cause)
        document = error_document(cause or exc, error_type)
        document["errorMessage"] = str(exc)
        check_accepted(
            client.post_init_error(encode(document), exc.error_type),
            "the init error",
            "init",
        )
        return 1
    try:
        return Runtime(client, handler, FunctionFacts(os.environ)).serve()
    except RuntimeAPIError as exc:
        # AWS: after a Runtime API error, "Runtime should exit promptly".
        logger.error("%s The runtime stops.", exc)
        return 1
