"""The Django examples of docs/other-aws-events.rst."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from apig_wsgi.contrib.django import events
from apig_wsgi.contrib.django.checks import check_event_handlers
from apig_wsgi.contrib.django.handler import build_lambda_handler
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
            assert check_event_handlers() == []
            handler: Any = build_lambda_handler()
        orders = load_other_event("powertools-python/dynamoStreamEvent.json")
        for record in orders["Records"]:
            record["eventSourceARN"] = (
                "arn:aws:dynamodb:us-east-1:1:table/Orders/stream/2026-01-01"
            )

        assert handler(orders, None) == {"batchItemFailures": []}
        assert handler({"manage": ["check"]}, None)["exit_status"] == 0
    assert changes == [1, 1]
