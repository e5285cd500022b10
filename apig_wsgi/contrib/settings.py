"""The ``APIG_WSGI_*`` settings, read the same way from Django and Flask.

Django's settings and Flask's config hold one setting per handler option, the
option's name in upper case with the ``APIG_WSGI_`` prefix. This module finds
them, validates them once with the core's ``read_options``, and describes each
problem in words both integrations report: Django as system checks and
``ImproperlyConfigured``, Flask as the error ``init_app`` raises.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Callable

from apig_wsgi.options import OPTION_NAMES
from apig_wsgi.options import SETTING_NAMES
from apig_wsgi.options import SETTING_PREFIX
from apig_wsgi.options import OptionProblem
from apig_wsgi.options import Options
from apig_wsgi.options import read_options
from apig_wsgi.options import setting_name

# A setting an integration reads itself, and the function that checks its
# value (its messages name the setting).
ExtraSettings = Mapping[str, Callable[[object], list[OptionProblem]]]


@dataclass(frozen=True)
class SettingProblem:
    """An invalid or unknown ``APIG_WSGI_*`` setting, in words for people."""

    setting: str
    message: str
    hint: str
    # TypeError for a value of the wrong type, ValueError for a bad value.
    kind: type[Exception]
    unknown: bool = False


def read_settings(
    settings: Mapping[str, Any], extra: ExtraSettings | None = None
) -> tuple[Options, list[SettingProblem]]:
    """The handler options that ``settings`` give, and their problems.

    ``settings`` maps names to values; only ``APIG_WSGI_*`` names are read. A
    setting of None means the option's default, as if it were left out.
    ``extra`` names settings the integration reads itself, with a function
    that checks each. Every other ``APIG_WSGI_*`` name is unknown.
    """
    extra = extra or {}
    option_for_setting = dict(zip(SETTING_NAMES, OPTION_NAMES))
    values = {}
    problems = []
    for name, value in settings.items():
        if not name.startswith(SETTING_PREFIX):
            continue
        if name in option_for_setting:
            if value is not None:
                values[option_for_setting[name]] = value
        elif name in extra:
            if value is not None:
                problems += [
                    SettingProblem(name, problem.message, problem.hint, problem.kind)
                    for problem in extra[name](value)
                ]
        else:
            problems.append(unknown_setting(name, [*SETTING_NAMES, *extra]))
    options, option_problems = read_options(values)
    problems[:0] = [describe(problem) for problem in option_problems]
    return options, problems


def describe(problem: OptionProblem) -> SettingProblem:
    """The problem of an option, under the name of its setting."""
    setting = setting_name(problem.option)
    return SettingProblem(
        setting, f"{setting} is invalid: {problem.message}", problem.hint, problem.kind
    )


def unknown_setting(name: str, known: list[str]) -> SettingProblem:
    # Compared without the shared prefix, which would make every name close.
    suffixes = {known_name[len(SETTING_PREFIX) :]: known_name for known_name in known}
    close = difflib.get_close_matches(name[len(SETTING_PREFIX) :], suffixes, n=1)
    hint = (
        f"Did you mean {suffixes[close[0]]}?"
        if close
        else f"The apig-wsgi settings are: {', '.join(known)}."
    )
    return SettingProblem(
        name,
        f"Unknown setting {name}: apig-wsgi does not read it.",
        hint,
        TypeError,
        unknown=True,
    )
