"""Work done once per execution environment: the warm-up and SnapStart's hooks.

``apig_wsgi.contrib.django.handler`` calls ``prepare_for_requests()`` when
Lambda imports it, in the init phase. Without a warm-up the first request pays
for what Django loads lazily: the URLconf and every view module it imports,
the template engines, their tag libraries and the compiled templates, and the
translation catalogs.
"""

from __future__ import annotations

import logging
import random
import sys
import time
from collections.abc import Iterable
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import DatabaseError
from django.db import connections
from django.template import Engine
from django.template import TemplateSyntaxError
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.urls import get_resolver
from django.utils import translation

from apig_wsgi.options import OptionProblem

logger = logging.getLogger("apig_wsgi")

WARM_UP_SETTING = "APIG_WSGI_WARM_UP"
WARM_UP_PATHS_SETTING = "APIG_WSGI_WARM_UP_PATHS"
SETTING_NAMES = (WARM_UP_SETTING, WARM_UP_PATHS_SETTING)
WARM_UP_USER_AGENT = "apig-wsgi warm-up"


def prepare_for_requests() -> None:
    """Warm the project up as the settings say, and register SnapStart's hooks."""
    enabled, paths = warm_up_settings()
    if enabled:
        warm_up(paths)
    register_snapstart_hooks()


def warm_up_settings() -> tuple[bool, tuple[str, ...]]:
    """``APIG_WSGI_WARM_UP`` and ``APIG_WSGI_WARM_UP_PATHS``.

    They were checked with the other settings (``conf.get_options``).
    """
    enabled: bool = getattr(settings, WARM_UP_SETTING, None) is not False
    paths = getattr(settings, WARM_UP_PATHS_SETTING, None) or ()
    return enabled, tuple(paths)


def warm_up_problems(value: object) -> list[OptionProblem]:
    """Check ``APIG_WSGI_WARM_UP``."""
    if isinstance(value, bool):
        return []
    return [
        OptionProblem(
            "warm_up",
            f"{WARM_UP_SETTING} must be True or False, not {value!r}.",
            "Set it to False to start without warming the project up.",
            TypeError,
        )
    ]


def warm_up_paths_problems(value: object) -> list[OptionProblem]:
    """Check ``APIG_WSGI_WARM_UP_PATHS``."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        return [
            OptionProblem(
                "warm_up_paths",
                f"{WARM_UP_PATHS_SETTING} must be a list of paths, not {value!r}.",
                'Write a single path as ["/health/"].',
                TypeError,
            )
        ]
    return [
        OptionProblem(
            "warm_up_paths",
            f"{WARM_UP_PATHS_SETTING} must hold paths starting with '/', "
            f"found {path!r}.",
            "Write each path as the client would request it, e.g. '/health/'.",
            ValueError,
        )
        for path in value
        if not isinstance(path, str) or not path.startswith("/")
    ][:1]


def warm_up(paths: Iterable[str] = ()) -> None:
    """Load what Django would otherwise load on the first request.

    That is the URLconf (and so the views), every template engine, the
    templates in each Django engine's ``DIRS``, and the catalogs of
    ``LANGUAGE_CODE``. Then each of ``paths`` is requested with ``GET``
    through the project's WSGI application, so that whatever those pages
    use is loaded too; a response that is not a success or a redirect is
    logged as a warning.
    """
    started = time.perf_counter()
    path_list = tuple(paths)
    load_url_patterns()
    template_count = load_templates()
    load_translations()
    if path_list:
        request_paths(path_list)
    logger.info(
        "Warmed up in %.1f ms: URLconf, templates: %d, paths: %d.",
        (time.perf_counter() - started) * 1000,
        template_count,
        len(path_list),
    )


def request_paths(paths: Iterable[str]) -> None:
    handler = WSGIHandler()
    for path in paths:
        status = request(handler, path)
        if not status.startswith(("2", "3")):
            logger.warning(
                "The warm-up request GET %s answered %r; check %s.",
                path,
                status,
                WARM_UP_PATHS_SETTING,
            )


def load_url_patterns() -> None:
    resolver = get_resolver()
    # Reading reverse_dict imports the URLconf and every view module it
    # names, and compiles each pattern's regular expression.
    resolver.reverse_dict  # noqa: B018
    resolver.pattern.regex  # noqa: B018


def load_templates() -> int:
    """Create every engine and compile the templates in Django engines' DIRS.

    Templates that apps ship (the admin's, say) are left until a page uses
    them: most projects never render most of them. Returns how many were
    compiled.
    """
    count = 0
    for backend in engines.all():
        if isinstance(backend, DjangoTemplates):
            # A cached property that imports the context processors.
            backend.engine.template_context_processors  # noqa: B018
            count += compile_directory_templates(backend.engine)
    return count


def compile_directory_templates(engine: Engine) -> int:
    count = 0
    for directory in engine.dirs:
        root = Path(directory)
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            name = path.relative_to(root).as_posix()
            try:
                engine.get_template(name)
            except (TemplateSyntaxError, UnicodeDecodeError) as exc:
                logger.warning("The warm-up could not compile %s: %s", path, exc)
            else:
                count += 1
    return count


def load_translations() -> None:
    # Activating a language reads its catalogs, which stay cached; without
    # USE_I18N Django's translation functions do nothing.
    with translation.override(settings.LANGUAGE_CODE):
        pass


def warm_up_host() -> str:
    """A host name that ``ALLOWED_HOSTS`` accepts, for the warm-up requests."""
    for host in settings.ALLOWED_HOSTS:
        if host == "*":
            break
        if host.startswith("."):
            return str(host[1:])
        return str(host)
    return "localhost"


def request(handler: WSGIHandler, path: str) -> str:
    """GET ``path`` from the WSGI application; return the response's status."""
    path_part, _, query = path.partition("?")
    host = warm_up_host()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(path_part).decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": host,
        "HTTP_USER_AGENT": WARM_UP_USER_AGENT,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    statuses = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        statuses.append(status)
        return lambda data: None

    response = handler(environ, start_response)
    try:
        for _ in response:
            pass
    finally:
        response.close()
    status: str = statuses[-1]
    return status


def register_snapstart_hooks() -> bool:
    """Register the SnapStart runtime hooks when the runtime provides them.

    Lambda's Python runtimes ship ``snapshot_restore_py``. Returns whether
    the hooks were registered.
    """
    try:
        import snapshot_restore_py  # type: ignore[import-untyped]
    except ImportError:
        return False
    snapshot_restore_py.register_before_snapshot(before_snapshot)
    snapshot_restore_py.register_after_restore(after_restore)
    return True


def before_snapshot() -> None:
    """Leave no database connection in the snapshot (the warm-up may open one).

    The warm-up itself has already run: it is part of the init phase, which
    the snapshot captures.
    """
    close_database_connections()


def after_restore() -> None:
    """Make each restored environment unique again.

    Every environment restored from one snapshot starts with the same state
    of ``random``'s generator, and with any connection the snapshot held.
    """
    random.seed()
    close_database_connections()


def close_database_connections() -> None:
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError as exc:
            logger.warning(
                "Closing the database connection %r failed: %s", connection.alias, exc
            )
