"""The WSGI application, for the local server and any other WSGI server.

On Lambda the entry point is ``apig_wsgi.contrib.django.handler.lambda_handler``,
which builds the same application from ``DJANGO_SETTINGS_MODULE``.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_site.settings")

application = get_wsgi_application()
