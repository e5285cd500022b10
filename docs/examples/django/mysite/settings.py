# settings.py: what apig-wsgi adds to a project made by django-admin startproject
from __future__ import annotations

# start-apps
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "apig_wsgi.contrib.django",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "apig_wsgi.contrib.django.middleware.ApigContextMiddleware",
]
# end-apps

DEBUG = True  # as startproject writes it

# start-hosts
ALLOWED_HOSTS = [
    "abc123.execute-api.eu-west-1.amazonaws.com",  # your API's own host
    "www.example.com",  # your custom domain
]
if DEBUG:
    # The made-up hosts of apig_invoke, the test client and the local
    # server's browser.
    ALLOWED_HOSTS += [".amazonaws.com", ".on.aws", ".cloudfront.net", "127.0.0.1"]
# end-hosts

SECRET_KEY = "docs-example-only"
ROOT_URLCONF = "mysite.urls"
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
