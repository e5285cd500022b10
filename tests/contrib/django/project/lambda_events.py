"""The docs' example of manage events with its recommended allowlist
(docs/examples/production/lambda_events.py)."""

from __future__ import annotations

from apig_wsgi.contrib.django.manage import manage_event_handler

handle = manage_event_handler(allowed_commands=["migrate", "collectstatic"])
