"""Settings for the example site.

Everything that differs between a laptop and Lambda comes from environment
variables, which the CloudFormation site stack sets on the function.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


DEBUG = env_flag("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (the deployment passes it to the function from"
            " a NoEcho stack parameter), or DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-key-for-local-development-only-never-deploy-this"

# API Gateway and Function URLs only route requests for their own host names,
# which are not known until the stack exists: the deployment sets "*".
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "apig_wsgi.contrib.django",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apig_wsgi.contrib.django.middleware.ApigContextMiddleware",
]

ROOT_URLCONF = "example_site.urls"
WSGI_APPLICATION = "example_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": ["django.template.context_processors.request"],
        },
    }
]

# No database: Lambda's file system is read-only, and the example needs none.
DATABASES: dict[str, dict[str, str]] = {}

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"

# Browsers drop Secure cookies sent over plain HTTP, so the ALB front (HTTP on
# port 80) and the local server need DJANGO_SECURE_COOKIES=false.
CSRF_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

# Lambda's synchronous payload limit is 6 MB and base64 inflates bodies by a
# third, so uploads are capped well below it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# apig-wsgi: the fronts are configured to pass binary bodies (REST APIs have
# BinaryMediaTypes ["*/*"]), so responses other than text go out as base64.
APIG_WSGI_BINARY_SUPPORT = True
APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES = (
    "text/",
    "application/json",
    "image/svg+xml",
)
# Behind a REST API stage the stage name goes to SCRIPT_NAME, so reverse()
# builds links that include it ("/live/cookies/").
APIG_WSGI_SCRIPT_NAME = "auto"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
