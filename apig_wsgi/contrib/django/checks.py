"""System checks for the apig-wsgi settings (ids are listed in docs/django.rst)."""

from __future__ import annotations

from typing import Any

import django
from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from apig_wsgi.contrib.django.conf import read_django_settings
from apig_wsgi.contrib.django.events import TASK_BACKEND_PATHS
from apig_wsgi.contrib.django.middleware import ApigContextMiddleware
from apig_wsgi.routing import EVENT_HANDLERS_SETTING

MIDDLEWARE_PATH = "apig_wsgi.contrib.django.middleware.ApigContextMiddleware"
GZIP_MIDDLEWARE_PATH = "django.middleware.gzip.GZipMiddleware"
REMOTE_USER_MIDDLEWARE_PATH = "apig_wsgi.contrib.django.auth.ApigRemoteUserMiddleware"
REMOTE_USER_BACKEND_PATH = "apig_wsgi.contrib.django.auth.ApigRemoteUserBackend"


def register() -> None:
    """Register every check; called from the app's ``ready()``."""
    checks.register(check_settings)
    checks.register(check_middleware)
    checks.register(check_script_name)
    checks.register(check_gzip_binary_support)
    checks.register(check_allowed_hosts)
    checks.register(check_allowed_hosts_in_debug)
    checks.register(check_tasks_need_django_6)
    checks.register(check_non_http_handler_hides_events)
    checks.register(check_remote_user)


def check_settings(**kwargs: Any) -> list[checks.CheckMessage]:
    """E001 (wrong type) and E002 (bad value) for each invalid setting, W001
    for each ``APIG_WSGI_*`` setting that apig-wsgi does not read."""
    messages: list[checks.CheckMessage] = []
    for problem in read_django_settings()[1]:
        if problem.unknown:
            messages.append(
                checks.Warning(problem.message, hint=problem.hint, id="apig_wsgi.W001")
            )
        else:
            check_id = (
                "apig_wsgi.E001" if problem.kind is TypeError else "apig_wsgi.E002"
            )
            messages.append(
                checks.Error(problem.message, hint=problem.hint, id=check_id)
            )
    return messages


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
    if (
        settings.FORCE_SCRIPT_NAME is None
        or getattr(settings, "APIG_WSGI_SCRIPT_NAME", None) is None
    ):
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
    if read_django_settings()[0].binary_support is not False:
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


def check_allowed_hosts_in_debug(**kwargs: Any) -> list[checks.CheckMessage]:
    """W007 when DEBUG is on and ALLOWED_HOSTS is empty."""
    # Django then accepts only localhost, which no AWS front sends, and
    # runserver, which uses localhost, shows nothing wrong.
    if not settings.DEBUG or settings.ALLOWED_HOSTS:
        return []
    return [
        checks.Warning(
            "ALLOWED_HOSTS is empty, so with DEBUG = True Django accepts only "
            "localhost: requests through the Lambda handler, apig_invoke and the "
            "test client get 400 Bad Request.",
            hint="Add the hosts your fronts send; the apig-wsgi tools send hosts "
            "under '.amazonaws.com', '.on.aws' and '.cloudfront.net'.",
            id="apig_wsgi.W007",
        )
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
    if read_django_settings()[0].non_http_handler is None:
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


def check_remote_user(**kwargs: Any) -> list[checks.CheckMessage]:
    """W008 when ApigRemoteUserMiddleware is installed with
    APIG_WSGI_REMOTE_USER off; W009 and W010 when the setting is on without
    ApigRemoteUserBackend or ApigRemoteUserMiddleware."""
    middleware = uses(settings.MIDDLEWARE, REMOTE_USER_MIDDLEWARE_PATH)
    if not read_django_settings()[0].remote_user:
        if not middleware:
            return []
        return [
            checks.Warning(
                "ApigRemoteUserMiddleware is in MIDDLEWARE but "
                "APIG_WSGI_REMOTE_USER is off, so it logs nobody in, and logs "
                "out the users it logged in.",
                hint="Set APIG_WSGI_REMOTE_USER = True, or remove the middleware.",
                id="apig_wsgi.W008",
            )
        ]
    messages: list[checks.CheckMessage] = []
    if not uses(settings.AUTHENTICATION_BACKENDS, REMOTE_USER_BACKEND_PATH):
        messages.append(
            checks.Warning(
                "APIG_WSGI_REMOTE_USER is on but no AUTHENTICATION_BACKENDS entry "
                "is ApigRemoteUserBackend, so the caller AWS verified never "
                "becomes request.user.",
                hint=f"Add {REMOTE_USER_BACKEND_PATH!r} (or your subclass) to "
                "AUTHENTICATION_BACKENDS.",
                id="apig_wsgi.W009",
            )
        )
    if not middleware:
        messages.append(
            checks.Warning(
                "APIG_WSGI_REMOTE_USER is on but ApigRemoteUserMiddleware is not "
                "in MIDDLEWARE, so nobody is logged in from the caller AWS "
                "verified.",
                hint=f"Add {REMOTE_USER_MIDDLEWARE_PATH!r} to MIDDLEWARE, after "
                "'django.contrib.auth.middleware.AuthenticationMiddleware'.",
                id="apig_wsgi.W010",
            )
        )
    return messages


def uses(paths: list[str], path: str) -> bool:
    """Whether an entry of ``paths`` is the class at ``path`` or a subclass.

    Classes are compared by their dotted paths, so apig-wsgi's own need not
    be imported (they need django.contrib.auth).
    """
    for entry in paths:
        if entry == path:
            return True
        try:
            found = import_string(entry)
        except ImportError:
            # Django reports what it cannot import when it loads it.
            continue
        if isinstance(found, type) and any(
            f"{cls.__module__}.{cls.__qualname__}" == path for cls in found.__mro__
        ):
            return True
    return False
