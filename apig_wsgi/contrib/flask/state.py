"""The per-app state of the extension, kept in ``app.extensions``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask

from apig_wsgi.options import Options

if TYPE_CHECKING:
    from apig_wsgi.contrib.flask.extension import ApigWsgi
    from apig_wsgi.handler import LambdaHandler

EXTENSION_NAME = "apig_wsgi"


@dataclass(frozen=True)
class AppState:
    """What ``ApigWsgi.init_app`` stores in ``app.extensions["apig_wsgi"]``."""

    extension: ApigWsgi
    options: Options
    handler: LambdaHandler


def get_lambda_handler(app: Flask) -> LambdaHandler:
    """Return the Lambda handler that ``ApigWsgi.init_app`` built for ``app``."""
    return get_state(app).handler


def get_state(app: Flask) -> AppState:
    try:
        state: AppState = app.extensions[EXTENSION_NAME]
    except KeyError:
        raise RuntimeError(
            f"apig_wsgi is not set up on the Flask app {app.name!r}. "
            "Did you forget to call ApigWsgi.init_app(app)?"
        ) from None
    return state


def configured_handler(app: Flask) -> LambdaHandler | None:
    """The handler ``init_app`` built for ``app``; None if it has not seen it.

    The local tools (``apig-wsgi serve`` and ``invoke``) run this one, so
    that they answer as Lambda would.
    """
    state: AppState | None = app.extensions.get(EXTENSION_NAME)
    return None if state is None else state.handler
