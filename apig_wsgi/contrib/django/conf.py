"""Read the ``APIG_WSGI_*`` settings into the core's ``Options``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from apig_wsgi.options import OPTION_NAMES
from apig_wsgi.options import OptionProblem
from apig_wsgi.options import Options
from apig_wsgi.options import build_options
from apig_wsgi.options import find_option_problems
from apig_wsgi.options import setting_name


def option_values() -> dict[str, Any]:
    """Map each option whose setting is present and not None to its value.

    A setting of None means the core's default, like leaving it out.
    """
    values = {}
    for option in OPTION_NAMES:
        value = getattr(settings, setting_name(option), None)
        if value is not None:
            values[option] = value
    return values


def describe_problem(problem: OptionProblem) -> str:
    """The problem's message prefixed with the setting it concerns."""
    return f"{setting_name(problem.option)} is invalid: {problem.message}"


def get_options() -> Options:
    """Return the handler options the settings describe.

    Raises ``ImproperlyConfigured`` naming the first invalid setting.
    """
    values = option_values()
    problems = find_option_problems(values)
    if problems:
        first = problems[0]
        raise ImproperlyConfigured(f"{describe_problem(first)} {first.hint}")
    return build_options(values)
