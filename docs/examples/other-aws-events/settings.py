# settings.py: the same registration without a decorator.
from __future__ import annotations

APIG_WSGI_EVENT_HANDLERS = [
    {
        "source": "dynamodb",
        "table": "Orders",
        "handler": "myapp.streams:order_changed",
    },
    {
        "source": "invoke",
        "key": "manage",
        "handler": "apig_wsgi.contrib.django.manage:handle_manage_event",
    },
]
