from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from apig_wsgi.contrib.django import events
from apig_wsgi.contrib.django.checks import check_non_http_handler_hides_events
from apig_wsgi.contrib.django.checks import check_settings
from apig_wsgi.contrib.django.checks import check_tasks_need_django_6
from apig_wsgi.contrib.django.handler import build_lambda_handler
from apig_wsgi.routing import EventRouter
from apig_wsgi.routing import UnroutedEventError
from tests.test_event_sources import SCHEDULED
from tests.utils import FakeContext

SETTINGS = "tests.contrib.django.project.settings"
DJANGO_6 = django.VERSION >= (6, 0)
SQS_BACKEND = {"BACKEND": "apig_wsgi.contrib.django.tasks.SQSBackend"}


def nightly(event: dict[str, Any], context: Any) -> str:
    return f"nightly at {event['time']}"


def anything(event: Any, context: Any) -> str:
    return "from settings"


@pytest.fixture
def decorated() -> Iterator[EventRouter]:
    """The project router, emptied again after the test."""
    saved = list(events.router.routes)
    yield events.router
    events.router.routes[:] = saved


def test_no_handlers_leaves_other_events_failing_as_before() -> None:
    assert events.build_event_router() is None


@override_settings(
    APIG_WSGI_EVENT_HANDLERS=[
        {
            "source": "schedule",
            "rule": "nightly",
            "handler": "tests.contrib.django.test_events:nightly",
        }
    ]
)
def test_handlers_from_settings_get_their_events() -> None:
    handler: Any = build_lambda_handler()

    assert handler(SCHEDULED, FakeContext()) == "nightly at 2019-10-08T16:53:06Z"


@override_settings(APIG_WSGI_EVENT_HANDLERS=[{"source": "sqs"}])
def test_invalid_setting_stops_the_handler_from_being_built() -> None:
    with pytest.raises(ImproperlyConfigured) as excinfo:
        build_lambda_handler()

    assert str(excinfo.value) == (
        "APIG_WSGI_EVENT_HANDLERS[0]: expected a dict with 'source' and 'handler' "
        'keys, got {\'source\': \'sqs\'}. Write e.g. {"source": "sqs", "handler": '
        '"myapp.events.handle"}.'
    )


@override_settings(
    APIG_WSGI_EVENT_HANDLERS=[
        {"source": "invoke", "handler": "tests.contrib.django.test_events:anything"}
    ]
)
def test_settings_come_before_decorated_handlers(
    decorated: EventRouter,
) -> None:
    decorated.invoke()(lambda event, context: "decorated")
    decorated.schedule()(lambda event, context: "decorated schedule")
    handler: Any = build_lambda_handler()

    assert handler({"ping": 1}, None) == "from settings"
    assert handler(SCHEDULED, None) == "decorated schedule"


def test_decorated_handlers_alone(decorated: EventRouter) -> None:
    decorated.invoke(key="ping")(lambda event, context: "pong")
    handler: Any = build_lambda_handler()

    assert handler({"ping": 1}, None) == "pong"
    with pytest.raises(UnroutedEventError) as excinfo:
        handler({"pong": 1}, None)
    assert str(excinfo.value) == (
        "No handler for the direct invocation with a JSON object with 'pong', "
        "which is not an HTTP event either: register one with router.invoke()."
    )


@override_settings(
    APIG_WSGI_NON_HTTP_HANDLER="tests.contrib.django.test_events:anything"
)
def test_non_http_handler_setting_replaces_the_router(
    decorated: EventRouter,
) -> None:
    decorated.invoke()(lambda event, context: "decorated")

    handler: Any = build_lambda_handler()

    assert handler({"ping": 1}, None) == "from settings"


class TestStartUp:
    def run(self, code: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            cwd=Path(__file__).parents[3],
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": SETTINGS,
                "APIG_WSGI_TEST_EVENTS_APP": "1",
            },
            check=False,
        )

    def test_lambda_events_modules_are_discovered_when_django_starts(self) -> None:
        process = self.run(
            "import json; "
            "from apig_wsgi.contrib.django.handler import lambda_handler; "
            "print(json.dumps(lambda_handler({'greet': 'Ada'}, None)))"
        )

        assert (process.returncode, process.stderr) == (0, "")
        assert json.loads(process.stdout) == {"greeting": "Hello Ada"}


class TestChecks:
    @override_settings(APIG_WSGI_EVENT_HANDLERS="sqs")
    def test_event_handlers_of_the_wrong_type_is_e001(self) -> None:
        assert check_settings() == [
            checks.Error(
                "APIG_WSGI_EVENT_HANDLERS must be a list of dicts, not 'sqs'.",
                hint='Write e.g. [{"source": "sqs", "queue": "orders", "handler": '
                '"myapp.events.handle_order"}].',
                id="apig_wsgi.E001",
            )
        ]

    @override_settings(
        APIG_WSGI_EVENT_HANDLERS=[{"source": "sms", "handler": "builtins:print"}]
    )
    def test_event_handler_with_a_bad_value_is_e002(self) -> None:
        assert check_settings() == [
            checks.Error(
                "APIG_WSGI_EVENT_HANDLERS[0]: Unknown event source 'sms'.",
                hint="Use one of: sqs, sns, s3, dynamodb, kinesis, eventbridge, "
                "schedule, invoke.",
                id="apig_wsgi.E002",
            )
        ]

    @override_settings(
        APIG_WSGI_EVENT_HANDLERS=[{"source": "sqs", "handler": "builtins:print"}]
    )
    def test_valid_event_handlers_pass_and_are_a_known_setting(self) -> None:
        assert check_settings() == []
        assert check_settings() == []

    def test_no_event_handlers_pass(self) -> None:
        assert check_settings() == []

    @override_settings(
        APIG_WSGI_NON_HTTP_HANDLER="tests.contrib.django.test_events:anything",
        APIG_WSGI_EVENT_HANDLERS=[{"source": "sqs", "handler": "builtins:print"}],
    )
    def test_non_http_handler_hiding_event_handlers_is_w006(self) -> None:
        assert check_non_http_handler_hides_events() == [
            checks.Warning(
                "APIG_WSGI_NON_HTTP_HANDLER receives every non-HTTP event, so the "
                "registered event handlers never run.",
                hint="Remove APIG_WSGI_NON_HTTP_HANDLER and register that handler "
                "with apig_wsgi.contrib.django.events.router instead.",
                id="apig_wsgi.W006",
            )
        ]

    @override_settings(
        APIG_WSGI_NON_HTTP_HANDLER="tests.contrib.django.test_events:anything"
    )
    def test_non_http_handler_alone_passes(self) -> None:
        assert check_non_http_handler_hides_events() == []

    def test_no_non_http_handler_passes(self, decorated: EventRouter) -> None:
        decorated.invoke()(print)
        assert check_non_http_handler_hides_events() == []

    @pytest.mark.skipif(DJANGO_6, reason="Django 6.0 has the tasks framework")
    @override_settings(
        TASKS={
            "default": SQS_BACKEND,
            "other": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"},
            "odd": "not a dict",
        }
    )
    def test_apig_wsgi_backend_before_django_6_is_e003(self) -> None:
        assert check_tasks_need_django_6() == [
            checks.Error(
                "TASKS['default'] uses apig_wsgi.contrib.django.tasks.SQSBackend, "
                f"which needs Django 6.0 or later; this project runs Django "
                f"{django.get_version()}, which ignores TASKS.",
                hint="Upgrade to Django 6.0, or remove the TASKS setting.",
                id="apig_wsgi.E003",
            )
        ]

    @pytest.mark.skipif(DJANGO_6, reason="Django 6.0 has the tasks framework")
    def test_no_tasks_setting_before_django_6_passes(self) -> None:
        assert check_tasks_need_django_6() == []

    @pytest.mark.skipif(DJANGO_6, reason="Django 6.0 has the tasks framework")
    @override_settings(TASKS=[SQS_BACKEND])
    def test_tasks_setting_that_is_not_a_dict_is_left_to_django(self) -> None:
        assert check_tasks_need_django_6() == []

    @pytest.mark.skipif(not DJANGO_6, reason="needs Django 6.0")
    @override_settings(TASKS={"default": SQS_BACKEND})
    def test_apig_wsgi_backend_on_django_6_passes(self) -> None:
        assert check_tasks_need_django_6() == []


@pytest.mark.skipif(DJANGO_6, reason="Django 6.0 has the tasks framework")
class TestBeforeDjango6:
    def test_importing_the_backends_says_what_is_needed(self) -> None:
        with pytest.raises(ImportError) as excinfo:
            import apig_wsgi.contrib.django.tasks  # noqa: F401

        assert str(excinfo.value) == (
            "apig_wsgi.contrib.django.tasks needs the tasks framework of Django "
            f"6.0 or later (django.tasks); this project runs Django "
            f"{django.get_version()}."
        )

    @override_settings(TASKS={"default": SQS_BACKEND})
    def test_task_runner_is_not_registered(self) -> None:
        assert events.uses_task_backends() is False
