"""The JSON message that carries one enqueued task to the Lambda function.

The same object is an SQS message body and a direct invocation payload. The
``apig_wsgi_task`` key marks it as ours and holds the format's version.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any

from apig_wsgi.errors import InvalidEventError

if TYPE_CHECKING:
    from django.tasks import TaskResult

MARKER = "apig_wsgi_task"
VERSION = 1

# Each field and the type its value must have.
_FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "task": str,
    "args": list,
    "kwargs": dict,
    "backend": str,
    "queue_name": str,
    "priority": int,
    "run_after": (str, type(None)),
    "enqueued_at": str,
}


class InvalidTaskMessageError(InvalidEventError):
    """A task message that cannot be run; the task is not run."""


def is_task_message(value: object) -> bool:
    """True for JSON objects marked as task messages, well formed or not."""
    return isinstance(value, dict) and MARKER in value


def encode(result: TaskResult[..., Any]) -> dict[str, Any]:
    """The message for a freshly enqueued ``TaskResult``."""
    task = result.task
    assert result.enqueued_at is not None
    return {
        MARKER: VERSION,
        "id": result.id,
        "task": task.module_path,
        "args": result.args,
        "kwargs": result.kwargs,
        "backend": result.backend,
        "queue_name": task.queue_name,
        "priority": task.priority,
        "run_after": task.run_after.isoformat() if task.run_after else None,
        "enqueued_at": result.enqueued_at.isoformat(),
    }


class TaskMessage:
    """A validated task message."""

    __slots__ = (
        "args",
        "backend",
        "enqueued_at",
        "id",
        "kwargs",
        "priority",
        "queue_name",
        "run_after",
        "task",
    )

    id: str
    task: str
    args: list[Any]
    kwargs: dict[str, Any]
    backend: str
    queue_name: str
    priority: int
    run_after: datetime | None
    enqueued_at: datetime

    def __init__(self, values: dict[str, Any]) -> None:
        for name in _FIELDS:
            setattr(self, name, values[name])


def decode(message: object) -> TaskMessage:
    """Validate ``message``; raise ``InvalidTaskMessageError`` naming the problem."""
    if not is_task_message(message):
        raise InvalidTaskMessageError(
            f"Not a task message: expected a JSON object with {MARKER!r}, got "
            f"{_shorten(message)}."
        )
    assert isinstance(message, dict)
    if message[MARKER] != VERSION:
        raise InvalidTaskMessageError(
            f"Unsupported task message version {message[MARKER]!r}; this "
            f"apig-wsgi reads version {VERSION}. Deploy the same apig-wsgi "
            "release where tasks are enqueued and where they run."
        )
    values = dict(message)
    for name, expected in _FIELDS.items():
        if name not in message:
            raise InvalidTaskMessageError(f"Malformed task message: no {name!r}.")
        value = message[name]
        if not isinstance(value, expected) or isinstance(value, bool):
            raise InvalidTaskMessageError(
                f"Malformed task message: {name!r} is {_shorten(value)}."
            )
    if not all(isinstance(key, str) for key in message["kwargs"]):
        raise InvalidTaskMessageError(
            "Malformed task message: 'kwargs' keys must be strings."
        )
    for name in ("run_after", "enqueued_at"):
        if message[name] is not None:
            try:
                values[name] = datetime.fromisoformat(message[name])
            except ValueError:
                raise InvalidTaskMessageError(
                    f"Malformed task message: {name!r} is not an ISO 8601 "
                    f"date and time: {message[name]!r}."
                ) from None
    return TaskMessage(values)


def _shorten(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
