"""A Flask app for the runtime subprocess (_HANDLER)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from flask import Flask
from flask import Response
from flask import request
from flask import stream_with_context

from tests.runtime.apps import wait_for

app = Flask(__name__)


@app.route("/feed")
def feed() -> Response:
    def events() -> Iterator[str]:
        # The request context stays available while the response streams.
        yield f"data: {request.args['name']}\n\n"
        released = wait_for(Path(os.environ["BARRIER_FILE"]))
        yield "data: released\n\n" if released else "data: never released\n\n"

    return Response(stream_with_context(events()), mimetype="text/event-stream")
