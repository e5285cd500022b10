"""SQSBackend end to end: enqueue into moto's SQS, receive, run through the
Django handler as Lambda's event source mapping would."""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta
from typing import Any

import pytest
from django.tasks import TaskResultStatus
from django.tasks.exceptions import InvalidTask
from django.utils import timezone

from apig_wsgi.testing.sqs import sqs_event
from tests.contrib.django.project import tasks
from tests.contrib.django.tasks.conftest import QUEUE_ARN
from tests.contrib.django.tasks.conftest import QUEUE_URL
from tests.contrib.django.tasks.conftest import EventSourceMapping
from tests.contrib.django.tasks.conftest import body
from tests.utils import load_other_event

pytestmark = pytest.mark.usefixtures("sqs")


def test_enqueue_sends_the_task_message(
    mapping: EventSourceMapping, signals: list[Any]
) -> None:
    result = tasks.add.enqueue(2, b=3)

    [message] = mapping.receive()
    assert body(message) == {
        "apig_wsgi_task": 1,
        "id": result.id,
        "task": "tests.contrib.django.project.tasks.add",
        "args": [2],
        "kwargs": {"b": 3},
        "backend": "default",
        "queue_name": "default",
        "priority": 0,
        "run_after": None,
        "enqueued_at": result.enqueued_at.isoformat(),  # type: ignore[union-attr]
    }
    assert (result.status, len(result.id), result.backend) == (
        TaskResultStatus.READY,
        32,
        "default",
    )
    assert [name for name, _ in signals] == ["enqueued:SQSBackend:READY"]


def test_success_runs_the_task_and_deletes_the_message(
    mapping: EventSourceMapping,
    signals: list[Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, "django.tasks")
    enqueued = tasks.add.enqueue(2, 3)
    signals.clear()

    result, messages = mapping.deliver()

    assert result == {"batchItemFailures": []}
    assert len(messages) == 1
    assert [name for name, _ in signals] == [
        "started:SQSBackend:RUNNING",
        "finished:SQSBackend:SUCCESSFUL",
    ]
    finished = signals[-1][1]
    assert (finished.id, finished.return_value, finished.attempts) == (
        enqueued.id,
        5,
        1,
    )
    assert finished.worker_ids == ["local"]
    assert finished.enqueued_at == enqueued.enqueued_at
    assert mapping.receive() == []
    assert [r.getMessage() for r in caplog.records] == [
        f"Task id={enqueued.id} path=tests.contrib.django.project.tasks.add "
        "state=RUNNING",
        f"Task id={enqueued.id} path=tests.contrib.django.project.tasks.add "
        "state=SUCCESSFUL",
    ]


def test_failure_is_retried_with_the_next_attempt_number(
    mapping: EventSourceMapping, signals: list[Any], caplog: pytest.LogCaptureFixture
) -> None:
    enqueued = tasks.succeed_on_second_attempt.enqueue()
    signals.clear()

    first, [delivered] = mapping.deliver()

    assert first == {"batchItemFailures": [{"itemIdentifier": delivered["MessageId"]}]}
    failed = signals[-1][1]
    assert failed.status == TaskResultStatus.FAILED
    [error] = failed.errors
    assert error.exception_class_path == "builtins.RuntimeError"
    assert error.traceback.endswith("RuntimeError: attempt 1 fails\n")
    router_log = [r for r in caplog.records if r.name == "apig_wsgi.routing"]
    assert [r.getMessage() for r in router_log] == [
        f"SQS record {delivered['MessageId']!r} failed: Task id={enqueued.id} "
        "path=tests.contrib.django.project.tasks.succeed_on_second_attempt "
        "failed with builtins.RuntimeError (traceback logged by django.tasks); "
        "it will be retried."
    ]
    [django_log] = [r for r in caplog.records if r.name == "django.tasks"]
    assert django_log.levelno == logging.ERROR
    assert django_log.exc_info is not None

    second, _ = mapping.deliver()

    assert second == {"batchItemFailures": []}
    succeeded = signals[-1][1]
    assert succeeded.return_value == {"attempt": 2, "id": enqueued.id}
    assert succeeded.worker_ids == ["", "local"]
    assert mapping.receive() == []


def test_failing_task_ends_in_the_dead_letter_queue(
    mapping: EventSourceMapping,
) -> None:
    tasks.fail.enqueue("always")

    mapping.deliver()
    mapping.deliver()

    # maxReceiveCount is 2: SQS moves the message instead of delivering it again.
    assert mapping.receive() == []
    dlq_url = QUEUE_URL + "-dlq"
    [dead] = mapping.receive(dlq_url)
    assert body(dead)["task"] == "tests.contrib.django.project.tasks.fail"


def test_mixed_batch_returns_only_the_failed_record(
    mapping: EventSourceMapping, signals: list[Any]
) -> None:
    tasks.add.enqueue(1, 2)
    tasks.fail.enqueue("this one")
    tasks.double.enqueue(21)

    result, messages = mapping.deliver()

    failed_id = next(
        m["MessageId"] for m in messages if body(m)["task"].endswith(".fail")
    )
    assert len(messages) == 3
    assert result == {"batchItemFailures": [{"itemIdentifier": failed_id}]}
    outcomes = sorted(
        (r.task.name, str(r.status)) for name, r in signals if name.startswith("fin")
    )
    assert outcomes == [
        ("add", "SUCCESSFUL"),
        ("double", "SUCCESSFUL"),
        ("fail", "FAILED"),
    ]
    [left] = mapping.receive()
    assert left["MessageId"] == failed_id


def test_return_value_is_normalised_to_json(
    mapping: EventSourceMapping, signals: list[Any]
) -> None:
    tasks.pair.enqueue()

    mapping.deliver()

    assert signals[-1][1].return_value == ["a", 1]


class TestMalformedMessages:
    def send(self, mapping: EventSourceMapping, message: Any) -> str:
        text = message if isinstance(message, str) else json.dumps(message)
        sent: str = mapping.sqs.send_message(QueueUrl=QUEUE_URL, MessageBody=text)[
            "MessageId"
        ]
        return sent

    def valid_message(self, mapping: EventSourceMapping) -> dict[str, Any]:
        tasks.add.enqueue(1, 1)
        [message] = mapping.receive()
        mapping.sqs.delete_message(
            QueueUrl=QUEUE_URL, ReceiptHandle=message["ReceiptHandle"]
        )
        payload: dict[str, Any] = body(message)
        return payload

    @pytest.mark.parametrize(
        ("change", "error"),
        [
            ({"id": None}, "Malformed task message: 'id' is None."),
            ({"args": "1, 1"}, "Malformed task message: 'args' is '1, 1'."),
            (
                {"task": "tests.contrib.django.project.tasks.not_a_task"},
                "Task message {id!r} names "
                "'tests.contrib.django.project.tasks.not_a_task', which is not a "
                "task (a function decorated with @task).",
            ),
            (
                {"task": "os.system", "args": ["echo owned"]},
                "Task message {id!r} names 'os.system', which is not a task (a "
                "function decorated with @task).",
            ),
            (
                {"backend": "immediate"},
                "Task message {id!r} names the task backend 'immediate', which is "
                "ImmediateBackend: only tasks enqueued with apig-wsgi's SQSBackend "
                "or LambdaBackend are run here.",
            ),
            ({"apig_wsgi_task": 2}, None),
        ],
    )
    def test_malformed_task_message_is_never_run(
        self,
        mapping: EventSourceMapping,
        signals: list[Any],
        caplog: pytest.LogCaptureFixture,
        change: dict[str, Any],
        error: str | None,
    ) -> None:
        message = {**self.valid_message(mapping), **change}
        signals.clear()
        sent = self.send(mapping, message)

        result, _ = mapping.deliver()

        assert result == {"batchItemFailures": [{"itemIdentifier": sent}]}
        assert signals == []
        if error is None:
            error = (
                "Unsupported task message version 2; this apig-wsgi reads version "
                "1. Deploy the same apig-wsgi release where tasks are enqueued and "
                "where they run."
            )
        assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
            (
                logging.ERROR,
                f"SQS record {sent!r} failed: "
                + error.format(id=message["id"])
                + " The task was not run.",
            )
        ]

    def test_foreign_message_without_a_handler_is_reported_failed(
        self, mapping: EventSourceMapping, caplog: pytest.LogCaptureFixture
    ) -> None:
        sent = self.send(mapping, "not a task, and not JSON")

        result, _ = mapping.deliver()

        assert result == {"batchItemFailures": [{"itemIdentifier": sent}]}
        assert [r.getMessage() for r in caplog.records] == [
            f"No handler for the SQS record {sent!r}, which is reported as "
            "failed: register one with router.sqs()."
        ]


class TestDelay:
    def test_delayed_task_arrives_after_its_run_after(
        self, mapping: EventSourceMapping, signals: list[Any]
    ) -> None:
        run_after = timezone.now() + timedelta(seconds=2)
        tasks.add.using(run_after=run_after).enqueue(20, 22)

        assert mapping.receive() == []
        time.sleep(2.5)
        result, [message] = mapping.deliver()

        assert result == {"batchItemFailures": []}
        assert body(message)["run_after"] == run_after.isoformat()
        assert signals[-1][1].return_value == 42
        assert signals[-1][1].task.run_after == run_after

    def test_run_after_beyond_15_minutes_is_refused(self) -> None:
        with pytest.raises(InvalidTask) as excinfo:
            tasks.add.using(run_after=timezone.now() + timedelta(minutes=16))

        assert str(excinfo.value) == (
            "run_after is 960 seconds away, but SQS can delay a message by at most "
            "900 seconds (15 minutes). Enqueue it later, e.g. from a scheduled task."
        )

    def test_run_after_in_the_past_sends_no_delay(
        self, mapping: EventSourceMapping
    ) -> None:
        tasks.add.using(run_after=timezone.now() - timedelta(seconds=5)).enqueue(1, 2)

        assert len(mapping.receive()) == 1


def test_event_built_from_moto_has_the_shape_of_a_real_sqs_event(
    mapping: EventSourceMapping,
) -> None:
    tasks.add.enqueue(1, 2)

    [record] = sqs_event(mapping.receive(), QUEUE_ARN)["Records"]

    sample = load_other_event("powertools-python/sqsEvent.json")["Records"][1]
    assert set(record) == set(sample)
    assert set(sample["attributes"]) <= set(record["attributes"])
