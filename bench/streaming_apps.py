"""The apps and handlers that bench/streaming.py runs in the runtime process."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from typing import Callable

CHUNKS = 10
CHUNK = b"x" * 1024
PAUSE = 0.02


def ticker(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
    """Ten 1 KiB chunks, 20 ms apart, like tokens from a model."""

    def chunks() -> Iterator[bytes]:
        for number in range(CHUNKS):
            if number:
                time.sleep(PAUSE)
            yield CHUNK

    start_response("200 OK", [("Content-Type", "text/plain")])
    return chunks()


def bare_handler(event: Any, context: Any) -> dict[str, Any]:
    """A handler that imports nothing, to time the runtime loops alone."""
    return {"statusCode": 200, "body": "ok"}
