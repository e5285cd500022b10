"""The README's example of manage events with its recommended allowlist."""

from __future__ import annotations

from apig_wsgi.contrib.django.manage import manage_event_handler

handle = manage_event_handler(allowed_commands=["migrate", "collectstatic"])
