"""The errors ``init_app`` raises for invalid ``APIG_WSGI_*`` config keys.

They are ``TypeError`` and ``ValueError`` for code that calls ``init_app``,
and Click exceptions too, so that the ``flask`` command, which creates the
app, shows one ``Error:`` line instead of a traceback.
"""

from __future__ import annotations

import click


class ConfigTypeError(click.ClickException, TypeError):
    """A config key has a value of the wrong type."""


class ConfigValueError(click.ClickException, ValueError):
    """A config key has a value of the right type that is not allowed."""


def config_error(kind: type[Exception], message: str) -> click.ClickException:
    """The error for ``kind`` (``TypeError`` or ``ValueError``) with ``message``."""
    if issubclass(kind, TypeError):
        return ConfigTypeError(message)
    return ConfigValueError(message)
