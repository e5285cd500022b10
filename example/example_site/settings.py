"""Settings for the example site.

Everything that differs between a laptop and Lambda comes from environment
variables, which the CloudFormation site stack sets on the function.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from example_site.parameters import get_parameters

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


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_flag("DJANGO_DEBUG", False)

# On Lambda the secrets live in SSM Parameter Store as SecureStrings, named by
# these variables, and are read once per cold start. Locally and in tests the
# plain variables DJANGO_SECRET_KEY and DATABASE_URL give them directly.
SECRET_KEY_PARAMETER = os.environ.get("DJANGO_SECRET_KEY_PARAMETER", "")
DATABASE_URL_PARAMETER = os.environ.get("DJANGO_DATABASE_URL_PARAMETER", "")
_parameter_names = [
    name for name in (SECRET_KEY_PARAMETER, DATABASE_URL_PARAMETER) if name
]
_parameters = get_parameters(_parameter_names) if _parameter_names else {}

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _parameters.get(
    SECRET_KEY_PARAMETER, ""
)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY_PARAMETER to the SSM parameter that holds the"
            " secret key (the deployment does), DJANGO_SECRET_KEY, or"
            " DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-key-for-local-development-only-never-deploy-this"

# The host names of the fronts and custom domains, from the stack's
# AllowedHosts parameter. Requests for any other host get a 400, except the
# load balancer's health checks, which carry no Host header (see
# example_site.health).
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
# Origins allowed to POST forms, e.g. "https://www.example.com", from the
# stack's CsrfTrustedOrigins parameter.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "apig_wsgi.contrib.django",
    "example_site.guestbook",
]

MIDDLEWARE = [
    "example_site.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apig_wsgi.contrib.django.middleware.ApigContextMiddleware",
]

ROOT_URLCONF = "example_site.urls"
WSGI_APPLICATION = "example_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# PostgreSQL on AWS, from the URL in SSM; SQLite in a file beside the
# project for local development (scripts/run-example.sh migrates it).
DATABASE_URL = (
    os.environ.get("DATABASE_URL")
    or _parameters.get(DATABASE_URL_PARAMETER)
    or f"sqlite:///{BASE_DIR.parent / 'db.sqlite3'}"
)
# Connections are closed after each request (CONN_MAX_AGE 0): a frozen Lambda
# environment would otherwise hold idle connections open on the server.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_health_checks=True)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"

# Browsers drop Secure cookies sent over plain HTTP, so the ALB front (HTTP on
# port 80) and the local server need DJANGO_SECURE_COOKIES=false.
SECURE_COOKIES = env_flag("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_SECURE = SECURE_COOKIES
# Every front but the plain-HTTP load balancer is HTTPS only; HSTS tells
# browsers so. Set DJANGO_HSTS_SECONDS=0 before a custom domain's first deploy
# if some of its subdomains still serve plain HTTP.
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_HSTS_SECONDS", "31536000" if SECURE_COOKIES else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False
# API Gateway, Function URLs and CloudFront redirect nothing themselves, but
# they only accept HTTPS, so a redirect would never be reached.
SECURE_SSL_REDIRECT = False
SILENCED_SYSTEM_CHECKS = ["security.W008", "security.W021"]

# Absolute: example_site.storage adds each request's script prefix (the
# REST API's stage) itself.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic writes here in the build, and the zip ships it; WhiteNoise
# serves it with hashed names, gzip copies and far-future cache headers.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "example_site.storage.ScriptPrefixedStaticFilesStorage"},
}

# The smallest request limit among the fronts is the ALB's: 1 MB for the whole
# Lambda event, in which base64 inflates a binary body by a third. The upload
# view accepts files up to 512 KiB (views.MAX_UPLOAD_BYTES); the other form
# fields are capped here.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

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
# Migrations run after each deploy: the playbook invokes the function with
# {"manage": ["migrate", "--no-input"]}. Nothing else may be run that way.
# The handler's event router sends task messages to the task runner first.
APIG_WSGI_EVENT_HANDLERS = [
    {
        "source": "invoke",
        "key": "manage",
        "handler": "example_site.manage_events.handle",
    }
]
# The function's handler is apig_wsgi.contrib.django.handler.streaming_handler:
# run by apig-wsgi's runtime loop (the stack's exec wrapper, run-wsgi), it
# streams the Function URL's responses (invoke mode RESPONSE_STREAM), so the
# events page arrives event by event. The other fronts are answered buffered.
APIG_WSGI_STREAM = ["function-url"]
# Besides the URLconf and templates, warm the index page up during Lambda's
# init phase (it needs no database), so the first visitor is not slower.
APIG_WSGI_WARM_UP_PATHS = ["/"]

# Background tasks (django.tasks, see example_site/guestbook/tasks.py). On
# Lambda, the site stack's SQS queue: its event source mapping invokes this
# function with the messages, and the handler runs the tasks in them. Without
# a queue (locally, in the tests) each task runs at once, in the request.
TASKS_QUEUE_URL = os.environ.get("TASKS_QUEUE_URL", "")
if TASKS_QUEUE_URL:
    TASKS = {
        "default": {
            "BACKEND": "apig_wsgi.contrib.django.tasks.SQSBackend",
            "OPTIONS": {"QUEUE_URL": TASKS_QUEUE_URL},
        }
    }
else:
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
