"""The test project with a SQLite database file and static files.

The manage event tests run it in a subprocess; ``APIG_WSGI_TEST_STATE_DIR``
names a directory for the database and the collected static files.
"""

from __future__ import annotations

import os

from tests.contrib.django.project.settings import *  # noqa: F403
from tests.contrib.django.project.settings import INSTALLED_APPS

_STATE_DIR = os.environ["APIG_WSGI_TEST_STATE_DIR"]

INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.staticfiles"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(_STATE_DIR, "db.sqlite3"),
    }
}
STATIC_URL = "static/"
STATIC_ROOT = os.path.join(_STATE_DIR, "static")
APIG_WSGI_NON_HTTP_HANDLER = "tests.contrib.django.project.lambda_events:handle"
