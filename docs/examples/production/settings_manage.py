# settings.py
from __future__ import annotations

APIG_WSGI_NON_HTTP_HANDLER = "apig_wsgi.contrib.django.manage:handle_manage_event"
