"""The Flask extension: reads the ``APIG_WSGI_*`` config keys, builds the handler."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any

from flask import Flask

from apig_wsgi import make_lambda_handler
from apig_wsgi.contrib.flask.cli import apig_cli
from apig_wsgi.contrib.flask.events import app_event_handler
from apig_wsgi.contrib.flask.state import EXTENSION_NAME
from apig_wsgi.contrib.flask.state import AppState
from apig_wsgi.options import OPTION_NAMES
from apig_wsgi.options import SETTING_NAMES
from apig_wsgi.options import SETTING_PREFIX
from apig_wsgi.options import OptionProblem
from apig_wsgi.options import Options
from apig_wsgi.options import build_options
from apig_wsgi.options import find_option_problems
from apig_wsgi.options import setting_name
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
        handler_options = options.as_kwargs()
        if handler_options["non_http_handler"] is None:
            handler_options["non_http_handler"] = app_event_handler(app, self.router)
        app.extensions[EXTENSION_NAME] = AppState(
            extension=self,
            options=options,
            handler=make_lambda_handler(app, **handler_options),
        )
        app.cli.add_command(apig_cli)


def options_from_config(config: Mapping[str, Any]) -> Options:
    """Read every ``APIG_WSGI_*`` key of ``config`` into ``Options``.

    Other keys are not read. A key set to None means the core's default, like
    leaving it out. Raises
    ``TypeError`` or ``ValueError`` naming every invalid or unknown key.
    """
    option_for_key = dict(zip(SETTING_NAMES, OPTION_NAMES))
    values = {}
    for key, value in config.items():
        # Other keys belong to the app and other extensions: never touch them.
        if not key.startswith(SETTING_PREFIX):
            continue
        if isinstance(value, Iterator):
            # Validation would use up an iterator before build_options sees it.
            value = tuple(value)
        if key in option_for_key:
            if value is not None:
                values[option_for_key[key]] = value
        else:
            # Under its own name, so the shared validator reports it as an
            # unknown option instead of it being ignored.
            values[key] = value
    problems = find_option_problems(values)
    if problems:
        raise problems[0].kind("\n".join(describe_problem(p) for p in problems))
    return build_options(values)


def describe_problem(problem: OptionProblem) -> str:
    if problem.option not in OPTION_NAMES:
        # Matched without the shared prefix, which would make anything close.
        suffix = problem.option[len(SETTING_PREFIX) :].lower()
        close = difflib.get_close_matches(suffix, OPTION_NAMES, n=1)
        hint = (
            f"Did you mean {setting_name(close[0])}?"
            if close
            else f"apig_wsgi reads only: {', '.join(SETTING_NAMES)}."
        )
        return f"Unknown Flask config key {problem.option!r}. {hint}"
    key = setting_name(problem.option)
    return f"{key} is invalid: {problem.message} {problem.hint}"
