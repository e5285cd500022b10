"""Invoke the project's Lambda handler with manage events, as AWS would.

Run with ``DJANGO_SETTINGS_MODULE`` set and one argument, a JSON list of
``[handler, argv]`` pairs: ``handler`` is ``"project"`` for the project's
Lambda handler or ``"unrestricted"`` for ``handle_manage_event``. Prints a JSON
list: for each pair, the exit status or the ``InvalidEventError`` message, and
the ``auth_`` tables in the database afterwards.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.db import connection

from apig_wsgi.contrib.django.handler import lambda_handler
from apig_wsgi.contrib.django.manage import handle_manage_event
from apig_wsgi.errors import InvalidEventError


def invoke(handler_name: str, argv: list[str]) -> dict[str, Any]:
    handler = lambda_handler if handler_name == "project" else handle_manage_event
    outcome: int | str
    try:
        outcome = handler({"manage": argv}, None)["exit_status"]
    except InvalidEventError as exc:
        outcome = str(exc)
    tables = connection.introspection.table_names()
    return {
        "argv": argv,
        "outcome": outcome,
        "auth_tables": [name for name in tables if name.startswith("auth_")],
    }


if __name__ == "__main__":
    calls = json.loads(sys.argv[1])
    print(json.dumps([invoke(handler_name, argv) for handler_name, argv in calls]))
