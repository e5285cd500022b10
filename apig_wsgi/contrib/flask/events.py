"""Route the app's non-HTTP events to the handlers on ``ApigWsgi.router``."""

from __future__ import annotations

from typing import Any
from typing import Callable

from flask import Flask

from apig_wsgi.routing import EventRouter


def app_event_handler(app: Flask, router: EventRouter) -> Callable[[Any, Any], Any]:
    """A ``non_http_handler`` that runs ``router`` inside an app context of ``app``.

    The router is looked up on each event, so handlers registered after
    ``init_app`` are routed too.
    """

    def handle_event(event: Any, context: Any) -> Any:
        with app.app_context():
            return router(event, context)

    return handle_event
