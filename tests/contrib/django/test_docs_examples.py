"""The Django examples of the docs pages."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from importlib import import_module
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from apig_wsgi import InvalidEventError
from apig_wsgi.contrib.django import events
from apig_wsgi.contrib.django.checks import check_middleware
from apig_wsgi.contrib.django.checks import check_remote_user
from apig_wsgi.contrib.django.checks import check_settings
from apig_wsgi.contrib.django.handler import build_lambda_handler
from apig_wsgi.testing import Client
from tests.docs import example_modules
from tests.docs import module_with
from tests.utils import load_other_event

changes: list[Any] = []


@pytest.fixture(autouse=True)
def saved_routes() -> Iterator[None]:
    saved = list(events.router.routes)
    yield
    events.router.routes[:] = saved


def test_lambda_events_module_registers_on_the_project_router(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with example_modules(
        **{"myapp.lambda_events": "other-aws-events/lambda_events.py"}
    ):
        handler: Any = build_lambda_handler()

        alert = load_other_event("powertools-python/snsEvent.json")
        alert["Records"][0]["Sns"]["TopicArn"] = "arn:aws:sns:us-east-2:1:alerts"
        clicks = load_other_event("powertools-python/kinesisStreamEvent.json")
        for record in clicks["Records"]:
            record["eventSourceARN"] = "arn:aws:kinesis:us-east-2:1:stream/clicks"

        assert handler(alert, None) is None
        assert handler(clicks, None) == {"batchItemFailures": []}
    assert capsys.readouterr().out == "alert: TestInvoke\nclick: 1\nclick: 1\n"


def test_settings_example_is_valid_and_routes() -> None:
    stand_in = module_with(order_changed=lambda record, context: changes.append(1))
    with example_modules(
        **{
            "myapp.streams": stand_in,
            "example_settings": "other-aws-events/settings.py",
        }
    ):
        entries = sys.modules["example_settings"].APIG_WSGI_EVENT_HANDLERS
        with override_settings(APIG_WSGI_EVENT_HANDLERS=entries):
            assert check_settings() == []
            handler: Any = build_lambda_handler()
        orders = load_other_event("powertools-python/dynamoStreamEvent.json")
        for record in orders["Records"]:
            record["eventSourceARN"] = (
                "arn:aws:dynamodb:us-east-1:1:table/Orders/stream/2026-01-01"
            )

        assert handler(orders, None) == {"batchItemFailures": []}
        assert handler({"manage": ["check"]}, None)["exit_status"] == 0
    assert changes == [1, 1]


def test_getting_started_settings_name_the_app_and_middleware() -> None:
    with example_modules(example_settings="getting-started/settings.py"):
        example = sys.modules["example_settings"]
    app, middleware = example.INSTALLED_APPS[-1], example.MIDDLEWARE[-1]
    assert import_module(app).__name__ == "apig_wsgi.contrib.django"
    with override_settings(MIDDLEWARE=[middleware]):
        assert check_middleware() == []


def test_rest_settings_example_turns_binary_and_stage_on() -> None:
    with example_modules(example_settings="django/settings_rest.py"):
        example = sys.modules["example_settings"]
    with override_settings(
        APIG_WSGI_BINARY_SUPPORT=example.APIG_WSGI_BINARY_SUPPORT,
        APIG_WSGI_SCRIPT_NAME=example.APIG_WSGI_SCRIPT_NAME,
    ):
        assert check_settings() == []
        client = Client(build_lambda_handler(), format="rest")
        response = client.get("/links/")
        image = client.get("/image.png", headers={"Accept": "image/png"})
    assert response.json()["image"] == "/prod/image.png"
    assert image.result["isBase64Encoded"] is True


def test_request_type_annotates_apig_context() -> None:
    with example_modules(request_types="django/request_types.py"):
        request_class = sys.modules["request_types"].ApigHttpRequest
    assert request_class.__annotations__ == {"apig_context": "ApigContext | None"}


def test_manage_settings_example_runs_commands() -> None:
    with example_modules(example_settings="production/settings_manage.py"):
        path = sys.modules["example_settings"].APIG_WSGI_NON_HTTP_HANDLER
    with override_settings(APIG_WSGI_NON_HTTP_HANDLER=path):
        handler: Any = build_lambda_handler()
    result = handler({"manage": ["check"]}, None)
    assert (result["exit_status"], result["stderr"]) == (0, "")


def test_allowed_commands_example_refuses_other_commands() -> None:
    with example_modules(lambda_events="production/lambda_events.py"):
        handle = sys.modules["lambda_events"].handle
    with pytest.raises(InvalidEventError):
        handle({"manage": ["migrate", "auth", "zero"]}, None)
    with pytest.raises(InvalidEventError):
        handle({"manage": ["flush", "--noinput"]}, None)


@pytest.mark.usefixtures("database")
def test_authentication_settings_backend_and_test_run_together() -> None:
    with example_modules(
        **{
            "myproject.backends": "authentication/backends.py",
            "auth_settings": "authentication/settings.py",
            "test_views": "authentication/test_views.py",
        }
    ):
        example = sys.modules["auth_settings"]
        with override_settings(
            MIDDLEWARE=example.MIDDLEWARE,
            AUTHENTICATION_BACKENDS=example.AUTHENTICATION_BACKENDS,
            APIG_WSGI_REMOTE_USER=example.APIG_WSGI_REMOTE_USER,
            APIG_WSGI_REMOTE_USER_CLAIM=example.APIG_WSGI_REMOTE_USER_CLAIM,
        ):
            assert check_remote_user() == []
            sys.modules["test_views"].test_editors_see_the_dashboard()
            client = Client(build_lambda_handler(), format="rest")
            claims = {
                "email": "ada@example.com",
                "given_name": "Ada",
                "cognito:groups": "admins,editors",
            }
            assert client.get("/dashboard/", claims=claims).text == (
                "Hello ada@example.com"
            )
    user = User.objects.get(username="ada@example.com")
    assert (user.first_name, user.last_name) == ("Ada", "")
    assert [group.name for group in user.groups.all()] == ["editors"]
