"""The examples of the docs pages that need no framework."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from apig_wsgi import make_lambda_handler
from apig_wsgi.testing import Client
from tests.docs import example_modules
from tests.docs import module_with
from tests.test_event_sources import SCHEDULED
from tests.utils import FakeContext
from tests.utils import load_event
from tests.utils import load_other_event
from tests.utils import validated_echo_app


@pytest.fixture
def example() -> Any:
    with example_modules(
        **{
            "myproject.wsgi": module_with(application=validated_echo_app),
            "lambda_function": "other-aws-events/lambda_function.py",
        }
    ):
        yield sys.modules["lambda_function"]


def sqs_orders(*orders: dict[str, Any]) -> dict[str, Any]:
    event = load_other_event("powertools-python/sqsEvent.json")
    template = event["Records"][1]
    event["Records"] = [
        {
            **template,
            "messageId": f"m-{order['id']}",
            "body": json.dumps(order),
            "eventSourceARN": "arn:aws:sqs:us-east-2:123456789012:orders",
        }
        for order in orders
    ]
    return event


def test_unpaid_order_alone_is_retried(example: Any) -> None:
    event = sqs_orders({"id": "a", "paid": True}, {"id": "b"}, {"id": "c", "paid": 1})

    result = example.lambda_handler(event, FakeContext())

    assert result == {"batchItemFailures": [{"itemIdentifier": "m-b"}]}
    assert example.shipped == ["a", "c"]


def test_upload_schedule_and_ping(
    example: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = load_other_event("powertools-python/s3Event.json")
    upload["Records"][0]["s3"]["bucket"]["name"] = "uploads"
    upload["Records"][0]["s3"]["object"]["key"] = "cat+photo.jpg"
    schedule = {
        **SCHEDULED,
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/nightly-report"],
    }

    assert example.lambda_handler(upload, FakeContext()) is None
    assert example.lambda_handler(schedule, FakeContext()) == {
        "report": "for 2019-10-08T16:53:06Z"
    }
    assert example.lambda_handler({"ping": True}, FakeContext()) == "pong"
    assert capsys.readouterr().out == "new upload: cat photo.jpg\n"


def test_http_requests_still_reach_the_app(example: Any) -> None:
    event = load_event("powertools-python/albEvent.json")
    result = example.lambda_handler(event, FakeContext())
    assert result == make_lambda_handler(validated_echo_app)(event, FakeContext())


def test_getting_started_lambda_function() -> None:
    with example_modules(
        **{
            "myproject.wsgi": module_with(application=validated_echo_app),
            "lambda_function": "getting-started/lambda_function.py",
        }
    ):
        handler = sys.modules["lambda_function"].lambda_handler
        event = load_event("powertools-python/albEvent.json")
        result = handler(event, FakeContext())
    assert result == make_lambda_handler(validated_echo_app)(event, FakeContext())


def test_plain_wsgi_app_reads_apig_context() -> None:
    with example_modules(whoami="formats/whoami.py"):
        application = sys.modules["whoami"].application
    response = Client(make_lambda_handler(application), format="rest").get("/")
    assert response.json() == {"front": "rest", "ip": "203.0.113.10", "stage": "prod"}
    # Outside Lambda, the same app answers without an ApigContext.
    environ: dict[str, Any] = {"REMOTE_ADDR": "127.0.0.1"}
    assert json.loads(b"".join(application(environ, lambda *args: None))) == {
        "front": None,
        "ip": "127.0.0.1",
        "stage": None,
    }


def test_test_client_example_passes() -> None:
    with example_modules(
        **{
            "myproject.wsgi": "local-tools/myproject/wsgi.py",
            "test_login": "local-tools/test_login.py",
        }
    ):
        sys.modules["test_login"].test_login_sets_cookies()


def test_lambda_function_example_names_users_by_their_cognito_username() -> None:
    names: list[object] = []

    def application(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        names.append(environ.get("REMOTE_USER"))
        start_response("204 No Content", [])
        return []

    with example_modules(
        **{
            "myproject.wsgi": module_with(application=application),
            "lambda_function": "authentication/lambda_function.py",
        }
    ):
        client = Client(sys.modules["lambda_function"].lambda_handler)
        client.get("/", claims={"sub": "1", "cognito:username": "ada"})

    assert names == ["ada"]
