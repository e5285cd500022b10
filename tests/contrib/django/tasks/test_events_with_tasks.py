from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core import checks
from django.test import override_settings

from apig_wsgi.contrib.django import events
from apig_wsgi.contrib.django.checks import check_non_http_handler_hides_events
from apig_wsgi.contrib.django.tasks import SQSBackend
from apig_wsgi.routing import EventRouter
from tests.contrib.django.project import tasks
from tests.contrib.django.tasks.conftest import QUEUE_URL
from tests.contrib.django.tasks.conftest import TASKS
from tests.contrib.django.tasks.conftest import EventSourceMapping
from tests.contrib.django.tasks.conftest import body


class OwnSQSBackend(SQSBackend):
    pass


@pytest.fixture
def decorated() -> Iterator[EventRouter]:
    saved = list(events.router.routes)
    yield events.router
    events.router.routes[:] = saved


def test_task_runner_comes_before_a_catch_all_sqs_handler(
    sqs: Any, decorated: EventRouter, signals: list[Any]
) -> None:
    others: list[str] = []
    decorated.sqs()(lambda record, context: others.append(record["body"]))
    mapping = EventSourceMapping(sqs)
    tasks.add.enqueue(1, 2)
    sqs.send_message(QueueUrl=QUEUE_URL, MessageBody="hello")

    result, messages = mapping.deliver()

    assert result == {"batchItemFailures": []}
    assert len(messages) == 2
    assert others == ["hello"]
    assert signals[-1][1].return_value == 3
    assert [body(m).get("task") for m in messages if m["Body"] != "hello"] == [
        "tests.contrib.django.project.tasks.add"
    ]


@pytest.mark.parametrize(
    "backend",
    [
        "tests.contrib.django.tasks.test_events_with_tasks.OwnSQSBackend",
        "apig_wsgi.contrib.django.tasks.LambdaBackend",
    ],
)
def test_subclasses_of_the_backends_use_the_task_runner(backend: str) -> None:
    with override_settings(TASKS={"default": {"BACKEND": backend}}):
        assert events.uses_task_backends() is True


@override_settings(
    TASKS={
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
        "broken": {"BACKEND": "tests.nowhere.Backend"},
    }
)
def test_other_backends_do_not() -> None:
    assert events.uses_task_backends() is False
    assert events.build_event_router() is None


@override_settings(TASKS={"default": {}})
def test_backend_without_a_path_is_left_to_django() -> None:
    assert events.uses_task_backends() is False


@override_settings(APIG_WSGI_NON_HTTP_HANDLER="builtins:print")
def test_non_http_handler_hiding_tasks_is_w006(decorated: EventRouter) -> None:
    decorated.sns()(print)
    assert check_non_http_handler_hides_events() == [
        checks.Warning(
            "APIG_WSGI_NON_HTTP_HANDLER receives every non-HTTP event, so task "
            "messages and the registered event handlers never run.",
            hint="Remove APIG_WSGI_NON_HTTP_HANDLER and register that handler "
            "with apig_wsgi.contrib.django.events.router instead.",
            id="apig_wsgi.W006",
        )
    ]
    assert TASKS["default"]["BACKEND"] == "apig_wsgi.contrib.django.tasks.SQSBackend"


@override_settings(
    TASKS={
        "default": {
            "BACKEND": "tests.contrib.django.tasks.test_events_with_tasks.NotABackend"
        }
    }
)
def test_other_packages_backend_that_is_not_ours() -> None:
    assert events.uses_task_backends() is False


NotABackend = object()
