"""The Flask extension: reads the ``APIG_WSGI_*`` config keys, builds the handler."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from apig_wsgi.contrib.flask.cli import apig_cli
from apig_wsgi.contrib.flask.errors import config_error
from apig_wsgi.contrib.flask.events import app_event_handler
from apig_wsgi.contrib.flask.state import EXTENSION_NAME
from apig_wsgi.contrib.flask.state import AppState
from apig_wsgi.contrib.settings import read_settings
from apig_wsgi.handler import LambdaHandler
from apig_wsgi.options import Options
from apig_wsgi.routing import EventRouter


class ApigWsgi:
    """Flask extension that turns an app into an AWS Lambda handler.

    One instance may serve several apps; everything per app lives in
    ``app.extensions["apig_wsgi"]``. Handlers for other AWS events are
    registered on ``router`` and run inside an app context of the app that
    received the event.
    """

    def __init__(self, app: Flask | None = None) -> None:
        self.router = EventRouter()
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Validate the app's ``APIG_WSGI_*`` config and build its handler."""
        if EXTENSION_NAME in app.extensions:
            raise RuntimeError(
                f"apig_wsgi is already set up on the Flask app {app.name!r}. "
                "Call init_app() once per app."
            )
        options = options_from_config(app.config)
        handler_options = options
        if options.non_http_handler is None:
            handler_options = options.replace(
                non_http_handler=app_event_handler(app, self.router)
            )
        app.extensions[EXTENSION_NAME] = AppState(
            extension=self,
            options=options,
            handler=LambdaHandler(app, handler_options),
        )
        app.cli.add_command(apig_cli)


def options_from_config(config: Mapping[str, Any]) -> Options:
    """Read every ``APIG_WSGI_*`` key of ``config`` into ``Options``.

    Other keys are not read. A key set to None means the core's default, like
    leaving it out. Raises ``TypeError`` or ``ValueError`` naming every invalid
    or unknown key.
    """
    options, problems = read_settings(config)
    if problems:
        raise config_error(
            problems[0].kind,
            "\n".join(f"{problem.message} {problem.hint}" for problem in problems),
        )
    return options
