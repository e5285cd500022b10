"""Settings read from the environment, each checked in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys

import boto3  # type: ignore[import-untyped]
from conftest import EXAMPLE_DIR
from moto_support import moto_server

SHOW = (
    "from django.conf import settings; "
    "print(settings.DEBUG, settings.CSRF_COOKIE_SECURE, settings.ALLOWED_HOSTS, "
    "settings.CSRF_TRUSTED_ORIGINS, settings.DATABASES['default']['ENGINE'])"
)
PRODUCTION = {
    "DJANGO_SECRET_KEY": "k" * 30 + "-production-" + "q" * 30,
    "DJANGO_ALLOWED_HOSTS": ".lambda-url.eu-west-1.on.aws,,www.example.com,",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://www.example.com",
    "DATABASE_URL": "postgres://app:secret@db.example.com:5432/site",
    "TASKS_QUEUE_URL": (
        "https://sqs.eu-west-1.amazonaws.com/123456789012/apig-wsgi-example-tasks"
    ),
}
SHOW_TASKS = (
    "from django.tasks import task_backends; backend = task_backends['default']; "
    "print(type(backend).__name__, backend.options)"
)


def run_python(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "DJANGO_", "DATABASE_URL", "AWS_"))
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=EXAMPLE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "example_site.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_without_secret_key_refuse_to_load() -> None:
    result = run_python("-c", SHOW)

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: Set"
        " DJANGO_SECRET_KEY_PARAMETER to the SSM parameter that holds the secret"
        " key (the deployment does), DJANGO_SECRET_KEY, or DJANGO_DEBUG=true for"
        " local development."
    )


def test_settings_in_debug_need_no_secret_key_and_use_sqlite() -> None:
    result = run_python("-c", SHOW, DJANGO_DEBUG="true")

    assert (result.returncode, result.stderr, result.stdout) == (
        0,
        "",
        "True False ['localhost', '127.0.0.1'] [] django.db.backends.sqlite3\n",
    )


def test_production_settings_read_hosts_origins_and_database() -> None:
    result = run_python("-c", SHOW, **PRODUCTION)

    assert (result.returncode, result.stderr, result.stdout) == (
        0,
        "",
        "False True ['.lambda-url.eu-west-1.on.aws', 'www.example.com']"
        " ['https://www.example.com'] django.db.backends.postgresql\n",
    )


def test_production_settings_pass_check_deploy() -> None:
    result = run_python(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION
    )

    assert (result.returncode, result.stderr, result.stdout) == (
        0,
        "",
        "System check identified no issues (2 silenced).\n",
    )


def test_tasks_go_to_the_queue_in_production() -> None:
    result = run_python("-c", SHOW_TASKS, **PRODUCTION)

    assert (result.returncode, result.stderr, result.stdout) == (
        0,
        "",
        "SQSBackend {'QUEUE_URL': "
        "'https://sqs.eu-west-1.amazonaws.com/123456789012/apig-wsgi-example-tasks'}"
        "\n",
    )


def test_tasks_run_at_once_without_a_queue() -> None:
    result = run_python("-c", SHOW_TASKS, DJANGO_DEBUG="true")

    assert (result.returncode, result.stderr, result.stdout) == (
        0,
        "",
        "ImmediateBackend {}\n",
    )


def test_settings_reject_a_flag_that_is_not_a_boolean() -> None:
    result = run_python("-c", SHOW, DJANGO_DEBUG="maybe")

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured:"
        " DJANGO_DEBUG must be true or false, not 'maybe'."
    )


def aws_environment(url: str) -> dict[str, str]:
    return {
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_ENDPOINT_URL_SSM": url,
    }


def test_settings_read_secrets_from_ssm() -> None:
    show_secrets = (
        "from django.conf import settings; "
        "print(settings.SECRET_KEY, settings.DATABASES['default']['PASSWORD'])"
    )
    with moto_server() as url:
        ssm = boto3.client(
            "ssm",
            endpoint_url=url,
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        ssm.put_parameter(Name="/site/secret-key", Value="s" * 60, Type="SecureString")
        ssm.put_parameter(
            Name="/site/database-url",
            Value="postgres://app:from-ssm@db.example.com/site",
            Type="SecureString",
        )

        result = run_python(
            "-c",
            show_secrets,
            DJANGO_SECRET_KEY_PARAMETER="/site/secret-key",
            DJANGO_DATABASE_URL_PARAMETER="/site/database-url",
            **aws_environment(url),
        )

    assert (result.returncode, result.stderr, result.stdout) == (
        0,
        "",
        "s" * 60 + " from-ssm\n",
    )


def test_settings_name_a_missing_ssm_parameter() -> None:
    with moto_server() as url:
        result = run_python(
            "-c",
            SHOW,
            DJANGO_SECRET_KEY_PARAMETER="/site/secret-key",
            **aws_environment(url),
        )

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: These SSM parameters do not"
        " exist: /site/secret-key. The playbook creates them; check the names in"
        " the function's environment."
    )


def test_settings_say_when_ssm_cannot_be_reached() -> None:
    result = run_python(
        "-c",
        SHOW,
        DJANGO_SECRET_KEY_PARAMETER="/site/secret-key",
        **aws_environment("http://127.0.0.1:9"),
    )

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith(
        "django.core.exceptions.ImproperlyConfigured: Reading the parameters"
        " /site/secret-key from SSM at http://127.0.0.1:9/ failed: "
    )
