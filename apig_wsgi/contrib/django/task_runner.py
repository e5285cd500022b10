"""Run the task messages that reach the function, as Django's own backends do:
the task context, the return value normalised to JSON, errors with their
traceback, and the ``task_started`` and ``task_finished`` signals.
"""

from __future__ import annotations

import json
from traceback import format_exception
from typing import Any

from django.tasks import Task
from django.tasks import TaskContext
from django.tasks import TaskResult
from django.tasks import TaskResultStatus
from django.tasks import task_backends
from django.tasks.base import TaskError
from django.tasks.exceptions import InvalidTask
from django.tasks.exceptions import InvalidTaskBackend
from django.tasks.signals import task_finished
from django.tasks.signals import task_started
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.json import normalize_json
from django.utils.module_loading import import_string

from apig_wsgi.contrib.django.task_messages import MARKER
from apig_wsgi.contrib.django.task_messages import InvalidTaskMessageError
from apig_wsgi.contrib.django.task_messages import TaskMessage
from apig_wsgi.contrib.django.task_messages import decode
from apig_wsgi.contrib.django.task_messages import is_task_message
from apig_wsgi.contrib.django.tasks import LambdaTaskBackend
from apig_wsgi.routing import EventRouter
from apig_wsgi.routing import RecordFailedError

# Used when the Lambda context has no log stream name (outside Lambda).
PROCESS_WORKER_ID = get_random_string(32)


class TaskFailedError(RuntimeError):
    """The task raised; failing the invocation makes Lambda retry it."""


def add_task_routes(router: EventRouter) -> None:
    """Register the task runner for SQS messages and direct invocations."""
    router.sqs(match=is_task_record)(handle_sqs_record)
    router.invoke(key=MARKER)(handle_invocation)


def is_task_record(record: dict[str, Any]) -> bool:
    try:
        body = json.loads(record["body"])
    except (KeyError, TypeError, ValueError):
        return False
    return is_task_message(body)


def handle_sqs_record(record: dict[str, Any], context: Any) -> None:
    """Run the task in an SQS message; a failed task fails the record."""
    # SQS counts deliveries: the attempt number, as Django's workers count runs.
    attempt = int(record.get("attributes", {}).get("ApproximateReceiveCount", 1))
    try:
        result = run_task_message(json.loads(record["body"]), context, attempt)
    except InvalidTaskMessageError as exc:
        raise RecordFailedError(f"{exc} The task was not run.") from exc
    if result.status == TaskResultStatus.FAILED:
        raise RecordFailedError(failure_message(result))


def handle_invocation(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Run the task of a direct invocation; raise if it fails."""
    result = run_task_message(event, context, attempt=1)
    if result.status == TaskResultStatus.FAILED:
        raise TaskFailedError(failure_message(result))
    return {
        "task_result_id": result.id,
        "status": str(result.status),
        "return_value": result.return_value,
    }


def failure_message(result: TaskResult[..., Any]) -> str:
    error = result.errors[-1]
    return (
        f"Task id={result.id} path={result.task.module_path} failed with "
        f"{error.exception_class_path} (traceback logged by django.tasks); it "
        "will be retried."
    )


def run_task_message(
    payload: object, context: Any, attempt: int
) -> TaskResult[..., Any]:
    """Validate ``payload``, run its task and return the finished result.

    Raises ``InvalidTaskMessageError`` without running anything when the
    message is malformed or names something that is not a task.
    """
    message = decode(payload)
    task, backend = resolve(message)
    worker_id = getattr(context, "log_stream_name", None) or PROCESS_WORKER_ID
    result: TaskResult[..., Any] = TaskResult(
        task=task,
        id=message.id,
        # django-stubs 6.1 types the members of TaskResultStatus as "...".
        status=TaskResultStatus.READY,  # type: ignore[arg-type]
        enqueued_at=message.enqueued_at,
        started_at=None,
        last_attempted_at=None,
        finished_at=None,
        args=message.args,
        kwargs=message.kwargs,
        backend=message.backend,
        errors=[],
        # SQS does not say which workers made the earlier attempts.
        worker_ids=[""] * (max(attempt, 1) - 1),
    )
    execute(result, type(backend), worker_id)
    return result


def resolve(message: TaskMessage) -> tuple[Task[..., Any], LambdaTaskBackend]:
    prefix = f"Task message {message.id!r} names"
    try:
        task = import_string(message.task)
    except ImportError as exc:
        raise InvalidTaskMessageError(
            f"{prefix} {message.task!r}, which cannot be imported: {exc}."
        ) from None
    if not isinstance(task, Task):
        raise InvalidTaskMessageError(
            f"{prefix} {message.task!r}, which is not a task (a function "
            "decorated with @task)."
        )
    try:
        backend = task_backends[message.backend]
    except InvalidTaskBackend as exc:
        raise InvalidTaskMessageError(
            f"{prefix} the task backend {message.backend!r}, which this project "
            f"cannot load: {exc}"
        ) from None
    if not isinstance(backend, LambdaTaskBackend):
        raise InvalidTaskMessageError(
            f"{prefix} the task backend {message.backend!r}, which is "
            f"{type(backend).__name__}: only tasks enqueued with apig-wsgi's "
            "SQSBackend or LambdaBackend are run here."
        )
    try:
        task = task.using(
            backend=message.backend,
            queue_name=message.queue_name,
            priority=message.priority,
            run_after=message.run_after,
        )
    except InvalidTask as exc:
        raise InvalidTaskMessageError(
            f"{prefix} a task that is not valid: {exc}"
        ) from None
    return task, backend


def execute(result: TaskResult[..., Any], sender: type, worker_id: str) -> None:
    """Run the task of ``result``, recording its outcome on it."""
    task = result.task
    started_at = timezone.now()
    object.__setattr__(result, "status", TaskResultStatus.RUNNING)
    object.__setattr__(result, "started_at", started_at)
    object.__setattr__(result, "last_attempted_at", started_at)
    result.worker_ids.append(worker_id)
    task_started.send(sender=sender, task_result=result)
    try:
        if task.takes_context:
            value = task.call(
                TaskContext(task_result=result), *result.args, **result.kwargs
            )
        else:
            value = task.call(*result.args, **result.kwargs)
        object.__setattr__(result, "_return_value", normalize_json(value))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        object.__setattr__(result, "finished_at", timezone.now())
        kind = type(exc)
        result.errors.append(
            TaskError(
                exception_class_path=f"{kind.__module__}.{kind.__qualname__}",
                traceback="".join(format_exception(exc)),
            )
        )
        object.__setattr__(result, "status", TaskResultStatus.FAILED)
        # Sent inside the except block, so django.tasks logs the traceback.
        task_finished.send(sender=sender, task_result=result)
    else:
        object.__setattr__(result, "finished_at", timezone.now())
        object.__setattr__(result, "status", TaskResultStatus.SUCCESSFUL)
        task_finished.send(sender=sender, task_result=result)
