"""Read the ``APIG_WSGI_*`` settings into the core's ``Options``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from apig_wsgi.contrib.django.lifecycle import WARM_UP_PATHS_SETTING
from apig_wsgi.contrib.django.lifecycle import WARM_UP_SETTING
from apig_wsgi.contrib.django.lifecycle import warm_up_paths_problems
from apig_wsgi.contrib.django.lifecycle import warm_up_problems
from apig_wsgi.contrib.django.streaming import STREAM_SETTING
from apig_wsgi.contrib.django.streaming import stream_problems
from apig_wsgi.contrib.settings import SettingProblem
from apig_wsgi.contrib.settings import read_settings
from apig_wsgi.options import SETTING_PREFIX
from apig_wsgi.options import Options
from apig_wsgi.routing import EVENT_HANDLERS_SETTING
from apig_wsgi.routing import find_event_handler_problems


def read_django_settings() -> tuple[Options, list[SettingProblem]]:
    """The options the ``APIG_WSGI_*`` settings give, and their problems."""
    names = [name for name in dir(settings) if name.startswith(SETTING_PREFIX)]
    return read_settings(
        {name: getattr(settings, name) for name in names},
        extra={
            EVENT_HANDLERS_SETTING: find_event_handler_problems,
            WARM_UP_SETTING: warm_up_problems,
            WARM_UP_PATHS_SETTING: warm_up_paths_problems,
            STREAM_SETTING: stream_problems,
        },
    )


def get_options() -> Options:
    """Return the handler options the settings describe.

    Raises ``ImproperlyConfigured`` naming the first invalid setting; unknown
    settings are only a warning (check apig_wsgi.W001).
    """
    options, problems = read_django_settings()
    errors = [problem for problem in problems if not problem.unknown]
    if errors:
        raise ImproperlyConfigured(f"{errors[0].message} {errors[0].hint}")
    return options
