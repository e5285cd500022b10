"""The keys that apig_wsgi adds to every WSGI environ it builds."""

from __future__ import annotations

REQUEST_CONTEXT = "apig_wsgi.request_context"
FULL_EVENT = "apig_wsgi.full_event"
CONTEXT = "apig_wsgi.context"
MULTI_VALUE_HEADERS = "apig_wsgi.multi_value_headers"
EVENT_FORMAT = "apig_wsgi.event_format"
# Set with REMOTE_USER when the remote_user option is on and AWS verified
# the caller: an apig_wsgi.identity.Identity.
IDENTITY = "apig_wsgi.identity"
