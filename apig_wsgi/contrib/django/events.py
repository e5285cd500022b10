"""Handlers for the AWS events that are not HTTP requests, in a Django project.

Decorate functions with ``router`` in a ``lambda_events.py`` module of an
installed app (imported at start-up), or list them in
``APIG_WSGI_EVENT_HANDLERS``. The Django handler routes non-HTTP events to
them, after its own task runner when ``TASKS`` uses apig-wsgi's backends.
"""

from __future__ import annotations

from typing import Any

import django
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections
from django.utils.module_loading import autodiscover_modules
from django.utils.module_loading import import_string

from apig_wsgi.routing import EVENT_HANDLERS_SETTING
from apig_wsgi.routing import EventRouter
from apig_wsgi.routing import find_event_handler_problems
from apig_wsgi.routing import router_from_setting

#: Installed apps' modules of this name are imported when Django starts.
MODULE_NAME = "lambda_events"

#: The router that ``lambda_events`` modules register their handlers on.
router = EventRouter()

TASK_BACKEND_PATHS = frozenset(
    {
        "apig_wsgi.contrib.django.tasks.SQSBackend",
        "apig_wsgi.contrib.django.tasks.LambdaBackend",
    }
)


def autodiscover() -> None:
    """Import the ``lambda_events`` module of every installed app that has one."""
    autodiscover_modules(MODULE_NAME)


class DjangoEventRouter(EventRouter):
    """Routes like ``EventRouter``, and closes database connections that are
    broken or past ``CONN_MAX_AGE`` around each event, as Django does around
    each request."""

    def __call__(self, event: Any, context: Any) -> Any:
        close_old_connections()
        try:
            return super().__call__(event, context)
        finally:
            close_old_connections()


def uses_task_backends() -> bool:
    """True when ``TASKS`` has a backend of apig-wsgi (on Django 6.0+)."""
    if django.VERSION < (6, 0):
        return False
    for params in getattr(settings, "TASKS", {}).values():
        path = params.get("BACKEND", "")
        if path in TASK_BACKEND_PATHS:
            return True
        # Only a backend of another package can subclass ours; Django's own
        # are skipped so that a cold start imports nothing for them.
        if not path or path.startswith("django.tasks."):
            continue
        from apig_wsgi.contrib.django.tasks import LambdaTaskBackend

        try:
            backend = import_string(path)
        except ImportError:
            # Django's own check reports backends that cannot be imported.
            continue
        if isinstance(backend, type) and issubclass(backend, LambdaTaskBackend):
            return True
    return False


def setting_entries() -> list[dict[str, Any]]:
    entries = getattr(settings, EVENT_HANDLERS_SETTING, None)
    if entries is None:
        return []
    problems = find_event_handler_problems(entries)
    if problems:
        first = problems[0]
        raise ImproperlyConfigured(f"{first.message} {first.hint}")
    return list(entries)


def build_event_router() -> DjangoEventRouter | None:
    """The project's router: the task runner first, then the handlers in
    ``APIG_WSGI_EVENT_HANDLERS``, then those decorated with ``router``.

    None when nothing is registered, so other events fail as before.
    """
    combined = DjangoEventRouter()
    if uses_task_backends():
        from apig_wsgi.contrib.django.task_runner import add_task_routes

        add_task_routes(combined)
    combined.include(router_from_setting(setting_entries()))
    combined.include(router)
    return combined if combined.routes else None
