# myproject/lambda_events.py; settings.py:
#     APIG_WSGI_NON_HTTP_HANDLER = "myproject.lambda_events:handle"
from __future__ import annotations

from apig_wsgi.contrib.django.manage import manage_event_handler

handle = manage_event_handler(allowed_commands=["migrate", "collectstatic"])
