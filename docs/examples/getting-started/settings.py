# settings.py: add the app, the middleware and the hosts your fronts send
from __future__ import annotations

INSTALLED_APPS = [
    ...,
    "apig_wsgi.contrib.django",
]
MIDDLEWARE = [
    ...,
    "apig_wsgi.contrib.django.middleware.ApigContextMiddleware",
]
ALLOWED_HOSTS = ["abc123.execute-api.eu-west-1.amazonaws.com", "www.example.com"]
