# settings.py
from __future__ import annotations

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apig_wsgi.contrib.django.auth.ApigRemoteUserMiddleware",
    # ... the rest of your middleware
]
AUTHENTICATION_BACKENDS = ["myproject.backends.CognitoBackend"]

APIG_WSGI_REMOTE_USER = True
APIG_WSGI_REMOTE_USER_CLAIM = "email"
