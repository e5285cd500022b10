from __future__ import annotations

import json
from typing import Any

import pytest
from django.tasks import TaskResultStatus
from django.test import override_settings

from apig_wsgi.contrib.django.task_messages import InvalidTaskMessageError
from apig_wsgi.contrib.django.task_messages import decode
from apig_wsgi.contrib.django.task_runner import PROCESS_WORKER_ID
from apig_wsgi.contrib.django.task_runner import handle_sqs_record
from apig_wsgi.contrib.django.task_runner import is_task_record
from apig_wsgi.contrib.django.task_runner import run_task_message
from apig_wsgi.routing import RecordFailedError
from tests.contrib.django.tasks.conftest import TASKS

MESSAGE = {
    "apig_wsgi_task": 1,
    "id": "result-1",
    "task": "tests.contrib.django.project.tasks.add",
    "args": [1],
    "kwargs": {"b": 2},
    "backend": "default",
    "queue_name": "default",
    "priority": 0,
    "run_after": None,
    "enqueued_at": "2026-11-30T10:00:00+00:00",
}


def message(**changes: Any) -> dict[str, Any]:
    return {**MESSAGE, **changes}


class TestDecode:
    def test_valid_message(self) -> None:
        decoded = decode(message(run_after="2026-11-30T10:05:00+00:00"))
        assert (
            decoded.id,
            decoded.task,
            decoded.args,
            decoded.kwargs,
            decoded.enqueued_at.isoformat(),
            decoded.run_after.isoformat(),  # type: ignore[union-attr]
        ) == (
            "result-1",
            "tests.contrib.django.project.tasks.add",
            [1],
            {"b": 2},
            "2026-11-30T10:00:00+00:00",
            "2026-11-30T10:05:00+00:00",
        )

    @pytest.mark.parametrize(
        ("value", "error"),
        [
            (
                ["apig_wsgi_task"],
                "Not a task message: expected a JSON object with 'apig_wsgi_task', "
                "got ['apig_wsgi_task'].",
            ),
            (
                "x" * 100,
                "Not a task message: expected a JSON object with 'apig_wsgi_task', "
                f"got '{'x' * 76}....",
            ),
            (message(priority=True), "Malformed task message: 'priority' is True."),
            (
                message(kwargs={1: 2}),
                "Malformed task message: 'kwargs' keys must be strings.",
            ),
            (
                message(enqueued_at="yesterday"),
                "Malformed task message: 'enqueued_at' is not an ISO 8601 date and "
                "time: 'yesterday'.",
            ),
        ],
    )
    def test_invalid_messages(self, value: Any, error: str) -> None:
        with pytest.raises(InvalidTaskMessageError) as excinfo:
            decode(value)
        assert str(excinfo.value) == error


class TestResolve:
    @pytest.mark.parametrize(
        ("changes", "error"),
        [
            (
                {"task": "tests.contrib.django.project.nowhere.add"},
                "Task message 'result-1' names "
                "'tests.contrib.django.project.nowhere.add', which cannot be "
                "imported: No module named 'tests.contrib.django.project.nowhere'.",
            ),
            (
                {"backend": "gone"},
                "Task message 'result-1' names the task backend 'gone', which this "
                "project cannot load: The connection 'gone' doesn't exist.",
            ),
            (
                {"queue_name": "emails"},
                "Task message 'result-1' names a task that is not valid: Queue "
                "'emails' is not valid for backend.",
            ),
        ],
    )
    def test_unrunnable_messages(self, changes: dict[str, Any], error: str) -> None:
        with pytest.raises(InvalidTaskMessageError) as excinfo:
            run_task_message(message(**changes), None, attempt=1)
        assert str(excinfo.value) == error


def test_worker_id_outside_lambda_is_per_process() -> None:
    result = run_task_message(message(), None, attempt=1)

    assert (result.status, result.return_value) == (TaskResultStatus.SUCCESSFUL, 3)
    assert result.worker_ids == [PROCESS_WORKER_ID]


def test_queue_names_from_the_backend_settings_are_accepted() -> None:
    settings = {**TASKS, "default": {**TASKS["default"], "QUEUES": ["emails"]}}
    with override_settings(TASKS=settings):
        result = run_task_message(message(queue_name="emails"), None, attempt=1)

    assert result.task.queue_name == "emails"


def test_sqs_record_without_attributes_is_attempt_one() -> None:
    record = {"messageId": "m", "body": json.dumps(message(task="x.y"))}
    with pytest.raises(
        RecordFailedError, match=r"^Task message 'result-1' names 'x.y'"
    ):
        handle_sqs_record(record, None)


def test_task_that_cannot_be_imported_message() -> None:
    record = {"messageId": "m", "body": json.dumps(message(task="x.y"))}
    with pytest.raises(RecordFailedError) as excinfo:
        handle_sqs_record(record, None)
    assert str(excinfo.value) == (
        "Task message 'result-1' names 'x.y', which cannot be imported: No module "
        "named 'x'. The task was not run."
    )


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"body": json.dumps(MESSAGE)}, True),
        ({"body": json.dumps({"other": 1})}, False),
        ({"body": "{not json"}, False),
        ({"body": None}, False),
        ({}, False),
    ],
)
def test_is_task_record(record: dict[str, Any], expected: bool) -> None:
    assert is_task_record(record) is expected


def test_keyboard_interrupt_is_not_recorded_as_a_failure(signals: list[Any]) -> None:
    with pytest.raises(KeyboardInterrupt):
        run_task_message(
            message(
                task="tests.contrib.django.project.tasks.interrupt", args=[], kwargs={}
            ),
            None,
            attempt=1,
        )

    assert [name for name, _ in signals] == ["started:SQSBackend:RUNNING"]
