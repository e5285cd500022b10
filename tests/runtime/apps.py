"""WSGI apps the runtime subprocess loads through ``_HANDLER``.

The streaming apps coordinate with the test through files named in
environment variables, since the app runs in another process.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from typing import Callable

from apig_wsgi.streaming import make_streaming_handler
from tests.testing.apps import app as echo_app

StartResponse = Callable[..., Any]
SSE_HEADERS = [
    ("Content-Type", "text/event-stream"),
    ("Cache-Control", "no-cache"),
    ("Set-Cookie", "seen=1; Path=/"),
    ("Set-Cookie", "theme=dark; Path=/"),
]


def wait_for(path: Path, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.005)
    return False


class Closing:
    """An iterable whose close() leaves a mark, so the test sees it was called."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks

    def close(self) -> None:
        Path(os.environ["CLOSE_MARKER"]).write_text("closed")


def barrier_app(environ: dict[str, Any], start_response: StartResponse) -> Any:
    """Server-sent events: the second event waits until the test saw the first."""

    def events() -> Iterator[bytes]:
        yield b"data: one\n\n"
        released = wait_for(Path(os.environ["BARRIER_FILE"]))
        yield b"data: released\n\n" if released else b"data: never released\n\n"

    start_response("200 OK", SSE_HEADERS)
    return Closing(events())


def failing_app(environ: dict[str, Any], start_response: StartResponse) -> Any:
    """Streams one event, then fails."""

    def events() -> Iterator[bytes]:
        yield b"data: one\n\n"
        raise RuntimeError("the feed broke")

    start_response("200 OK", SSE_HEADERS)
    return Closing(events())


def slow_app(environ: dict[str, Any], start_response: StartResponse) -> Any:
    """On /slow, streams one event, then takes longer than any test's deadline."""
    if environ["PATH_INFO"] != "/slow":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"quick"]

    def events() -> Iterator[bytes]:
        yield b"data: one\n\n"
        time.sleep(60)
        yield b"data: too late\n\n"

    start_response("200 OK", SSE_HEADERS)
    return events()


def context_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A plain Lambda handler that reports its context object."""
    context.log("context.log works\n")
    client_context = context.client_context
    client = client_context.client if client_context else None
    return {
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "invoked_function_arn": context.invoked_function_arn,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "tenant_id": context.tenant_id,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "cognito_identity_id": context.identity.cognito_identity_id,
        "cognito_identity_pool_id": context.identity.cognito_identity_pool_id,
        "installation_id": client.installation_id if client else None,
        "app_title": client.app_title if client else None,
        "custom": client_context.custom if client_context else None,
        "env": client_context.env if client_context else None,
        "trace_id": os.environ.get("_X_AMZN_TRACE_ID"),
        "repr": repr(context),
    }


def logging_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A plain Lambda handler that logs one line at each level."""
    logger = logging.getLogger("tests.runtime.apps")
    for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR):
        logger.log(level, "logged at %s", logging.getLevelName(level))
    return {}


def unserialisable_handler(event: dict[str, Any], context: Any) -> Any:
    return {"a set": {1, 2}}


# For _HANDLER naming a handler that chose its own fronts.
streaming_handler = make_streaming_handler(echo_app, stream=["function-url", "rest"])
not_callable = 42
