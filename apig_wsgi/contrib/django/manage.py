"""Run management commands from direct Lambda invocations.

Point ``APIG_WSGI_NON_HTTP_HANDLER`` at ``handle_manage_event`` (every
command) or at a handler made by ``manage_event_handler(allowed_commands=...)``,
then invoke the function with ``{"manage": ["migrate", "--noinput"]}``.
Anyone allowed to invoke the function can then run those commands.
"""

from __future__ import annotations

import logging
import re
import shlex
from collections.abc import Collection
from collections.abc import Sequence
from io import StringIO
from typing import Any
from typing import Callable
from typing import Union

from django.core.management import call_command
from django.core.management.base import CommandError

from apig_wsgi.errors import InvalidEventError

logger = logging.getLogger("apig_wsgi")

# Warm-up pings from the serverless-plugin-warmup plugin and EventBridge schedules.
WARM_UP_SOURCES = frozenset({"serverless-plugin-warmup", "aws.events"})

ManageEventHandler = Callable[[Any, Any], dict[str, Any]]
AllowedCommand = Union[str, Sequence[str]]

# A dash and a letter: "-", "--" and "-1" are positional arguments to argparse.
_OPTION = re.compile(r"--?[A-Za-z]")


class Allowlist:
    """The argument lists a manage event may run.

    A command name allows that command followed by options only: arguments
    that start with a dash and a letter (``--noinput``, ``--database=other``,
    ``-v2``). A list of strings allows exactly that argument list.
    """

    __slots__ = ("argument_lists", "names")

    def __init__(self, entries: Collection[AllowedCommand]) -> None:
        if isinstance(entries, str):
            raise TypeError(
                f"allowed_commands must be a list of command names and argument "
                f"lists, not the string {entries!r}: write [{entries!r}] to allow "
                f"that command."
            )
        if not isinstance(entries, Collection):
            raise TypeError(
                f"allowed_commands must be a list of command names and argument "
                f"lists, not {entries!r}."
            )
        names: set[str] = set()
        argument_lists: set[tuple[str, ...]] = set()
        for entry in entries:
            if isinstance(entry, str):
                names.add(entry)
            elif (
                isinstance(entry, (list, tuple))
                and entry
                and all(isinstance(argument, str) for argument in entry)
            ):
                argument_lists.add(tuple(entry))
            else:
                raise TypeError(
                    f"Each allowed_commands entry must be a command name or a "
                    f"non-empty list of strings, not {entry!r}."
                )
        self.names = frozenset(names)
        self.argument_lists = frozenset(argument_lists)

    def allows(self, argv: Sequence[str]) -> bool:
        if tuple(argv) in self.argument_lists:
            return True
        return argv[0] in self.names and all(map(_OPTION.match, argv[1:]))

    def refusal(self, argv: Sequence[str]) -> str:
        """Why ``argv`` may not run, and what may."""
        reason = ""
        if argv[0] in self.names:
            positional = next(arg for arg in argv[1:] if not _OPTION.match(arg))
            reason = (
                f": {argv[0]!r} is allowed with options only (such as --noinput or "
                f"--database=other), not {positional!r}"
            )
        allowed = sorted(
            [f"{name} [--option ...]" for name in self.names]
            + [shlex.join(argument_list) for argument_list in self.argument_lists]
        )
        return (
            f"The management command {list(argv)!r} may not be run by direct "
            f"invocation{reason}. Allowed: {', '.join(allowed) or 'nothing'}."
        )


def manage_event_handler(
    allowed_commands: Collection[AllowedCommand] | None = None,
) -> ManageEventHandler:
    """Make a non-HTTP handler that runs the commands ``allowed_commands`` allows.

    Each entry is a command name, which allows that command with options only
    (``"migrate"`` runs ``["migrate", "--noinput"]`` but not
    ``["migrate", "auth", "zero"]``), or a list of strings, which allows exactly
    that argument list. ``None`` allows every command. The handler answers
    warm-up pings with ``{"warm": True}`` and raises ``InvalidEventError`` for
    any other event.
    """
    allowlist = None if allowed_commands is None else Allowlist(allowed_commands)

    def handle(event: Any, context: Any) -> dict[str, Any]:
        if isinstance(event, dict) and "manage" in event:
            return run_manage_command(event["manage"], allowlist)
        if isinstance(event, dict) and event.get("source") in WARM_UP_SOURCES:
            return {"warm": True}
        keys = sorted(event) if isinstance(event, dict) else type(event).__name__
        raise InvalidEventError(
            f"Not an HTTP event, a warm-up ping or a management command: {keys!r}. "
            'Invoke with {"manage": ["command", "arg", ...]} to run a command.'
        )

    return handle


def run_manage_command(argv: object, allowlist: Allowlist | None) -> dict[str, Any]:
    """Run ``argv`` with ``call_command`` if ``allowlist`` allows it."""
    if (
        not isinstance(argv, list)
        or not argv
        or not all(isinstance(arg, str) for arg in argv)
    ):
        raise InvalidEventError(
            f'"manage" must be a non-empty list of strings, got {argv!r}.'
        )
    if allowlist is not None and not allowlist.allows(argv):
        raise InvalidEventError(allowlist.refusal(argv))
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
