"""The examples of docs/background-tasks.rst."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.tasks.checks import check_tasks
from django.test import RequestFactory
from django.test import override_settings

from tests.contrib.django.tasks.conftest import QUEUE_URL
from tests.contrib.django.tasks.conftest import EventSourceMapping
from tests.contrib.django.tasks.conftest import body
from tests.docs import example_modules


@pytest.fixture
def example(monkeypatch: pytest.MonkeyPatch, sqs: Any) -> Iterator[Any]:
    monkeypatch.setenv("TASKS_QUEUE_URL", QUEUE_URL)
    with example_modules(
        **{
            "example_settings": "background-tasks/settings_sqs.py",
            "myapp.tasks": "background-tasks/tasks.py",
            "myapp.views": "background-tasks/views.py",
        }
    ):
        tasks = sys.modules["example_settings"].TASKS
        tasks["default"]["OPTIONS"]["CLIENT_OPTIONS"] = {"region_name": "us-east-1"}
        with override_settings(TASKS=tasks):
            yield sys.modules["myapp.views"]


def test_view_enqueues_and_the_function_runs_the_task(
    example: Any, sqs: Any, signals: list[Any]
) -> None:
    request = RequestFactory().post(
        "/submit/", {"text": "three little words", "email": "ada@example.com"}
    )

    response = example.submit(request)
    mapping = EventSourceMapping(sqs)
    result, [message] = mapping.deliver()

    assert response.status_code == 202
    assert body(message)["task"] == "myapp.tasks.count_words"
    assert result == {"batchItemFailures": []}
    assert signals[-1][1].return_value == 3
    # notify waits five minutes in the queue.
    assert sqs.get_queue_attributes(
        QueueUrl=QUEUE_URL, AttributeNames=["ApproximateNumberOfMessagesDelayed"]
    )["Attributes"] == {"ApproximateNumberOfMessagesDelayed": "1"}


def test_backend_settings_pass_the_checks(example: Any) -> None:
    assert list(check_tasks()) == []
    with example_modules(example_lambda="background-tasks/settings_lambda.py"):
        lambda_tasks = sys.modules["example_lambda"].TASKS
    with override_settings(TASKS=lambda_tasks):
        assert list(check_tasks()) == []
