"""System checks for the apig-wsgi settings (ids are listed in README.rst)."""

from __future__ import annotations

import difflib
from typing import Any

import django
from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from apig_wsgi.contrib.django.conf import describe_problem
from apig_wsgi.contrib.django.conf import option_values
from apig_wsgi.contrib.django.events import TASK_BACKEND_PATHS
from apig_wsgi.contrib.django.lifecycle import SETTING_NAMES as LIFECYCLE_SETTING_NAMES
from apig_wsgi.contrib.django.middleware import ApigContextMiddleware
from apig_wsgi.options import OPTION_NAMES
from apig_wsgi.options import SETTING_NAMES
from apig_wsgi.options import SETTING_PREFIX
from apig_wsgi.options import find_option_problems
from apig_wsgi.options import setting_name
from apig_wsgi.routing import EVENT_HANDLERS_SETTING
from apig_wsgi.routing import find_event_handler_problems

MIDDLEWARE_PATH = "apig_wsgi.contrib.django.middleware.ApigContextMiddleware"
GZIP_MIDDLEWARE_PATH = "django.middleware.gzip.GZipMiddleware"


def register() -> None:
    """Register every check; called from the app's ``ready()``."""
    checks.register(check_settings)
    checks.register(check_unknown_settings)
    checks.register(check_middleware)
    checks.register(check_script_name)
    checks.register(check_gzip_binary_support)
    checks.register(check_allowed_hosts)
    checks.register(check_event_handlers)
    checks.register(check_tasks_need_django_6)
    checks.register(check_non_http_handler_hides_events)


def check_settings(**kwargs: Any) -> list[checks.CheckMessage]:
    """E001 (wrong type) and E002 (bad value) for each invalid setting."""
    errors: list[checks.CheckMessage] = []
    for problem in find_option_problems(option_values()):
        check_id = "apig_wsgi.E001" if problem.kind is TypeError else "apig_wsgi.E002"
        errors.append(
            checks.Error(describe_problem(problem), hint=problem.hint, id=check_id)
        )
    return errors


def check_unknown_settings(**kwargs: Any) -> list[checks.CheckMessage]:
    """W001 for each ``APIG_WSGI_*`` setting that apig-wsgi does not know."""
    warnings: list[checks.CheckMessage] = []
    for name in sorted(dir(settings)):
        if not name.startswith(SETTING_PREFIX) or name in SETTING_NAMES:
            continue
        if name == EVENT_HANDLERS_SETTING or name in LIFECYCLE_SETTING_NAMES:
            continue
        # Compare without the shared prefix, which would make every name look close.
        suffix = name[len(SETTING_PREFIX) :].lower()
        close = difflib.get_close_matches(suffix, OPTION_NAMES, n=1)
        if close:
            hint = f"Did you mean {setting_name(close[0])}?"
        else:
            hint = f"The apig-wsgi settings are: {', '.join(SETTING_NAMES)}."
        warnings.append(
            checks.Warning(
                f"Unknown setting {name}: apig-wsgi ignores it.",
                hint=hint,
                id="apig_wsgi.W001",
            )
        )
    return warnings


def check_middleware(**kwargs: Any) -> list[checks.CheckMessage]:
    """W002 when ApigContextMiddleware (or a subclass) is not in MIDDLEWARE."""
    for path in settings.MIDDLEWARE:
        if path == MIDDLEWARE_PATH:
            return []
        try:
            middleware = import_string(path)
        except ImportError:
            # Django reports unimportable middleware itself when it loads them.
            continue
        if isinstance(middleware, type) and issubclass(
            middleware, ApigContextMiddleware
        ):
            return []
    return [
        checks.Warning(
            "ApigContextMiddleware is not in MIDDLEWARE, so views get no "
            "request.apig_context.",
            hint=f"Add {MIDDLEWARE_PATH!r} to MIDDLEWARE.",
            id="apig_wsgi.W002",
        )
    ]


def check_script_name(**kwargs: Any) -> list[checks.CheckMessage]:
    """W003 when FORCE_SCRIPT_NAME overrides APIG_WSGI_SCRIPT_NAME."""
    if settings.FORCE_SCRIPT_NAME is None or "script_name" not in option_values():
        return []
    return [
        checks.Warning(
            "FORCE_SCRIPT_NAME and APIG_WSGI_SCRIPT_NAME are both set; Django "
            "uses FORCE_SCRIPT_NAME and ignores the script name apig-wsgi "
            "computes.",
            hint="Remove one of the two settings (usually FORCE_SCRIPT_NAME).",
            id="apig_wsgi.W003",
        )
    ]


def check_gzip_binary_support(**kwargs: Any) -> list[checks.CheckMessage]:
    """W004 when GZipMiddleware compresses responses that cannot be sent."""
    if option_values().get("binary_support") is not False:
        return []
    if GZIP_MIDDLEWARE_PATH not in settings.MIDDLEWARE:
        return []
    return [
        checks.Warning(
            "GZipMiddleware is in MIDDLEWARE but APIG_WSGI_BINARY_SUPPORT is "
            "False, so REST APIs send compressed responses garbled.",
            hint="Set APIG_WSGI_BINARY_SUPPORT = True (and configure the API's "
            "binary media types), or remove GZipMiddleware.",
            id="apig_wsgi.W004",
        )
    ]


def check_allowed_hosts(**kwargs: Any) -> list[checks.CheckMessage]:
    """W005 when DEBUG is off and ALLOWED_HOSTS is empty."""
    # runserver refuses to start in this state, but on Lambda nothing
    # complains: every request just gets a 400 response.
    if settings.DEBUG or settings.ALLOWED_HOSTS:
        return []
    return [
        checks.Warning(
            "ALLOWED_HOSTS is empty and DEBUG is False, so Django answers every "
            "request through the Lambda handler with 400 Bad Request.",
            hint="Add the API's host to ALLOWED_HOSTS, e.g. "
            "'abc123.execute-api.eu-west-1.amazonaws.com' or your custom domain.",
            id="apig_wsgi.W005",
        )
    ]


def check_event_handlers(**kwargs: Any) -> list[checks.CheckMessage]:
    """E001 (wrong type) and E002 (bad value) for APIG_WSGI_EVENT_HANDLERS."""
    value = getattr(settings, EVENT_HANDLERS_SETTING, None)
    if value is None:
        return []
    return [
        checks.Error(
            problem.message,
            hint=problem.hint,
            id="apig_wsgi.E001" if problem.kind is TypeError else "apig_wsgi.E002",
        )
        for problem in find_event_handler_problems(value)
    ]


def check_tasks_need_django_6(**kwargs: Any) -> list[checks.CheckMessage]:
    """E003 when TASKS names an apig-wsgi backend on Django before 6.0."""
    if django.VERSION >= (6, 0):
        return []
    tasks = getattr(settings, "TASKS", None)
    if not isinstance(tasks, dict):
        return []
    return [
        checks.Error(
            f"TASKS[{alias!r}] uses {params['BACKEND']}, which needs Django 6.0 or "
            f"later; this project runs Django {django.get_version()}, which "
            "ignores TASKS.",
            hint="Upgrade to Django 6.0, or remove the TASKS setting.",
            id="apig_wsgi.E003",
        )
        for alias, params in tasks.items()
        if isinstance(params, dict) and params.get("BACKEND") in TASK_BACKEND_PATHS
    ]


def check_non_http_handler_hides_events(**kwargs: Any) -> list[checks.CheckMessage]:
    """W006 when APIG_WSGI_NON_HTTP_HANDLER keeps the event router from running."""
    if option_values().get("non_http_handler") is None:
        return []
    from apig_wsgi.contrib.django import events

    reasons = []
    if events.uses_task_backends():
        reasons.append("task messages")
    if getattr(settings, EVENT_HANDLERS_SETTING, None) or events.router.routes:
        reasons.append("the registered event handlers")
    if not reasons:
        return []
    return [
        checks.Warning(
            "APIG_WSGI_NON_HTTP_HANDLER receives every non-HTTP event, so "
            f"{' and '.join(reasons)} never run.",
            hint="Remove APIG_WSGI_NON_HTTP_HANDLER and register that handler "
            "with apig_wsgi.contrib.django.events.router instead.",
            id="apig_wsgi.W006",
        )
    ]
