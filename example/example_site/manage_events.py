"""Direct invocations of the function: the management commands deploys need.

The playbook invokes the function with ``{"manage": ["migrate", "--no-input"]}``
after each deploy. Anyone allowed to invoke the function can run these
commands, and no others.
"""

from __future__ import annotations

from apig_wsgi.contrib.django.manage import manage_event_handler

ALLOWED_COMMANDS = ("migrate", "showmigrations", "check")

handle = manage_event_handler(allowed_commands=ALLOWED_COMMANDS)
