"""A function that streams server-sent events through a Function URL.

Deploy it with ``_HANDLER=lambda_function.handler`` (the function's handler
setting) and the ``run-wsgi`` exec wrapper.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any
from typing import Callable

from apig_wsgi.streaming import make_streaming_handler


def application(
    environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    start_response(
        "200 OK",
        [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")],
    )

    def events() -> Iterable[bytes]:
        for number in range(3):
            yield f"data: tick {number}\n\n".encode()
            time.sleep(0.05)

    return events()


# Function URL responses stream; every other front is answered buffered.
handler = make_streaming_handler(
    application, stream=["function-url"], binary_support=True
)
