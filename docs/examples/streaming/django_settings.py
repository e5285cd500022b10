# settings.py, for the handler apig_wsgi.contrib.django.handler.streaming_handler
from __future__ import annotations

# Function URLs (RESPONSE_STREAM) and REST API streaming integrations stream;
# every other front, and every other event, is answered buffered.
APIG_WSGI_STREAM = ["function-url", "rest"]
