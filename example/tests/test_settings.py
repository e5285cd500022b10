"""Settings read from the environment, each checked in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import EXAMPLE_DIR

SHOW = (
    "from django.conf import settings; "
    "print(settings.DEBUG, settings.CSRF_COOKIE_SECURE, settings.ALLOWED_HOSTS)"
)


def run_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=EXAMPLE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "example_site.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_without_secret_key_refuse_to_load() -> None:
    result = run_settings()

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: Set DJANGO_SECRET_KEY (the"
        " deployment passes it to the function from a NoEcho stack parameter), or"
        " DJANGO_DEBUG=true for local development."
    )


def test_settings_in_debug_need_no_secret_key() -> None:
    result = run_settings(DJANGO_DEBUG="true")

    assert (result.returncode, result.stdout) == (
        0,
        "True False ['localhost', '127.0.0.1']\n",
    )


def test_settings_on_lambda_mark_cookies_secure() -> None:
    result = run_settings(DJANGO_SECRET_KEY="k" * 50, DJANGO_ALLOWED_HOSTS="*")

    assert (result.returncode, result.stdout) == (0, "False True ['*']\n")


def test_settings_reject_a_flag_that_is_not_a_boolean() -> None:
    result = run_settings(DJANGO_DEBUG="maybe")

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured:"
        " DJANGO_DEBUG must be true or false, not 'maybe'."
    )
