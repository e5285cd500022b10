"""Run management commands from direct Lambda invocations.

Point ``APIG_WSGI_NON_HTTP_HANDLER`` at ``handle_manage_event`` (every
command) or at a handler made by ``manage_event_handler(allowed_commands=...)``,
then invoke the function with ``{"manage": ["migrate", "--noinput"]}``.
Anyone allowed to invoke the function can then run those commands.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from io import StringIO
from typing import Any
from typing import Callable

from django.core.management import call_command
from django.core.management.base import CommandError

from apig_wsgi.errors import InvalidEventError

logger = logging.getLogger("apig_wsgi")

# Warm-up pings from the serverless-plugin-warmup plugin and EventBridge schedules.
WARM_UP_SOURCES = frozenset({"serverless-plugin-warmup", "aws.events"})

ManageEventHandler = Callable[[Any, Any], dict[str, Any]]


def manage_event_handler(
    allowed_commands: Collection[str] | None = None,
) -> ManageEventHandler:
    """Make a non-HTTP handler that runs the commands in ``allowed_commands``.

    ``None`` allows every command. The handler answers warm-up pings with
    ``{"warm": True}`` and raises ``InvalidEventError`` for any other event.
    """
    allowed = None if allowed_commands is None else frozenset(allowed_commands)

    def handle(event: Any, context: Any) -> dict[str, Any]:
        if isinstance(event, dict) and "manage" in event:
            return run_manage_command(event["manage"], allowed)
        if isinstance(event, dict) and event.get("source") in WARM_UP_SOURCES:
            return {"warm": True}
        keys = sorted(event) if isinstance(event, dict) else type(event).__name__
        raise InvalidEventError(
            f"Not an HTTP event, a warm-up ping or a management command: {keys!r}. "
            'Invoke with {"manage": ["command", "arg", ...]} to run a command.'
        )

    return handle


def run_manage_command(argv: object, allowed: frozenset[str] | None) -> dict[str, Any]:
    if (
        not isinstance(argv, list)
        or not argv
        or not all(isinstance(arg, str) for arg in argv)
    ):
        raise InvalidEventError(
            f'"manage" must be a non-empty list of strings, got {argv!r}.'
        )
    name = argv[0]
    if allowed is not None and name not in allowed:
        raise InvalidEventError(
            f"The management command {name!r} may not be run by direct invocation; "
            f"allowed: {', '.join(sorted(allowed)) or 'none'}."
        )
    stdout = StringIO()
    stderr = StringIO()
    logger.warning("Running management command from a direct invocation: %r", argv)
    try:
        call_command(*argv, stdout=stdout, stderr=stderr)
    except CommandError as exc:
        stderr.write(f"CommandError: {exc}\n")
        exit_status = exc.returncode
    except SystemExit as exc:
        # argparse exits on bad arguments after writing its usage message.
        exit_status = exc.code if isinstance(exc.code, int) else 1
    else:
        exit_status = 0
    return {
        "manage": argv,
        "exit_status": exit_status,
        "stdout": stdout.getvalue(),
        "stderr": stderr.getvalue(),
    }


handle_manage_event = manage_event_handler()
