from __future__ import annotations

import os
from pathlib import Path

SECRET_KEY = "tests-only-not-a-secret"
DEBUG = False
# The hosts of the corpus events the tests send.
ALLOWED_HOSTS = [
    ".amazonaws.com",
    ".on.aws",
    ".cf.net",
    ".cloudfront.net",
    "127.0.0.1",
    "testserver",
]
INSTALLED_APPS = [
    "apig_wsgi.contrib.django",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
]
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "apig_wsgi.contrib.django.middleware.ApigContextMiddleware",
]
ROOT_URLCONF = "tests.contrib.django.project.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
    }
]
# Users, groups and sessions for the authentication tests, which migrate it:
# in memory, shared by the threads of the process (sync_to_async's too).
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "file:apig_wsgi_tests?mode=memory&cache=shared",
    }
}
USE_TZ = True
LOGGING_CONFIG = None
# Lets subprocess tests run the project with a setting changed.
if "APIG_WSGI_TEST_SCRIPT_NAME" in os.environ:
    APIG_WSGI_SCRIPT_NAME = os.environ["APIG_WSGI_TEST_SCRIPT_NAME"]
# Lets subprocess tests start the project with an app of event handlers.
if "APIG_WSGI_TEST_EVENTS_APP" in os.environ:
    INSTALLED_APPS = [*INSTALLED_APPS, "tests.contrib.django.eventsapp"]
if "APIG_WSGI_TEST_BINARY_SUPPORT" in os.environ:
    APIG_WSGI_BINARY_SUPPORT = os.environ["APIG_WSGI_TEST_BINARY_SUPPORT"] == "true"
if "APIG_WSGI_TEST_STREAM" in os.environ:
    APIG_WSGI_STREAM = os.environ["APIG_WSGI_TEST_STREAM"].split(",")
